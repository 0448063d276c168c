import copy

import pytest

from cluster_engine.controllers import rollout
from cluster_engine.controllers.deployment import DeploymentController
from cluster_engine.controllers.pods import is_ready
from cluster_engine.controllers.replicaset import ReplicaSetController
from cluster_engine.controllers.template_hash import pod_template_hash

from .helpers import deployment, events, pods, roll, set_image, simulation

CONTROLLERS = [DeploymentController, ReplicaSetController]


def replica_sets(sim):
    """name -> (spec.replicas, revision) of every ReplicaSet."""
    return {
        rs["metadata"]["name"]: (rs["spec"]["replicas"], rs["metadata"]["annotations"][rollout.REVISION])
        for rs in sim.objects("ReplicaSet", "default")
    }


def condition(sim, condition_type):
    status = sim.get("Deployment", "default/web")["status"]
    found = rollout.get_condition(status, condition_type)
    return found and (found["status"], found["reason"], found["message"])


@pytest.mark.parametrize(
    ("replicas", "surge", "unavailable", "expected"),
    [
        (4, "25%", "25%", (1, 1)),
        (10, "25%", "25%", (3, 2)),
        (1, "25%", "25%", (1, 0)),
        (3, "0%", "10%", (0, 1)),  # both round to 0: one may be unavailable so the rollout can move
        (5, 2, "50%", (2, 2)),
        (2, 0, 5, (0, 2)),  # maxUnavailable never exceeds replicas
        (0, "25%", "25%", (0, 0)),
    ],
)
def test_max_surge_rounds_up_and_max_unavailable_rounds_down(replicas, surge, unavailable, expected):
    d = deployment(replicas=replicas)
    d["spec"]["strategy"] = {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxSurge": surge, "maxUnavailable": unavailable},
    }
    assert (rollout.max_surge(d), rollout.max_unavailable(d)) == expected


def test_template_hash_is_stable_and_safe_encoded():
    template = deployment()["spec"]["template"]
    first = pod_template_hash(template)
    assert first == pod_template_hash(copy.deepcopy(template))
    assert set(first) <= set("bcdfghjklmnpqrstvwxz2456789")
    assert pod_template_hash(template, collision_count=1) != first


def test_new_deployment_creates_revision_one_replica_set_and_becomes_available():
    sim = simulation(CONTROLLERS, [deployment(replicas=3)])
    [rs] = sim.objects("ReplicaSet", "default")
    name = rs["metadata"]["name"]
    template_hash = rs["metadata"]["labels"][rollout.HASH_LABEL]
    assert name == f"web-{template_hash}"
    assert rs["spec"]["selector"]["matchLabels"] == {"app": "web", "pod-template-hash": template_hash}
    assert rs["metadata"]["annotations"] == {
        rollout.REVISION: "1",
        rollout.DESIRED_REPLICAS: "3",
        rollout.MAX_REPLICAS: "4",
    }
    assert all(pod["metadata"]["labels"] == {"app": "web", "pod-template-hash": template_hash} for pod in pods(sim))
    assert events(sim, "ScalingReplicaSet") == [("ScalingReplicaSet", f"Scaled up replica set {name} from 0 to 3")]
    assert condition(sim, "Available") == (
        "False",
        "MinimumReplicasUnavailable",
        "Deployment does not have minimum availability.",
    )
    roll(sim, 2)
    d = sim.get("Deployment", "default/web")
    assert d["metadata"]["annotations"][rollout.REVISION] == "1"
    assert {k: v for k, v in d["status"].items() if k != "conditions"} == {
        "observedGeneration": 1,
        "replicas": 3,
        "updatedReplicas": 3,
        "readyReplicas": 3,
        "availableReplicas": 3,
    }
    assert condition(sim, "Available") == ("True", "MinimumReplicasAvailable", "Deployment has minimum availability.")
    assert condition(sim, "Progressing") == (
        "True",
        "NewReplicaSetAvailable",
        f'ReplicaSet "{name}" has successfully progressed.',
    )


