from cluster_engine.controllers.garbagecollector import GarbageCollector
from cluster_engine.controllers.replicaset import ReplicaSetController
from cluster_engine.controllers.replication import ReplicationManager

from .helpers import events, pods, replica_set, replication_controller, simulation

CONTROLLERS = [ReplicationManager, GarbageCollector]


def scale(sim, replicas: int, name: str = "web"):
    sim.operator.patch("ReplicationController", "default", name, {"spec": {"replicas": replicas}})
    sim.run_for(0)


def stray_pod(name: str, labels: dict) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "default", "labels": labels},
        "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
    }


def test_creates_pods_owned_by_the_replication_controller_with_upstream_events():
    sim = simulation(CONTROLLERS, [replication_controller(replicas=3)])
    created = sorted(pods(sim), key=lambda pod: int(pod["metadata"]["resourceVersion"]))
    rc = sim.get("ReplicationController", "default/web")
    assert len(created) == 3
    for pod in created:
        assert pod["metadata"]["name"].startswith("web-") and len(pod["metadata"]["name"]) == len("web-") + 5
        assert pod["metadata"]["labels"] == {"app": "web"}
        assert pod["metadata"]["ownerReferences"] == [
            {
                "apiVersion": "v1",
                "kind": "ReplicationController",
                "name": "web",
                "uid": rc["metadata"]["uid"],
                "controller": True,
                "blockOwnerDeletion": True,
            }
        ]
    assert events(sim) == [("SuccessfulCreate", f"Created pod: {pod['metadata']['name']}") for pod in created]
    [event] = sim.objects("Event")[:1]
    assert event["involvedObject"]["kind"] == "ReplicationController"
    assert event["source"] == {"component": "replication-controller"}
    assert "ReplicationController had fewer pods" in event["metadata"]["annotations"]["kubelab.io/explanation"]
    assert rc["status"] == {"replicas": 3, "fullyLabeledReplicas": 3, "observedGeneration": 1}


def test_scale_up_and_down():
    sim = simulation(CONTROLLERS, [replication_controller(replicas=2)])
    scale(sim, 5)
    assert len(pods(sim)) == 5
    scale(sim, 1)
    assert len(pods(sim)) == 1
    assert sim.get("ReplicationController", "default/web")["status"]["replicas"] == 1
    assert [reason for reason, _ in events(sim)] == ["SuccessfulCreate"] * 5 + ["SuccessfulDelete"] * 4
    assert all(message.startswith("Deleted pod: web-") for _, message in events(sim, "SuccessfulDelete"))
    scale(sim, 0)
    assert pods(sim) == []


def test_a_deleted_pod_is_replaced():
    sim = simulation(CONTROLLERS, [replication_controller(replicas=2)])
    doomed, survivor = pods(sim)
    sim.operator.delete("Pod", "default", doomed["metadata"]["name"])
    sim.run_for(0)
    names = {pod["metadata"]["name"] for pod in pods(sim)}
    assert len(names) == 2 and survivor["metadata"]["name"] in names and doomed["metadata"]["name"] not in names


def test_adopts_matching_orphans_and_releases_pods_that_stop_matching():
    sim = simulation(CONTROLLERS, [])
    orphan = sim.operator.create("Pod", stray_pod("stray", {"app": "web"}))
    sim.operator.create("ReplicationController", replication_controller(replicas=2))
    sim.run_for(0)
    rc = sim.get("ReplicationController", "default/web")
    adopted = sim.get("Pod", "default/stray")
    assert adopted["metadata"]["uid"] == orphan["metadata"]["uid"]
    [reference] = adopted["metadata"]["ownerReferences"]
    assert (reference["kind"], reference["uid"]) == ("ReplicationController", rc["metadata"]["uid"])
    assert len(pods(sim)) == 2  # the orphan counts: only one pod was created
    sim.operator.patch("Pod", "default", "stray", {"metadata": {"labels": {"app": "debug"}}})
    sim.run_for(0)
    assert sim.get("Pod", "default/stray")["metadata"]["ownerReferences"] == []
    assert len([pod for pod in pods(sim) if pod["metadata"]["labels"]["app"] == "web"]) == 2


def test_leaves_pods_another_controller_owns():
    sim = simulation([ReplicaSetController, *CONTROLLERS], [replica_set(replicas=2)])
    sim.operator.create("ReplicationController", replication_controller(replicas=1))
    sim.run_for(0)
    kinds = sorted(pod["metadata"]["ownerReferences"][0]["kind"] for pod in pods(sim))
    assert kinds == ["ReplicaSet", "ReplicaSet", "ReplicationController"]


def test_deleting_it_with_background_propagation_deletes_its_pods():
    sim = simulation(CONTROLLERS, [replication_controller(replicas=3)])
    sim.operator.delete("ReplicationController", "default", "web", propagation_policy="Background")
    sim.run_for(0)
    assert sim.objects("ReplicationController") == [] and pods(sim, active_only=False) == []


def test_deleting_it_without_a_policy_orphans_its_pods_as_v1_always_did():
    sim = simulation(CONTROLLERS, [replication_controller(replicas=2)])
    sim.operator.delete("ReplicationController", "default", "web")
    sim.run_for(0)
    assert sim.objects("ReplicationController") == []
    kept = pods(sim)
    assert len(kept) == 2 and all(pod["metadata"]["ownerReferences"] == [] for pod in kept)
    # a new controller with the same selector adopts them instead of creating more
    sim.operator.create("ReplicationController", replication_controller(replicas=2))
    sim.run_for(0)
    rc = sim.get("ReplicationController", "default/web")
    assert [pod["metadata"]["ownerReferences"][0]["uid"] for pod in pods(sim)] == [rc["metadata"]["uid"]] * 2


def test_changing_the_selector_releases_the_old_pods_and_creates_matching_ones():
    sim = simulation(CONTROLLERS, [replication_controller(replicas=2)])
    old = {pod["metadata"]["name"] for pod in pods(sim)}
    labels = {"app": "web", "track": "canary"}
    rc = sim.get("ReplicationController", "default/web")
    spec = {**rc["spec"], "selector": labels, "template": {**rc["spec"]["template"], "metadata": {"labels": labels}}}
    sim.operator.update("ReplicationController", {**rc, "spec": spec})
    sim.run_for(0)
    released = [pod for pod in pods(sim) if pod["metadata"]["name"] in old]
    assert len(released) == 2 and all(pod["metadata"]["ownerReferences"] == [] for pod in released)
    owned = [pod for pod in pods(sim) if pod["metadata"]["ownerReferences"]]
    assert len(owned) == 2 and all(pod["metadata"]["labels"] == labels for pod in owned)
