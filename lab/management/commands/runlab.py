"""`manage.py runlab`: the whole lab in one process.

Migrates, makes sure an admin login and the demo cluster exist, sets the demo cluster's clock speed, then serves
HTTP and WebSockets with Daphne and runs the control plane on Daphne's own event loop (Daphne has no ASGI lifespan,
so its `ready_callable` is where the control plane starts; sharing the loop means sharing the in-memory channel
layer with the WebSocket consumers).
"""

import asyncio

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from lab.bootstrap import PASSWORD_ENVIRONMENT, ensure_admin, ensure_demo_cluster, set_speed
from lab.kubeapi import tls


class Command(BaseCommand):
    help = "Run KubeLab: web pages, admin, kube API and WebSockets with Daphne, plus the simulated control plane."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1", help="interface to listen on")
        parser.add_argument("--speed", type=float, help="simulated seconds per wall second for the demo cluster")
        parser.add_argument(
            "--kube-port",
            type=int,
            default=settings.KUBE_API_PORT,
            help="HTTPS port of the Kubernetes API for kubectl (upstream's 6443)",
        )

    def handle(self, *args, port, host, speed, kube_port, **options):
        settings.KUBE_API_PORT = kube_port  # the kubeconfig page names the port this process serves
        call_command("migrate", interactive=False, verbosity=0)
        try:
            login = ensure_admin()
        except ValidationError as refusal:
            raise CommandError(f"{PASSWORD_ENVIRONMENT} is refused: {' '.join(refusal.messages)}") from None
        cluster, created = ensure_demo_cluster()
        if created:
            self.stdout.write(f'Seeded the demo cluster "{cluster.name}".')
        if speed is not None:
            try:
                set_speed(cluster, speed)
            except ValueError as error:
                raise CommandError(str(error)) from None
        url = f"http://{'[' + host + ']' if ':' in host else host}:{port}"
        self.stdout.write(f"KubeLab is running at {url}/ (demo cluster at {cluster.speed:g}x)")
        password = f"{login.password}  [{login.where}]" if login.password is not None else f"({login.where})"
        self.stdout.write(f"Admin: {url}/admin/  user {login.username}  password {password}")
        kube_url = f"https://{'[' + host + ']' if ':' in host else host}:{kube_port}"
        self.stdout.write(
            f"kubectl: {kube_url}  (python manage.py kubeconfig demo --server {kube_url} > demo.kubeconfig; "
            "kubectl --kubeconfig demo.kubeconfig get nodes)"
        )
        self.stdout.write("Stop with Ctrl+C.")
        self._serve(host, port, kube_port)

    def _serve(self, host: str, port: int, kube_port: int) -> None:
        from daphne.server import Server

        from lab.asgi import application

        interface = host.replace(":", r"\:")
        Server(
            application=application,
            # The pages, admin and WebSockets over HTTP; the kube API also over HTTPS, since kubectl sends its bearer
            # token only over TLS.
            endpoints=[f"tcp:port={port}:interface={interface}", tls.endpoint(kube_port, host)],
            ready_callable=_start_control_plane,
            signal_handlers=True,
        ).run()


def _start_control_plane() -> None:
    from twisted.internet import defer, reactor

    from lab.engine_host import start_in_process, stop_in_process

    start_in_process()
    # On Ctrl+C or SIGTERM, stop the control plane while the loop still runs, then let the server exit.
    reactor.addSystemEventTrigger(
        "before", "shutdown", lambda: defer.Deferred.fromFuture(asyncio.ensure_future(stop_in_process()))
    )