def test_rolling_update_keeps_within_max_surge_and_max_unavailable_at_every_event():
    sim = simulation(CONTROLLERS, [deployment(replicas=4)])
    roll(sim, 3)
    observed = []

    def observe(event):
        if event["object"]["kind"] == "Pod":
            live = [p for p in sim.storage.list("Pod", "default") if not p["metadata"].get("deletionTimestamp")]
            observed.append((len(live), sum(1 for pod in live if is_ready(pod))))

    sim.storage.subscribers.append(observe)
    set_image(sim, "nginx:1.28")
    roll(sim, 30)
    assert max(total for total, _ in observed) == 5
    assert min(available for _, available in observed) == 3
    assert len(observed) == 12  # four creations, four readiness reports, four deletions
    assert sorted(replica_sets(sim).values()) == [(0, "1"), (4, "2")]
    assert all(pod["spec"]["containers"][0]["image"] == "nginx:1.28" for pod in pods(sim))
    assert condition(sim, "Progressing")[1] == "NewReplicaSetAvailable"
    scaling = [message for _, message in events(sim, "ScalingReplicaSet")]
    new_name = next(name for name, (size, _) in replica_sets(sim).items() if size == 4)
    old_name = next(name for name, (size, _) in replica_sets(sim).items() if size == 0)
    assert scaling[:3] == [
        f"Scaled up replica set {old_name} from 0 to 4",
        f"Scaled up replica set {new_name} from 0 to 1",
        f"Scaled down replica set {old_name} from 4 to 3",
    ]
    assert scaling[-1] == f"Scaled down replica set {old_name} from 1 to 0"


def test_rollback_reuses_the_old_replica_set_with_the_next_revision():
    sim = simulation(CONTROLLERS, [deployment(replicas=2)])
    roll(sim, 3)
    [(first_name, _)] = replica_sets(sim).items()
    first_template = sim.get("ReplicaSet", f"default/{first_name}")["spec"]["template"]
    set_image(sim, "nginx:1.28")
    roll(sim, 20)
    # `kubectl rollout undo`: the previous revision's template, without its hash label, goes back into the spec
    d = sim.operator.get("Deployment", "default", "web")
    d["spec"]["template"] = rollout.without_hash(first_template)
    sim.operator.update("Deployment", d)
    roll(sim, 20)
    sets = replica_sets(sim)
    assert len(sets) == 2
    assert sets[first_name] == (2, "3")
    revived = sim.get("ReplicaSet", f"default/{first_name}")
    assert revived["metadata"]["annotations"][rollout.REVISION_HISTORY] == "1"
    assert sim.get("Deployment", "default/web")["metadata"]["annotations"][rollout.REVISION] == "3"
    assert all(pod["spec"]["containers"][0]["image"] == "nginx:1.27" for pod in pods(sim))


def test_revision_history_limit_deletes_the_oldest_scaled_down_sets():
    sim = simulation(CONTROLLERS, [deployment(replicas=2, revisionHistoryLimit=1)])
    roll(sim, 3)
    for version in ("1.28", "1.29", "1.30"):
        set_image(sim, f"nginx:{version}")
        roll(sim, 20)
    assert sorted(replica_sets(sim).values()) == [(0, "3"), (2, "4")]


def test_recreate_removes_every_old_pod_before_creating_new_ones():
    sim = simulation(CONTROLLERS, [deployment(replicas=3, strategy={"type": "Recreate"})])
    for pod in pods(sim):
        sim.server.bind("default", pod["metadata"]["name"], "worker-1")
    roll(sim, 3)
    old_pods = [pod["metadata"]["name"] for pod in pods(sim)]
    set_image(sim, "nginx:1.28")
    roll(sim, 5)
    # the old pods are terminating (their kubelet has not confirmed yet), so nothing new starts
    assert pods(sim) == []
    assert len(pods(sim, active_only=False)) == 3
    for name in old_pods:
        sim.operator.delete("Pod", "default", name, grace_period_seconds=0)  # the kubelet confirms termination
    roll(sim, 3)
    assert [pod["spec"]["containers"][0]["image"] for pod in pods(sim)] == ["nginx:1.28"] * 3
    assert condition(sim, "Available")[0] == "True"


