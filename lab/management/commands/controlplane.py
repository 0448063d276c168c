"""`manage.py controlplane`: the scale-out control-plane worker.

Runs every cluster's control plane in its own process, next to any number of Daphne web processes, all sharing
PostgreSQL and the Redis channel layer. Start several for failover: one holds the worker lease and acts.
"""

import asyncio
import contextlib
import signal

from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.core.management.base import BaseCommand, CommandError

from lab.engine_host import ControlPlaneHost


class Command(BaseCommand):
    help = "Run the simulated control plane of every cluster (scale-out worker; needs REDIS_URL)."

    def handle(self, *args, **options):
        if isinstance(get_channel_layer(), InMemoryChannelLayer):
            raise CommandError(
                "The control-plane worker needs the Redis channel layer (set REDIS_URL): the in-memory layer lives "
                "inside one process, so the web processes would never hear this worker. For one process, use runlab."
            )
        host = ControlPlaneHost()
        self.stdout.write(f"Control-plane worker {host.identity} started; waiting for the worker lease.")

        asyncio.run(self._serve(host))

    async def _serve(self, host: ControlPlaneHost) -> None:
        """Run until SIGINT or SIGTERM, then stop gracefully: end the tick in progress and give the lease up while
        the event loop still runs (a tick commits by publishing through it)."""
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signal_number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signal_number, stopping.set)
        running = asyncio.create_task(host.run())
        await stopping.wait()
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
        await host.stop()
