"""Time travel's cost: what each cluster's history takes per simulated hour at 100 nodes, and how fast a rewind is.

A temporary SQLite database configured as lab/settings.py configures it, migrated; a cluster of one control-plane
node and 100 workers seeded through the operator's API server, with a Deployment of 300 pods (three per node) and
a second one a class plays with, scaled between 0 and 20 replicas every simulated minute. The whole control plane
(every default component) runs against the ORM as lab/engine_host.py runs it, one transaction per tick of 10
simulated seconds (a 0.1 s tick at 100x). After a warm-up, the measured stretch's history is weighed: rows,
compressed bytes (what the table's data column holds) and the JSON they came from, extrapolated to a simulated hour
and to a one-hour class at 100x (100 simulated hours), against the retention limit (settings.HISTORY_REVISIONS).
Then rewinds to random moments of the stretch are timed as the page asks for them (the diagram's kinds, encoded as
the socket sends them): p50 and p99, and the peak Python memory one rewind takes.
Run: .venv/bin/python -m bench.history [--seconds=S] [--nodes=N] [--rewinds=R]
"""

import json
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
import zlib

from bench.scheduler_e2e import setup_django

TICK = 10.0  # simulated seconds per transaction: lab/engine_host.TICK_SECONDS (0.1 s) at 100x
WARM_UP = 300.0  # simulated seconds before measuring: the 300 pods scheduled and running
PLAY_PERIOD = 60.0
PLAY_REPLICAS = 20


def option(name: str, default: int) -> int:
    for argument in sys.argv[1:]:
        if argument.startswith(f"--{name}="):
            return int(argument.split("=", 1)[1])
    return default


def deployment(name: str, replicas: int) -> dict:
    labels = {"app": name}
    container = {"name": "app", "image": "nginx:1.27", "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}}}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels}, "spec": {"containers": [container]}},
        },
    }


def seed(nodes: int):
    from bench.controlplane import worker
    from cluster_engine.scenarios import cluster_objects
    from lab.apiserver import api_server_for
    from lab.models import Cluster

    cluster = Cluster.objects.create(name="bench", seed=0, speed=100)
    operator = api_server_for(cluster, operator=True)
    objects = cluster_objects("single", workers=0) + [worker(index) for index in range(nodes)]
    objects.append(
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": "default"}}
    )
    objects += [deployment("web", 3 * nodes), deployment("class", 0)]
    with operator.storage.transaction():
        for obj in objects:
            operator.create(obj["kind"], obj)
    cluster.refresh_from_db()
    return cluster


def run(cluster, seconds: float, play: bool) -> None:
    """The control plane over the ORM as the lab's host builds it, one transaction per tick; the class Deployment
    rescaled every PLAY_PERIOD."""
    import random as _random

    from cluster_engine.api.availability import gate_for
    from cluster_engine.api.kinds import ALL_KINDS
    from cluster_engine.api.server import ApiServer
    from cluster_engine.runtime.clock import SimClock
    from cluster_engine.stack import build_stack
    from lab.models import Cluster
    from lab.storage import OrmStorage

    clock = SimClock(epoch=cluster.epoch, now=cluster.now, speed=cluster.speed, paused=False)
    storage = OrmStorage(cluster, clock)
    rng = _random.Random(1)
    server = ApiServer(storage, clock, rng, gate=gate_for(storage), max_replicas=cluster.max_replicas)
    operator = ApiServer(storage, clock, rng, max_replicas=cluster.max_replicas)
    stack = build_stack(server, operator, cluster.seed)
    for kind in ALL_KINDS:
        items, version = operator.list(kind.kind)
        stack.cache.replace(kind.kind, items, version)
    with storage.transaction():
        stack.control_plane.start()
    replicas, next_play = 0, clock.now if play else float("inf")
    until = clock.now + seconds
    while clock.now < until:
        with storage.transaction():
            if clock.now >= next_play:
                replicas = PLAY_REPLICAS - replicas
                stack.client.patch("Deployment", "default", "class", {"spec": {"replicas": replicas}})
                next_play += PLAY_PERIOD
            stack.control_plane.run_until(clock.now + TICK)
            Cluster.objects.filter(pk=cluster.pk).update(now=clock.now)
    cluster.refresh_from_db()


def weigh(cluster, after_revision: int) -> dict:
    from lab.models import HistoryEntry

    rows = HistoryEntry.objects.filter(cluster=cluster, revision__gt=after_revision).values_list("kind", "data")
    count, stored, raw, by_kind = 0, 0, 0, {}
    for kind, data in rows.iterator():
        count += 1
        stored += len(data)
        raw += len(zlib.decompress(data))
        by_kind[kind] = by_kind.get(kind, 0) + 1
    return {"rows": count, "bytes": stored, "json": raw, "by_kind": by_kind}


