"""A single-control-plane cluster running the cloud controller manager's loops, and the node-pool ConfigMap."""

import json

from cluster_engine.cloud import CloudNodeLifecycleController, NodePoolController, ServiceController
from cluster_engine.leaderelection import LeaderElection
from cluster_engine.machines import Machines
from cluster_engine.scenarios import cluster_objects
from cluster_engine.simulation import Simulation

CLOUD = (Machines, LeaderElection, NodePoolController, ServiceController, CloudNodeLifecycleController)


def started(*objects: dict, seed: int = 0, components: tuple = ()) -> Simulation:
    sim = Simulation(seed=seed, components=[*CLOUD, *components])
    sim.apply(cluster_objects("single") + list(objects))
    sim.start()
    sim.run_for(0)
    return sim


def pools(**counts: int) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "kubelab-node-pools", "namespace": "kube-system"},
        "data": {
            name: f"count: {count}\nvmSize: Standard_DS2_v2\nzones: [1, 2, 3]\n" for name, count in counts.items()
        },
    }


def scale(sim: Simulation, pool: str, text) -> None:
    """What `kubectl edit configmap kubelab-node-pools` does: a client write through the API server."""
    value = text if isinstance(text, str) else json.dumps(text)
    sim.server.patch("ConfigMap", "kube-system", "kubelab-node-pools", {"data": {pool: value}})


def node_names(sim: Simulation) -> list[str]:
    return sorted(node["metadata"]["name"] for node in sim.objects("Node"))


def events(sim: Simulation, reason: str) -> list[str]:
    return [event["message"] for event in sim.objects("Event") if event["reason"] == reason]
