from cluster_engine.controllers.deployment import DeploymentController
from cluster_engine.controllers.garbagecollector import GarbageCollector
from cluster_engine.controllers.namespace import NamespaceController
from cluster_engine.controllers.replicaset import ReplicaSetController

from .helpers import deployment, namespace, pods, simulation

CONTROLLERS = [DeploymentController, ReplicaSetController, GarbageCollector]


def test_background_deletion_removes_owner_then_dependents():
    sim = simulation(CONTROLLERS, [deployment(replicas=3)])
    assert (len(sim.objects("ReplicaSet")), len(pods(sim))) == (1, 3)
    sim.operator.delete("Deployment", "default", "web")
    sim.run_for(0)
    assert sim.objects("Deployment") == [] and sim.objects("ReplicaSet") == [] and pods(sim, active_only=False) == []


def test_foreground_deletion_keeps_owner_until_blocking_dependents_are_gone():
    sim = simulation(CONTROLLERS, [deployment(replicas=2)])
    for pod in pods(sim):
        sim.server.bind("default", pod["metadata"]["name"], "worker-1")  # bound pods terminate gracefully
    sim.operator.delete("Deployment", "default", "web", propagation_policy="Foreground")
    sim.run_for(0)
    d = sim.get("Deployment", "default/web")
    [rs] = sim.objects("ReplicaSet")
    assert d["metadata"]["finalizers"] == ["foregroundDeletion"]
    assert rs["metadata"]["finalizers"] == ["foregroundDeletion"]  # the set waits for its pods in turn
    terminating = pods(sim, active_only=False)
    assert len(terminating) == 2 and all(pod["metadata"].get("deletionTimestamp") for pod in terminating)
    for pod in terminating:
        sim.operator.delete("Pod", "default", pod["metadata"]["name"], grace_period_seconds=0)  # kubelet confirms
    sim.run_for(0)
    assert sim.objects("ReplicaSet") == [] and sim.objects("Deployment") == []


def test_orphan_deletion_keeps_dependents_without_the_owner_reference():
    sim = simulation(CONTROLLERS, [deployment(replicas=2)])
    [rs] = sim.objects("ReplicaSet")
    sim.operator.delete("Deployment", "default", "web", propagation_policy="Orphan")
    sim.run_for(0)
    assert sim.objects("Deployment") == []
    [kept] = sim.objects("ReplicaSet")
    assert kept["metadata"]["uid"] == rs["metadata"]["uid"]
    assert kept["metadata"]["ownerReferences"] == []
    assert len(pods(sim)) == 2


def test_dependent_with_another_live_owner_only_loses_the_dead_reference():
    sim = simulation([GarbageCollector], [])
    first = sim.operator.create("ConfigMap", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}})
    second = sim.operator.create("ConfigMap", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b"}})
    refs = [
        {"apiVersion": "v1", "kind": "ConfigMap", "name": owner["metadata"]["name"], "uid": owner["metadata"]["uid"]}
        for owner in (first, second)
    ]
    sim.operator.create(
        "Secret", {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "ownerReferences": refs}}
    )
    sim.operator.delete("ConfigMap", "default", "a")
    sim.run_for(0)
    assert sim.get("Secret", "default/s")["metadata"]["ownerReferences"] == [refs[1]]
    sim.operator.delete("ConfigMap", "default", "b")
    sim.run_for(0)
    assert sim.get("Secret", "default/s") is None


def test_namespace_deletion_empties_it_then_removes_it():
    sim = simulation([*CONTROLLERS, NamespaceController], namespace("team"))
    team_app = deployment(replicas=2)
    team_app["metadata"]["namespace"] = "team"
    sim.operator.create("Deployment", team_app)
    sim.run_for(0)
    assert len(sim.objects("Pod", "team")) == 2
    sim.operator.delete("Namespace", None, "team")
    sim.run_for(0)
    assert sim.get("Namespace", "team") is None
    assert all(sim.objects(kind, "team") == [] for kind in ("Pod", "ReplicaSet", "Deployment", "ServiceAccount"))
    assert len(sim.objects("Namespace")) == 1
