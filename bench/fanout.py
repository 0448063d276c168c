"""One cluster's watch stream fanned out to 200 browser WebSockets during a burst of 1,000 pod changes.

This process is the lab server (Daphne + the diagram's consumer, a scratch SQLite database, the in-memory channel
layer, no control plane so only the burst moves); a second process holds the WebSocket clients, as browsers would,
on loopback. The burst creates 1,000 pods through the API server; each write's commit time is taken in an
on-commit callback that runs just before the watch event is published. Prints deliveries per second, latency from
commit to receipt (p50/p95/p99; target p95 <= 250 ms) and memory per connection (target <= 100 KiB): the Python
memory the connections hold, measured with tracemalloc (idle: what connecting them added; after the burst: what
closing them frees, so the watch window and caches every connection shares are not counted), besides the
process RSS. Tracing slows allocation, so latencies here read somewhat higher than in production.
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


def burst(cluster_id: int, pods: int) -> dict[int, float]:
    """Create `pods` pods one write at a time; returns each write's resourceVersion -> commit time."""
    from django.db import transaction

    from lab.apiserver import api_server_for
    from lab.models import Cluster

    server = api_server_for(Cluster.objects.get(pk=cluster_id))
    committed: dict[int, float] = {}
    for number in range(pods):
        pod = {
            "metadata": {"name": f"burst-{number}", "namespace": "default", "labels": {"app": "burst"}},
            "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]},
        }
        stamp: dict = {}
        with transaction.atomic():
            # Registered before the write, so it runs first at commit: just before the event is published.
            transaction.on_commit(lambda stamp=stamp: stamp.setdefault("at", time.time()))
            created = server.create("Pod", pod)
        committed[int(created["metadata"]["resourceVersion"])] = stamp["at"]
    return committed


async def orchestrate(cluster_id: int, port: int, clients: int, pods: int) -> None:
    from asgiref.sync import sync_to_async
    from twisted.internet import reactor

    try:
        baseline, heap_baseline = rss_kib(), heap_kib()
        url = f"ws://127.0.0.1:{port}/ws/clusters/{cluster_id}/"
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            __file__,
            "--client-mode",
            url,
            "--clients",
            str(clients),
            "--pods",
            str(pods),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=2**28,
        )
        assert (await process.stdout.readline()).strip() == b"ready"
        connected, heap_connected = rss_kib(), heap_kib()
        started = time.time()
        committed = await sync_to_async(burst, thread_sensitive=False)(cluster_id, pods)
        written = time.time() - started
        receipts = json.loads(await process.stdout.readline())
        after, heap_after = rss_kib(), heap_kib()
        process.stdin.write(b"close\n")
        await process.stdin.drain()
        await process.wait()
        await connections_closed()
        heap_closed = heap_kib()
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
            f"memory per connection: {(heap_connected - heap_baseline) / clients:.1f} KiB idle, "
            f"{(heap_after - heap_closed) / clients:.1f} KiB after the burst (what closing them frees)"
        )
        print(
            f"process RSS: {baseline / 1024:.0f} MiB before, {connected / 1024:.0f} MiB connected, "
            f"{after / 1024:.0f} MiB after the burst (includes the watch window and allocator high-water marks)"
        )
    except Exception:
        traceback.print_exc()
    finally:
        reactor.stop()


def serve(clients: int, pods: int) -> None:
    tracemalloc.start()  # from the start, so every byte a connection holds is counted
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