def test_paused_deployment_does_not_roll_until_resumed():
    sim = simulation(CONTROLLERS, [deployment(replicas=2)])
    roll(sim, 3)
    sim.operator.patch("Deployment", "default", "web", {"spec": {"paused": True}})
    set_image(sim, "nginx:1.28")
    roll(sim, 10)
    assert len(replica_sets(sim)) == 1
    assert condition(sim, "Progressing") == ("Unknown", "DeploymentPaused", "Deployment is paused")
    sim.operator.patch("Deployment", "default", "web", {"spec": {"paused": False}})
    roll(sim, 20)
    assert sorted(replica_sets(sim).values()) == [(0, "1"), (2, "2")]


def test_scaling_mid_rollout_is_proportional():
    sim = simulation(CONTROLLERS, [deployment(replicas=10)])
    roll(sim, 3)
    set_image(sim, "nginx:1.28")  # new pods never become ready, so the rollout stalls
    sim.run_for(1)
    # surge 3 (25% of 10 rounded up) and unavailable 2 (rounded down): 10 old -> 8, new 0 -> 3 -> 5
    assert sorted(replica_sets(sim).values()) == [(5, "2"), (8, "1")]
    sim.operator.patch("Deployment", "default", "web", {"spec": {"replicas": 20}})
    sim.run_for(0)
    # room for 12 more (20 + 5 surge - 13), shared by size: old 8*25/13 -> 15 (+7), new gets the other 5
    assert sorted(replica_sets(sim).values()) == [(10, "2"), (15, "1")]
    assert events(sim, "ScalingReplicaSet")[-2:] == [
        ("ScalingReplicaSet", f"Scaled up replica set {old_set(sim)} from 8 to 15"),
        ("ScalingReplicaSet", f"Scaled up replica set {new_set(sim)} from 5 to 10"),
    ]


def old_set(sim):
    return next(name for name, (_, revision) in replica_sets(sim).items() if revision == "1")


def new_set(sim):
    return next(name for name, (_, revision) in replica_sets(sim).items() if revision == "2")


def test_progress_deadline_exceeded_when_pods_never_become_ready():
    sim = simulation(CONTROLLERS, [deployment(replicas=2, progressDeadlineSeconds=60)])
    sim.run_for(60)
    assert condition(sim, "Progressing")[1] == "ReplicaSetUpdated"
    sim.run_for(2)
    [name] = replica_sets(sim)
    assert condition(sim, "Progressing") == (
        "False",
        "ProgressDeadlineExceeded",
        f'ReplicaSet "{name}" has timed out progressing.',
    )


def test_rollback_with_the_template_kubectl_sends_back_reuses_the_old_replica_set():
    """kubectl's `rollout undo` patches in the old set's template as JSON, with `creationTimestamp: null`."""
    sim = simulation(CONTROLLERS, [deployment(replicas=2)])
    roll(sim, 3)
    [(first_name, _)] = replica_sets(sim).items()
    first_template = rollout.without_hash(sim.get("ReplicaSet", f"default/{first_name}")["spec"]["template"])
    set_image(sim, "nginx:1.28")
    roll(sim, 20)
    sent_back = {**first_template, "metadata": {**first_template["metadata"], "creationTimestamp": None}}
    sim.operator.patch(
        "Deployment", "default", "web", [{"op": "replace", "path": "/spec/template", "value": sent_back}], "json"
    )
    roll(sim, 20)
    sets = replica_sets(sim)
    assert len(sets) == 2
    assert sets[first_name] == (2, "3")
