"""One cluster's watch stream fanned out to 200 browser WebSockets during a burst of 1,000 pod changes.

This process is the lab server (Daphne + the diagram's consumer, a scratch SQLite database, the in-memory channel
layer, no control plane so only the burst moves); a second process holds the WebSocket clients, as browsers would,
on loopback. The burst creates 1,000 pods through the API server; each write's commit time is taken in an
on-commit callback that runs just before the watch event is published. Prints deliveries per second, latency from
commit to receipt (p50/p95/p99; target p95 <= 250 ms) and the process RSS. Then a second wave of as many sockets
is weighed with tracemalloc (which slows allocation, so it is kept out of the timed wave): the memory connecting them
adds, and what closing them frees after a burst a fifth the size, i.e. each connection's own share (target
<= 100 KiB) without the watch window and caches every connection shares, which RSS counts too.
Run: .venv/bin/python bench/fanout.py [--clients 200] [--pods 1000]
"""

import argparse
import asyncio
import contextlib
import gc
import json
import os
import socket
import statistics
import sys
import tempfile
import time
import traceback
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def heap_kib() -> float:
    """Python memory in use now, as tracemalloc counts it (freed memory excluded, unlike RSS)."""
    gc.collect()
    return tracemalloc.get_traced_memory()[0] / 1024


async def connections_closed() -> None:
    """Wait until every diagram socket has gone: no watcher left, and Daphne has let their consumers go."""
    from lab.watchcache import _caches

    while any(cache.watchers for cache in _caches.values()):
        await asyncio.sleep(0.05)
    await asyncio.sleep(2)  # Daphne reaps finished application instances about once a second


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


# ---- the clients' process ----------------------------------------------------------------------------------


async def clients_main(url: str, origin: str, count: int, expected: int) -> None:
    import aiohttp

    receipts: dict[int, list[float]] = {}
    done = asyncio.Event()
    total = 0

    async def client(session, listed: asyncio.Event) -> None:
        nonlocal total
        async with session.ws_connect(url, origin=origin, max_msg_size=0) as socket_:
            async for message in socket_:
                now = time.time()
                frame = json.loads(message.data)
                for item in frame if isinstance(frame, list) else [frame]:
                    if item["type"] == "snapshot":
                        listed.set()
                    for event in item.get("events", ()):
                        if event["object"]["kind"] == "Pod":
                            receipts.setdefault(int(event["object"]["metadata"]["resourceVersion"]), []).append(now)
                            total += 1
                if total >= expected:
                    done.set()

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        listed = [asyncio.Event() for _ in range(count)]
        tasks = [asyncio.create_task(client(session, listed[i])) for i in range(count)]
        await asyncio.gather(*(event.wait() for event in listed))
        print("ready", flush=True)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), 120)
        print(json.dumps({str(version): times for version, times in receipts.items()}), flush=True)
        # Stay connected until the server has weighed the connections, then close them all.
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


# ---- the server's process ----------------------------------------------------------------------------------


def prepare_database() -> int:
    from django.core.management import call_command

    from lab.apiserver import api_server_for
    from lab.demo import create_demo_cluster

    call_command("migrate", interactive=False, verbosity=0)
    cluster = create_demo_cluster()
    api_server_for(cluster, operator=True).create(
        "ServiceAccount", {"metadata": {"name": "default", "namespace": "default"}}
    )
    return cluster.pk


def burst(cluster_id: int, pods: int, prefix: str) -> dict[int, float]:
    """Create `pods` pods one write at a time; returns each write's resourceVersion -> commit time."""
    from django.db import transaction

    from lab.apiserver import api_server_for
    from lab.models import Cluster

    server = api_server_for(Cluster.objects.get(pk=cluster_id))
    committed: dict[int, float] = {}
    for number in range(pods):
        pod = {
            "metadata": {"name": f"{prefix}-{number}", "namespace": "default", "labels": {"app": prefix}},
            "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]},
        }
        stamp: dict = {}
        with transaction.atomic():
            # Registered before the write, so it runs first at commit: just before the event is published.
            transaction.on_commit(lambda stamp=stamp: stamp.setdefault("at", time.time()))
            created = server.create("Pod", pod)
        committed[int(created["metadata"]["resourceVersion"])] = stamp["at"]
    return committed


