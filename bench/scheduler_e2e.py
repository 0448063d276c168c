"""Scheduling end to end through the lab's etcd: bindings persisted per second with SQLite in WAL mode.

A temporary SQLite database configured exactly as lab/settings.py configures it (WAL, synchronous=NORMAL,
IMMEDIATE transactions), migrated; a cluster of one control-plane node and N workers seeded through the operator's
API server; 10,000 pending pods created in batches; then the Scheduler component alone, built with build_stack
against the ORM-backed API server as lab/engine_host.py builds it, schedules and binds them all in one control-plane
pass (one transaction, as a tick). Reported: bindings persisted per second, and where the time went: the
scheduling algorithm, the ORM (storage calls and the commit), and the rest (API server checks, Events, caches).
Run: .venv/bin/python -m bench.scheduler_e2e [--profile] [pods] [nodes]
"""

import cProfile
import os
import pstats
import sys
import tempfile
import time

BATCH = 500  # pods created per transaction while seeding


def setup_django(directory: str) -> None:
    os.environ["KUBELAB_VAR_DIR"] = directory
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lab.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def pending_pod(index: int) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": f"load-{index}", "namespace": "default", "labels": {"app": f"load-{index % 20}"}},
        "spec": {
            "containers": [
                {"name": "app", "image": "nginx:1.27", "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}}}
            ]
        },
    }


class Stopwatch:
    """Accumulates the wall time spent inside the wrapped callables."""

    def __init__(self):
        self.seconds = 0.0

    def wrap(self, function):
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started

        return timed


def seed(pods: int, nodes: int):
    from bench.controlplane import worker
    from cluster_engine.scenarios import cluster_objects
    from lab.apiserver import api_server_for
    from lab.models import Cluster

    cluster = Cluster.objects.create(name="bench", seed=0)
    operator = api_server_for(cluster, operator=True)
    objects = cluster_objects("single", workers=0) + [worker(index) for index in range(nodes)]
    objects.append(
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": "default"}}
    )
    with operator.storage.transaction():
        for obj in objects:
            operator.create(obj["kind"], obj)
    for start in range(0, pods, BATCH):
        with operator.storage.transaction():
            for index in range(start, min(start + BATCH, pods)):
                operator.create("Pod", pending_pod(index))
    cluster.refresh_from_db()
    return cluster


def schedule(cluster, profile: bool) -> dict:
    """The scheduler over the ORM, built as the lab's control-plane host builds it; one timed pass."""
    import random

    from cluster_engine.api.availability import gate_for
    from cluster_engine.api.kinds import ALL_KINDS
    from cluster_engine.api.server import ApiServer
    from cluster_engine.runtime.clock import SimClock
    from cluster_engine.scheduler.component import Scheduler
    from cluster_engine.stack import build_stack
    from lab.storage import OrmStorage

    clock = SimClock(epoch=cluster.epoch, now=cluster.now, speed=cluster.speed, paused=cluster.paused)
    storage = OrmStorage(cluster)
    rng = random.Random(cluster.seed * 2 + 1)
    server = ApiServer(storage, clock, rng, gate=gate_for(storage), max_replicas=cluster.max_replicas)
    operator = ApiServer(storage, clock, rng, max_replicas=cluster.max_replicas)
    stack = build_stack(server, operator, cluster.seed, [Scheduler])
    for kind in ALL_KINDS:
        items, version = operator.list(kind.kind)
        stack.cache.replace(kind.kind, items, version)
    scheduler = stack.control_plane.components[0]
    in_scheduler, in_orm = Stopwatch(), Stopwatch()
    scheduler.algorithm.schedule = in_scheduler.wrap(scheduler.algorithm.schedule)
    for method in ("get", "list", "save", "remove", "next_resource_version", "resource_version"):
        setattr(storage, method, in_orm.wrap(getattr(storage, method)))
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    with storage.transaction():
        stack.control_plane.start()
        drained = time.perf_counter()
    committed = time.perf_counter()
    if profiler:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
    return {
        "seconds": committed - started,
        "scheduler": in_scheduler.seconds,
        "orm": in_orm.seconds + (committed - drained),
        "commit": committed - drained,
    }


def main() -> None:
    arguments = [arg for arg in sys.argv[1:] if arg != "--profile"]
    pods = int(arguments[0]) if arguments else 10_000
    nodes = int(arguments[1]) if len(arguments) > 1 else 500
    with tempfile.TemporaryDirectory(prefix="kubelab-bench-") as directory:
        setup_django(directory)
        from lab.models import proxy_for

        seeding = time.perf_counter()
        cluster = seed(pods, nodes)
        seeded = time.perf_counter() - seeding
        timing = schedule(cluster, "--profile" in sys.argv)
        bound = proxy_for("Pod").objects.filter(cluster=cluster).exclude(node_name="").count()
        total = timing["seconds"]
        other = total - timing["scheduler"] - timing["orm"]
        print(f"cores: {os.cpu_count()} (this benchmark runs on one)")
        print(f"seeded {nodes} workers and {pods} pending pods in {seeded:.1f} s ({pods / seeded:.0f} pods/s created)")
        print(f"bound and persisted {bound}/{pods} pods in {total:.2f} s: {bound / total:.0f} bindings/s")
        print(
            f"  scheduler (filters, scores, decisions)   {timing['scheduler']:7.2f} s {timing['scheduler'] / total:6.1%}"
        )
        print(
            f"  ORM (storage calls, commit {timing['commit']:.2f} s)       {timing['orm']:7.2f} s {timing['orm'] / total:6.1%}"
        )
        print(f"  API server checks, Events, caches         {other:7.2f} s {other / total:6.1%}")


if __name__ == "__main__":
    main()
