"""The whole control plane on the simulated clock: how fast simulated time runs, and what one round costs.

Clusters of 10, 100 and 1,000 worker nodes with 30 running pods per node, every component `default_components()`
lists. Two phases of simulated time per size:
- idle: nothing changes but heartbeats, leases and periodic loops;
- churn: a Deployment is scaled between 0 and CHURN_REPLICAS every CHURN_PERIOD simulated seconds.
A round is one step of the loop: the timers due at one instant, then the work queues drained until quiet. The
engine should cost per change, not per object: round cost flat across sizes at the same churn, and a 100-node
cluster running at least 100 times faster than real time. Speed is given against wall time and against this
process's CPU time: on a machine shared with other work the second is the steadier figure.
Run: .venv/bin/python -m bench.controlplane [--profile] [--seconds=S] [node counts...]
"""

import cProfile
import os
import pstats
import statistics
import sys
import time

from cluster_engine.controlplane import default_components
from cluster_engine.scenarios import cluster_objects, node_manifest
from cluster_engine.simulation import Simulation

PODS_PER_NODE = 30
PHASE_SECONDS = 120.0  # simulated seconds measured per phase, after a warm-up
WARM_UP_SECONDS = 30.0
CHURN_PERIOD = 5.0
CHURN_REPLICAS = 20
SIZES = (10, 100, 1000)


def running_pod(node: str, index: int) -> dict:
    """A pod the cluster has been running for a while: bound, started, ready."""
    ready = [{"type": kind, "status": "True", "lastTransitionTime": "2026-01-01T00:00:00Z"} for kind in CONDITIONS]
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": f"{node}-pod-{index}", "namespace": "default", "labels": {"app": "resident"}},
        "spec": {
            "nodeName": node,
            "containers": [
                {"name": "app", "image": "nginx:1.27", "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}}}
            ],
        },
        "status": {"phase": "Running", "conditions": ready, "startTime": "2026-01-01T00:00:00Z"},
    }


CONDITIONS = ("PodScheduled", "Initialized", "ContainersReady", "Ready")


def worker(index: int) -> dict:
    """A worker node; past 250 nodes the scenario's one-octet addressing runs out, so spread over more octets."""
    node = node_manifest(f"worker-{index + 1}", index + 1, zone=index % 3 + 1)
    high, low = divmod(index + 1, 250)
    node["spec"]["podCIDR"] = f"10.{100 + high}.{low}.0/24"
    node["spec"]["podCIDRs"] = [node["spec"]["podCIDR"]]
    node["status"]["addresses"][0]["address"] = f"10.224.{high}.{4 + low}"
    return node


def churn_deployment() -> dict:
    labels = {"app": "churn"}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "churn", "namespace": "default"},
        "spec": {
            "replicas": 0,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "containers": [
                        {
                            "name": "app",
                            "image": "nginx:1.27",
                            "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}},
                        }
                    ]
                },
            },
        },
    }


def build(nodes: int) -> tuple[Simulation, float]:
    started = time.perf_counter()
    sim = Simulation(seed=1)
    sim.apply(cluster_objects("single", workers=0) + [worker(index) for index in range(nodes)])
    sim.apply([{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": "default"}}])
    sim.apply([running_pod(f"worker-{node + 1}", index) for node in range(nodes) for index in range(PODS_PER_NODE)])
    sim.apply([churn_deployment()])
    sim.start()
    sim.run_for(WARM_UP_SECONDS)
    return sim, time.perf_counter() - started


def measure(sim: Simulation, seconds: float, churn: bool) -> dict:
    """Step through `seconds` of simulated time, timing every round; churn rescales the Deployment between rounds."""
    until = sim.now + seconds
    next_scale, replicas = sim.now, 0
    rounds: list[float] = []
    writes_before = sim.storage.resource_version()
    wall_started, cpu_started = time.perf_counter(), time.process_time()
    while sim.now < until:
        if churn and sim.now >= next_scale:
            replicas = CHURN_REPLICAS - replicas
            sim.server.patch("Deployment", "default", "churn", {"spec": {"replicas": replicas}})
            next_scale += CHURN_PERIOD
        due = sim.clock.next_due()
        target = min(due if due is not None else until, until, next_scale if churn else until)
        started = time.perf_counter()
        sim.run_until(target)
        rounds.append(time.perf_counter() - started)
    wall, cpu = time.perf_counter() - wall_started, time.process_time() - cpu_started
    return {
        "speed": seconds / wall,
        "cpu_speed": seconds / cpu if cpu else float("inf"),
        "rounds": len(rounds),
        "mean_ms": statistics.fmean(rounds) * 1000,
        "p95_ms": sorted(rounds)[int(len(rounds) * 0.95)] * 1000,
        "max_ms": max(rounds) * 1000,
        "writes": sim.storage.resource_version() - writes_before,
        "wall": wall,
    }


def report(nodes: int, phase: str, figures: dict) -> None:
    per_write = figures["wall"] * 1000 / figures["writes"] if figures["writes"] else 0.0
    print(
        f"{nodes:>6} {phase:<6} {figures['speed']:>9.1f}x {figures['cpu_speed']:>9.1f}x {figures['rounds']:>7} "
        f"{figures['mean_ms']:>9.3f} {figures['p95_ms']:>9.3f} {figures['max_ms']:>9.2f} "
        f"{figures['writes']:>7} {per_write:>10.3f}"
    )


def main(argv: list[str]) -> None:
    profile = "--profile" in argv
    sizes = [int(arg) for arg in argv if arg.isdigit()] or list(SIZES)
    seconds = next((float(arg.partition("=")[2]) for arg in argv if arg.startswith("--seconds=")), PHASE_SECONDS)
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"cores: 1 used (the control plane is one thread) of {available} available")
    print("components: " + ", ".join(component.__name__ for component in default_components()))
    print(f"{PODS_PER_NODE} pods per node; {seconds:.0f} simulated s per phase; churn: 0 <-> {CHURN_REPLICAS}")
    print(
        f"{'nodes':>6} {'phase':<6} {'sim/wall':>10} {'sim/cpu':>10} {'rounds':>7} {'mean ms':>9} {'p95 ms':>9} "
        f"{'max ms':>9}"
    )
    print(
        f"{'':>6} {'':<6} {'':>10} {'':>10} {'':>7} {'/round':>9} {'/round':>9} {'/round':>9} {'writes':>7} "
        f"{'ms/write':>10}"
    )
    for nodes in sizes:
        sim, setup = build(nodes)
        print(f"{nodes:>6} setup  {setup:.1f} s wall to seed {nodes * PODS_PER_NODE} pods and warm up")
        report(nodes, "idle", measure(sim, seconds, churn=False))
        if profile:
            profiler = cProfile.Profile()
            profiler.enable()
        report(nodes, "churn", measure(sim, seconds, churn=True))
        if profile:
            profiler.disable()
            print(f"--- hot spots under churn, {nodes} nodes (own time) ---")
            pstats.Stats(profiler).sort_stats("tottime").print_stats(12)


if __name__ == "__main__":
    main(sys.argv[1:])
