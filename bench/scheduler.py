"""Scheduler throughput in the engine: pods/s for 10,000 pending pods on 100, 1,000 and 5,000 nodes.

Two workloads: plain pods with requests, and pods with required anti-affinity (per host, within a deployment)
plus a zone topology spread constraint. Each pod is popped from the scheduling queue, scheduled (filters,
scores, decision record) and assumed onto its node, as the component does before binding.
Run: .venv/bin/python -m bench.scheduler [pods] [node counts...]
"""

import random
import sys
import time

from cluster_engine.scheduler.algorithm import Algorithm
from cluster_engine.scheduler.podinfo import pod_info
from cluster_engine.scheduler.queue import SchedulingQueue
from cluster_engine.scheduler.snapshot import Snapshot

ZONES = 10
DEPLOYMENTS = 20


def make_node(index: int) -> dict:
    name = f"node-{index}"
    return {
        "kind": "Node",
        "metadata": {
            "name": name,
            "labels": {"kubernetes.io/hostname": name, "topology.kubernetes.io/zone": f"zone-{index % ZONES}"},
        },
        "spec": {},
        "status": {"allocatable": {"cpu": "32", "memory": "128Gi", "pods": "110"}},
    }


def make_pod(index: int, spread: bool) -> dict:
    app = f"app-{index % DEPLOYMENTS}"
    spec = {
        "containers": [
            {
                "name": "main",
                "image": "registry.k8s.io/pause:3.10",
                "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}},
            }
        ]
    }
    if spread:
        selector = {"matchLabels": {"app": app}}
        spec["affinity"] = {
            "podAntiAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": [
                    {"labelSelector": selector, "topologyKey": "kubernetes.io/hostname"}
                ]
            }
        }
        spec["topologySpreadConstraints"] = [
            {
                "maxSkew": 1,
                "topologyKey": "topology.kubernetes.io/zone",
                "whenUnsatisfiable": "DoNotSchedule",
                "labelSelector": selector,
            }
        ]
    return {
        "kind": "Pod",
        "metadata": {"name": f"pod-{index}", "namespace": "default", "labels": {"app": app}},
        "spec": spec,
    }


def run(nodes: int, pods: int, spread: bool) -> tuple[float, int]:
    snapshot = Snapshot()
    for index in range(nodes):
        snapshot.add_node(make_node(index))
    algorithm = Algorithm(snapshot, random.Random(42))
    queue = SchedulingQueue(lambda: 0.0)
    for index in range(pods):
        queue.add(pod_info(make_pod(index, spread)))
    scheduled = 0
    started = time.perf_counter()
    while (pod := queue.pop()) is not None:
        decision = algorithm.schedule(pod)
        decision.to_json()
        if decision.node:
            snapshot.add_pod(pod, decision.node)
            queue.done(pod.key)
            scheduled += 1
        else:
            queue.add_unschedulable(pod.key, queue.scheduling_cycle)
    return pods / (time.perf_counter() - started), scheduled


def main() -> None:
    pods = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    node_counts = [int(arg) for arg in sys.argv[2:]] or [100, 1_000, 5_000]
    print(f"{'workload':<22}{'nodes':>7}{'pods':>8}{'scheduled':>11}{'pods/s':>10}")
    for spread in (False, True):
        for nodes in node_counts:
            rate, scheduled = run(nodes, pods, spread)
            workload = "anti-affinity+spread" if spread else "plain"
            print(f"{workload:<22}{nodes:>7}{pods:>8}{scheduled:>11}{rate:>10.0f}")


if __name__ == "__main__":
    main()
