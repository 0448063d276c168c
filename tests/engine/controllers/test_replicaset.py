from cluster_engine.controllers.replicaset import ReplicaSetController

from .helpers import events, pods, replica_set, set_pod_status, simulation


def scale(sim, replicas: int, name: str = "web"):
    sim.operator.patch("ReplicaSet", "default", name, {"spec": {"replicas": replicas}})
    sim.run_for(0)


def test_creates_missing_pods_with_owner_reference_labels_and_events():
    sim = simulation([ReplicaSetController], [replica_set(replicas=3)])
    created = sorted(pods(sim), key=lambda pod: int(pod["metadata"]["resourceVersion"]))
    rs = sim.get("ReplicaSet", "default/web")
    assert len(created) == 3
    for pod in created:
        assert pod["metadata"]["name"].startswith("web-") and len(pod["metadata"]["name"]) == len("web-") + 5
        assert pod["metadata"]["labels"] == {"app": "web"}
        assert pod["metadata"]["ownerReferences"] == [
            {
                "apiVersion": "apps/v1",
                "kind": "ReplicaSet",
                "name": "web",
                "uid": rs["metadata"]["uid"],
                "controller": True,
                "blockOwnerDeletion": True,
            }
        ]
    assert events(sim) == [("SuccessfulCreate", f"Created pod: {pod['metadata']['name']}") for pod in created]
    assert rs["status"] == {"replicas": 3, "fullyLabeledReplicas": 3, "observedGeneration": 1}


def test_status_counts_ready_and_available_after_min_ready_seconds():
    sim = simulation([ReplicaSetController], [replica_set(replicas=2, minReadySeconds=10)])
    first, second = pods(sim)
    set_pod_status(sim, first)
    sim.run_for(5)
    set_pod_status(sim, second)
    sim.run_for(0)
    status = sim.get("ReplicaSet", "default/web")["status"]
    assert (status.get("readyReplicas"), status.get("availableReplicas")) == (2, None)
    sim.run_until(11)  # the first pod has been ready for strictly more than 10 s
    assert sim.get("ReplicaSet", "default/web")["status"]["availableReplicas"] == 1
    sim.run_until(16)
    assert sim.get("ReplicaSet", "default/web")["status"]["availableReplicas"] == 2


def test_scale_up_and_down_counts():
    sim = simulation([ReplicaSetController], [replica_set(replicas=2)])
    scale(sim, 5)
    assert len(pods(sim)) == 5
    scale(sim, 1)
    assert len(pods(sim)) == 1
    assert sim.get("ReplicaSet", "default/web")["status"]["replicas"] == 1
    assert [reason for reason, _ in events(sim)] == ["SuccessfulCreate"] * 5 + ["SuccessfulDelete"] * 4
    scale(sim, 0)
    assert pods(sim) == []


def test_scale_down_deletes_in_upstream_victim_order():
    sim = simulation([ReplicaSetController], [replica_set(replicas=8)])
    names = [pod["metadata"]["name"] for pod in pods(sim)]
    unscheduled, pending, unknown, not_ready, costly, doubled, ready_new, ready_old = names
    for name in names[1:]:
        # `doubled` shares worker-2 with `ready_old`; every other pod has a node to itself
        sim.server.bind("default", name, "worker-2" if name in (doubled, ready_old) else f"node-{name}")
    sim.run_for(0)
    for name, phase, ready in ((unknown, "Unknown", False), (not_ready, "Running", False)):
        set_pod_status(sim, sim.get("Pod", f"default/{name}"), phase=phase, ready=ready)
    set_pod_status(sim, sim.get("Pod", f"default/{ready_old}"))
    sim.run_for(100)
    for name in (costly, doubled, ready_new):
        set_pod_status(sim, sim.get("Pod", f"default/{name}"))
    sim.operator.patch(
        "Pod", "default", costly, {"metadata": {"annotations": {"controller.kubernetes.io/pod-deletion-cost": "-5"}}}
    )
    sim.run_for(0)
    deleted_order = []
    for replicas in range(7, -1, -1):
        before = {pod["metadata"]["name"] for pod in pods(sim)}
        scale(sim, replicas)
        deleted_order += sorted(before - {pod["metadata"]["name"] for pod in pods(sim)})
    assert deleted_order == [unscheduled, pending, unknown, not_ready, costly, doubled, ready_new, ready_old]


def test_adopts_matching_orphans_and_releases_pods_that_stop_matching():
    sim = simulation([ReplicaSetController], [])
    orphan = sim.operator.create(
        "Pod",
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "stray", "namespace": "default", "labels": {"app": "web"}},
            "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
        },
    )
    sim.operator.create("ReplicaSet", replica_set(replicas=2))
    sim.run_for(0)
    rs = sim.get("ReplicaSet", "default/web")
    adopted = sim.get("Pod", "default/stray")
    assert adopted["metadata"]["uid"] == orphan["metadata"]["uid"]
    assert adopted["metadata"]["ownerReferences"][0]["uid"] == rs["metadata"]["uid"]
    assert len(pods(sim)) == 2  # the orphan counts: only one pod was created
    sim.operator.patch("Pod", "default", "stray", {"metadata": {"labels": {"app": "debug"}}})
    sim.run_for(0)
    assert sim.get("Pod", "default/stray")["metadata"]["ownerReferences"] == []
    assert len([pod for pod in pods(sim) if pod["metadata"]["labels"]["app"] == "web"]) == 2


def test_failed_create_is_reported_once_and_retried_with_backoff():
    sim = simulation([ReplicaSetController], [])
    sim.operator.delete("ServiceAccount", "default", "default")  # pod admission will refuse every pod
    sim.operator.create("ReplicaSet", replica_set(replicas=3))
    sim.run_for(1)
    status = sim.get("ReplicaSet", "default/web")["status"]
    [failure] = status["conditions"]
    assert (failure["type"], failure["status"], failure["reason"]) == ("ReplicaFailure", "True", "FailedCreate")
    assert "error looking up service account default/default" in failure["message"]
    failed = events(sim, "FailedCreate")
    # slow start stops after the first failing batch of one; retries back off from 5 ms, doubling:
    # attempts at 0, 0.005, 0.015, 0.035, 0.075, 0.155, 0.315 and 0.635 s fall within the first second
    assert len(failed) == 8
    assert all(message.startswith("Error creating: pods ") for _, message in failed)
    sim.operator.create(
        "ServiceAccount", {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default"}}
    )
    sim.run_for(2000)  # past the longest backoff (1000 s)
    assert len(pods(sim)) == 3
    assert "conditions" not in sim.get("ReplicaSet", "default/web")["status"]
