"""A classroom of 60 on one machine: 60 sandboxes and the demo cluster running, 60 students watching the demo.

In one process, as `runlab` serves it: a scratch SQLite database, the in-memory channel layer, every cluster's
control plane on this event loop (lab/engine_host.py), and 60 diagram WebSockets on the demo cluster (ASGI in
process, no network). Every second the instructor writes to the demo cluster (an annotation on a node) and each
socket's receipt of that change is timed. Prints the control-plane round time (one cluster's tick: apply the
watch, run the clock, commit) and the interval between one cluster's ticks, and the delivery latency from the
write to each student's socket (p50/p95/max).
Run: .venv/bin/python bench/classroom.py [--students 60] [--seconds 20]
"""

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def measure(students: int, seconds: float) -> None:
    from asgiref.sync import sync_to_async
    from channels.routing import URLRouter
    from channels.testing import WebsocketCommunicator

    from lab import engine_host
    from lab.apiserver import api_server_for
    from lab.demo import create_demo_cluster, seed_objects
    from lab.lessons import LESSONS_BY_SLUG
    from lab.models import Cluster
    from lab.routing import websocket_urlpatterns

    lesson = LESSONS_BY_SLUG["cluster-and-nodes"]

    def create_clusters():
        demo = create_demo_cluster(name="class-demo")
        for number in range(students):
            topology, manifests = lesson.manifests(sandbox=True)
            sandbox = Cluster.objects.create(name=f"sandbox-{number}", topology=topology)
            seed_objects(sandbox, manifests)
        return demo

    started = time.monotonic()
    demo = await sync_to_async(create_clusters)()
    print(f"created the demo and {students} sandboxes in {time.monotonic() - started:.1f} s")

    rounds, intervals, last_start = [], [], {}
    advance = engine_host.ClusterHost._advance

    def timed_advance(host, elapsed, step):
        begin = time.monotonic()
        if host.cluster_id in last_start:
            intervals.append(begin - last_start[host.cluster_id])
        last_start[host.cluster_id] = begin
        try:
            return advance(host, elapsed, step)
        finally:
            rounds.append(time.monotonic() - begin)

    engine_host.ClusterHost._advance = timed_advance
    host_task = engine_host.start_in_process()

    application = URLRouter(websocket_urlpatterns)
    sockets = []
    for _ in range(students):
        communicator = WebsocketCommunicator(application, f"/ws/clusters/{demo.pk}/")
        connected, _ = await communicator.connect(timeout=30)
        assert connected
        await communicator.receive_from(timeout=30)  # the snapshot
        sockets.append(communicator)
    await asyncio.sleep(5)  # every control plane built and ticking
    rounds.clear()
    intervals.clear()

    latencies = []

    async def receipt(communicator, marker: str, written: list[float]) -> None:
        while True:
            frame = json.loads(await communicator.receive_from(timeout=30))
            for message in frame if isinstance(frame, list) else [frame]:
                for event in message.get("events", []):
                    annotations = event["object"]["metadata"].get("annotations") or {}
                    if annotations.get("bench.kubelab.io/marker") == marker:
                        latencies.append(time.monotonic() - written[0])
                        return

    def write(marker: str) -> None:
        api_server_for(Cluster.objects.get(pk=demo.pk), operator=True).patch(
            "Node", None, "worker-1", {"metadata": {"annotations": {"bench.kubelab.io/marker": marker}}}
        )

    for index in range(int(seconds)):
        marker = str(index)
        written = [0.0]
        waiting = [asyncio.create_task(receipt(communicator, marker, written)) for communicator in sockets]
        written[0] = time.monotonic()
        await sync_to_async(write, thread_sensitive=False)(marker)
        await asyncio.gather(*waiting)
        await asyncio.sleep(1.0)

    print(
        f"control-plane round time ({students + 1} clusters, {len(rounds)} rounds): "
        f"p50 {statistics.median(rounds) * 1000:.1f} ms, p95 {percentile(rounds, 0.95) * 1000:.1f} ms, "
        f"max {max(rounds) * 1000:.1f} ms"
    )
    print(
        f"interval between one cluster's ticks: p50 {statistics.median(intervals) * 1000:.0f} ms, "
        f"p95 {percentile(intervals, 0.95) * 1000:.0f} ms (target tick {engine_host.TICK_SECONDS * 1000:.0f} ms)"
    )
    print(
        f"delivery latency write -> {students} student sockets ({len(latencies)} deliveries): "
        f"p50 {statistics.median(latencies) * 1000:.1f} ms, p95 {percentile(latencies, 0.95) * 1000:.1f} ms, "
        f"max {max(latencies) * 1000:.1f} ms"
    )
    for communicator in sockets:
        await communicator.disconnect()
    host_task.cancel()
    await asyncio.gather(host_task, return_exceptions=True)
    for _host, task in engine_host._process_host.hosts.values():
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    engine_host._process_host.executor.shutdown(wait=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--seconds", type=float, default=20)
    options = parser.parse_args()
    os.environ["KUBELAB_VAR_DIR"] = tempfile.mkdtemp(prefix="kubelab-bench-classroom-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lab.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    asyncio.run(measure(options.students, options.seconds))


if __name__ == "__main__":
    main()