class Wave:
    """A client process holding `clients` diagram sockets that expect `pods` pod events each."""

    def __init__(self, url: str, clients: int, pods: int):
        self.url, self.clients, self.pods = url, clients, pods

    async def connect(self) -> None:
        arguments = ["--client-mode", self.url, "--clients", str(self.clients), "--pods", str(self.pods)]
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            __file__,
            *arguments,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=2**28,
        )
        assert (await self.process.stdout.readline()).strip() == b"ready"

    async def receipts(self) -> dict:
        return json.loads(await self.process.stdout.readline())

    async def close(self) -> None:
        self.process.stdin.write(b"close\n")
        await self.process.stdin.drain()
        await self.process.wait()
        await connections_closed()


async def timed_wave(cluster_id: int, url: str, clients: int, pods: int) -> None:
    """Deliveries and latency, with nothing slowing the server down."""
    from asgiref.sync import sync_to_async

    baseline = rss_kib()
    wave = Wave(url, clients, pods)
    await wave.connect()
    connected = rss_kib()
    started = time.time()
    committed = await sync_to_async(burst, thread_sensitive=False)(cluster_id, pods, "burst")
    written = time.time() - started
    receipts = await wave.receipts()
    after = rss_kib()
    await wave.close()
    latencies = sorted(
        (at - committed[int(version)]) * 1000
        for version, times in receipts.items()
        if int(version) in committed
        for at in times
    )
    last = max(at for times in receipts.values() for at in times)
    deliveries = len(latencies)
    quantiles = statistics.quantiles(latencies, n=100)
    print(f"burst: {pods} pod creations committed in {written:.2f} s ({pods / written:.0f} writes/s)")
    print(f"deliveries: {deliveries} of {pods * clients} ({deliveries / (last - started):.0f} deliveries/s)")
    print(f"commit -> receipt: p50 {quantiles[49]:.0f} ms, p95 {quantiles[94]:.0f} ms, p99 {quantiles[98]:.0f} ms")
    print(
        f"process RSS: {baseline / 1024:.0f} MiB before, {connected / 1024:.0f} MiB connected, "
        f"{after / 1024:.0f} MiB after the burst (the watch window, caches and allocator high-water marks included)"
    )


async def weighed_wave(cluster_id: int, url: str, clients: int, pods: int) -> None:
    """What each connection holds: traced from before it connects, idle and after a burst it received."""
    from asgiref.sync import sync_to_async

    tracemalloc.start()
    try:
        before = heap_kib()
        wave = Wave(url, clients, pods)
        await wave.connect()
        idle = heap_kib()
        await sync_to_async(burst, thread_sensitive=False)(cluster_id, pods, "weighed")
        await wave.receipts()
        busy = heap_kib()
        await wave.close()
        closed = heap_kib()
    finally:
        tracemalloc.stop()
    print(
        f"memory per connection: {(idle - before) / clients:.1f} KiB idle, {(busy - closed) / clients:.1f} KiB "
        f"after a {pods}-pod burst (what closing them frees)"
    )


async def orchestrate(cluster_id: int, port: int, clients: int, pods: int) -> None:
    from twisted.internet import reactor

    try:
        url = f"ws://127.0.0.1:{port}/ws/clusters/{cluster_id}/"
        await timed_wave(cluster_id, url, clients, pods)
        await weighed_wave(cluster_id, url, clients, max(1, pods // 5))
    except Exception:
        traceback.print_exc()
    finally:
        reactor.stop()


def serve(clients: int, pods: int) -> None:
    os.environ["KUBELAB_VAR_DIR"] = tempfile.mkdtemp(prefix="kubelab-fanout-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lab.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from daphne.server import Server

    from lab.asgi import application

    cluster_id = prepare_database()
    port = free_port()
    Server(
        application=application,
        endpoints=[f"tcp:port={port}:interface=127.0.0.1"],
        ready_callable=lambda: asyncio.get_event_loop().create_task(orchestrate(cluster_id, port, clients, pods)),
        signal_handlers=False,
        verbosity=0,
    ).run()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--pods", type=int, default=1000)
    parser.add_argument("--client-mode", metavar="URL", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.client_mode:
        origin = arguments.client_mode.replace("ws://", "http://").split("/ws/")[0]
        asyncio.run(clients_main(arguments.client_mode, origin, arguments.clients, arguments.clients * arguments.pods))
    else:
        serve(arguments.clients, arguments.pods)


if __name__ == "__main__":
    main()
