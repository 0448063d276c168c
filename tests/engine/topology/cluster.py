"""Clusters for the topology tests: a single or HA control plane with exactly the components under test."""

from cluster_engine.api.availability import POWER_ANNOTATION, STATE_ANNOTATION
from cluster_engine.leaderelection import LeaderElection
from cluster_engine.machines import Machines
from cluster_engine.scenarios import cluster_objects
from cluster_engine.simulation import Simulation


def started(topology: str, seed: int = 0, components: tuple = ()) -> Simulation:
    sim = Simulation(seed=seed, components=[Machines, LeaderElection, *components])
    sim.apply(cluster_objects(topology))
    sim.apply([{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": "default"}}])
    sim.start()
    return sim


def power(sim: Simulation, node: str, state: str) -> None:
    """Switch a machine on or off, as the simulator's power button does."""
    sim.operator.patch("Node", None, node, {"metadata": {"annotations": {POWER_ANNOTATION: state}}})
    sim.run_for(0)  # what reacts at once (process deaths, component status) has reacted


def take(sim: Simulation, instance: str, state: str) -> None:
    """Bring one component process down or back up, as a fault does."""
    sim.operator.patch(
        "ControlPlaneComponent", None, instance, {"metadata": {"annotations": {STATE_ANNOTATION: state}}}
    )
    sim.run_for(0)


def lease(sim: Simulation, component: str) -> dict:
    return sim.get("Lease", f"kube-system/{component}")["spec"]


def holder_node(sim: Simulation, component: str) -> str:
    return lease(sim, component)["holderIdentity"].split("_")[0]


def status(sim: Simulation, instance: str) -> dict:
    return sim.get("ControlPlaneComponent", instance)["status"]


def events(sim: Simulation, reason: str) -> list[str]:
    return [event["message"] for event in sim.objects("Event") if event["reason"] == reason]
