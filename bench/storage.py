"""Dynamic provisioning at scale: 1,000 claims bound across 100 nodes, in simulated and wall time.

Every component `default_components()` lists runs on a cluster of 100 workers. Two runs:
- disks: 1,000 `managed-csi` claims (WaitForFirstConsumer) whose node the scheduler has already chosen, spread over
  the nodes (`volume.kubernetes.io/selected-node`), so each disk is created in its node's zone;
- shares: 1,000 `azurefile-csi` claims (Immediate), provisioned as soon as the PV controller hands them over.
Each run reports the simulated seconds until every claim is Bound (the provisioner's simulated cloud call is
PROVISION_SECONDS) and the wall and CPU seconds it took to get there.
Run: .venv/bin/python -m bench.storage [claims] [nodes]
"""

import os
import sys
import time

from bench.controlplane import worker
from cluster_engine.controllers.csi_provisioner import PROVISION_SECONDS
from cluster_engine.scenarios import cluster_objects
from cluster_engine.simulation import Simulation

CLAIMS = 1000
NODES = 100
STEP_SECONDS = 1.0


def claim(index: int, storage_class: str, node: str | None) -> dict:
    metadata = {"name": f"data-{index}", "namespace": "default"}
    if node:
        metadata["annotations"] = {"volume.kubernetes.io/selected-node": node}
    mode = "ReadWriteOnce" if storage_class == "managed-csi" else "ReadWriteMany"
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": metadata,
        "spec": {
            "accessModes": [mode],
            "storageClassName": storage_class,
            "resources": {"requests": {"storage": "10Gi"}},
        },
    }


def run(storage_class: str, claims: int, nodes: int) -> dict:
    sim = Simulation(seed=1)
    sim.apply(cluster_objects("single", workers=0) + [worker(index) for index in range(nodes)])
    sim.start()
    sim.run_for(10)
    started_at = sim.now
    wall, cpu = time.perf_counter(), time.process_time()
    for index in range(claims):
        node = f"worker-{index % nodes + 1}" if storage_class == "managed-csi" else None
        sim.server.create("PersistentVolumeClaim", claim(index, storage_class, node))
    bound = 0
    while bound < claims:
        sim.run_for(STEP_SECONDS)
        bound = sum(1 for item in sim.objects("PersistentVolumeClaim") if item["status"].get("phase") == "Bound")
    return {
        "simulated": sim.now - started_at,
        "wall": time.perf_counter() - wall,
        "cpu": time.process_time() - cpu,
        "volumes": len(sim.objects("PersistentVolume")),
        "zones": len(zones(sim.objects("PersistentVolume"))),
    }


def zones(volumes: list[dict]) -> set[str]:
    """The zones the volumes are pinned to (a file share is pinned to none)."""
    found = set()
    for volume in volumes:
        affinity = volume["spec"].get("nodeAffinity")
        if affinity:
            found.add(affinity["required"]["nodeSelectorTerms"][0]["matchExpressions"][0]["values"][0])
    return found


def main(argv: list[str]) -> None:
    numbers = [int(arg) for arg in argv if arg.isdigit()]
    claims = numbers[0] if numbers else CLAIMS
    nodes = numbers[1] if len(numbers) > 1 else NODES
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"cores: 1 used (the control plane is one thread) of {available} available")
    print(f"{claims} claims on {nodes} nodes; a simulated cloud call takes {PROVISION_SECONDS:.0f} s")
    print(f"{'run':<7} {'bound after':>12} {'wall':>9} {'cpu':>9} {'volumes':>8} {'zones':>6}")
    for name, storage_class in (("disks", "managed-csi"), ("shares", "azurefile-csi")):
        figures = run(storage_class, claims, nodes)
        print(
            f"{name:<7} {figures['simulated']:>10.0f} s {figures['wall']:>7.1f} s {figures['cpu']:>7.1f} s "
            f"{figures['volumes']:>8} {figures['zones']:>6}"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