def rewinds(cluster, first: int, last: int, count: int, cold: bool) -> dict:
    """Rewinds to `count` random revisions; `cold` forgets the decoded objects before each (a first rewind)."""
    from lab.history import reading
    from lab.history.live import rewind

    generator = random.Random(7)
    picks = [generator.randint(first, last) for _ in range(count)]
    seconds, sizes = [], []
    for revision in picks:
        if cold:
            reading._decoded.clear()
        started = time.perf_counter()
        answer = json.dumps(rewind(cluster, {"action": "rewind", "revision": revision}), separators=(",", ":"))
        seconds.append(time.perf_counter() - started)
        sizes.append(len(answer))
    if cold:
        reading._decoded.clear()
    tracemalloc.start()
    rewind(cluster, {"action": "rewind", "revision": picks[0]})
    held, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    quantiles = statistics.quantiles(seconds, n=100)
    return {
        "p50": quantiles[49],
        "p99": quantiles[98],
        "answer": statistics.mean(sizes),
        "peak": peak,
        "held": held,
        "decoded": len(reading._decoded),
    }


def main() -> None:
    seconds = option("seconds", 900)
    nodes = option("nodes", 100)
    count = option("rewinds", 200)
    with tempfile.TemporaryDirectory(prefix="kubelab-bench-") as directory:
        setup_django(directory)
        from django.conf import settings

        from lab.history import reading
        from lab.models import Cluster

        cluster = seed(nodes)
        run(cluster, WARM_UP, play=False)
        start_revision, start_time = cluster.resource_version, cluster.now
        disk_before = sum(os.path.getsize(os.path.join(directory, name)) for name in os.listdir(directory))
        started = time.perf_counter()
        run(cluster, seconds, play=True)
        wall = time.perf_counter() - started
        cluster = Cluster.objects.get(pk=cluster.pk)
        disk_after = sum(os.path.getsize(os.path.join(directory, name)) for name in os.listdir(directory))
        weight = weigh(cluster, start_revision)
        per_hour = 3600.0 / (cluster.now - start_time)
        rows_hour, bytes_hour = weight["rows"] * per_hour, weight["bytes"] * per_hour
        cold = rewinds(cluster, start_revision, cluster.resource_version, count // 4, cold=True)
        timing = rewinds(cluster, start_revision, cluster.resource_version, count, cold=False)

    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"cores: 1 used (the control plane and the rewinds are one thread) of {available} available")
    print(
        f"{nodes} nodes, {3 * nodes} pods + 0..{PLAY_REPLICAS} rescaled every {PLAY_PERIOD:.0f} s; "
        f"{cluster.now - start_time:.0f} simulated s measured in {wall:.0f} s wall"
    )
    print(
        f"history per simulated hour: {rows_hour:,.0f} rows, {bytes_hour / 2**20:.1f} MiB compressed "
        f"(from {weight['json'] * per_hour / 2**20:.1f} MiB of JSON, {weight['json'] / weight['bytes']:.1f}x); "
        f"database file growth {(disk_after - disk_before) * per_hour / 2**20:.1f} MiB"
    )
    top = sorted(weight["by_kind"].items(), key=lambda item: -item[1])[:5]
    print("  rows by kind: " + ", ".join(f"{kind} {rows * per_hour:,.0f}" for kind, rows in top))
    keep = settings.HISTORY_REVISIONS
    print(
        f"one-hour class at 100x (100 simulated hours): {100 * rows_hour:,.0f} writes, "
        f"{100 * bytes_hour / 2**30:.2f} GiB unpruned; kept: the newest {keep:,} (HISTORY_REVISIONS) = "
        f"{keep / rows_hour * 60:.0f} simulated minutes, {keep / weight['rows'] * weight['bytes'] / 2**20:.0f} MiB"
    )
    print(
        f"rewind to a random moment ({count} of them, decoded objects remembered): p50 {timing['p50'] * 1000:.0f} ms, "
        f"p99 {timing['p99'] * 1000:.0f} ms; answer {timing['answer'] / 1024:.0f} KiB, "
        f"peak Python memory {timing['peak'] / 2**20:.1f} MiB"
    )
    print(
        f"  the first rewind (nothing decoded yet, {count // 4} of them): p50 {cold['p50'] * 1000:.0f} ms, "
        f"p99 {cold['p99'] * 1000:.0f} ms; it keeps {cold['decoded']:,} decoded objects, {cold['held'] / 2**20:.0f} MiB "
        f"(at most {reading.DECODED_MEMORY:,} are kept)"
    )


if __name__ == "__main__":
    main()
