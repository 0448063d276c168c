"""The StatefulSet controller: ordinals, order, claims, revisions, rolling updates (upstream's cases)."""

import pytest

from cluster_engine.api.errors import ApiError
from cluster_engine.controllers.garbagecollector import GarbageCollector
from cluster_engine.controllers.statefulset import StatefulSetController
from cluster_engine.controllers.volume_protection import PVCProtectionController

from .helpers import events, pods, set_pod_status, simulation, template


def stateful_set(name: str = "db", replicas: int = 3, image: str = "postgres:16", **spec) -> dict:
    labels = {"app": name}
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "serviceName": name,
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": template(labels, image),
            "volumeClaimTemplates": [
                {
                    "metadata": {"name": "data"},
                    "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
                }
            ],
            **spec,
        },
    }


def names(sim) -> list[str]:
    return [pod["metadata"]["name"] for pod in pods(sim)]


def claims(sim) -> list[str]:
    return sorted(claim["metadata"]["name"] for claim in sim.objects("PersistentVolumeClaim", "default"))


def ready(sim, name: str) -> None:
    """Bind the pod (so deleting it is graceful, as on a node) and report it Running and Ready."""
    if not sim.get("Pod", f"default/{name}")["spec"].get("nodeName"):
        sim.server.bind("default", name, "worker-1")
    set_pod_status(sim, sim.get("Pod", f"default/{name}"))
    sim.run_for(0)


def ready_all(sim) -> None:
    for name in names(sim):
        pod = sim.get("Pod", f"default/{name}")
        if pod["status"].get("phase") != "Running":
            ready(sim, name)


def status(sim, name: str = "db") -> dict:
    return sim.get("StatefulSet", f"default/{name}")["status"]


def finish_deletions(sim) -> None:
    """What kubelets do for pods being deleted gracefully: confirm with a zero-grace delete."""
    for pod in sim.objects("Pod", "default"):
        if pod["metadata"].get("deletionTimestamp"):
            sim.operator.delete("Pod", "default", pod["metadata"]["name"], grace_period_seconds=0)
    sim.run_for(0)


def set_image(sim, image: str) -> None:
    patch = {"spec": {"template": {"spec": {"containers": [{"name": "web", "image": image}]}}}}
    sim.operator.patch("StatefulSet", "default", "db", patch, "strategic")
    sim.run_for(0)


def image_of(sim, name: str) -> str:
    return sim.get("Pod", f"default/{name}")["spec"]["containers"][0]["image"]


def test_ordered_ready_creates_one_pod_at_a_time_each_after_its_claim():
    sim = simulation([StatefulSetController], [stateful_set()])
    assert names(sim) == ["db-0"]
    sim.run_for(60)
    assert names(sim) == ["db-0"]  # Pending is not Running and Ready: db-1 waits
    ready(sim, "db-0")
    assert names(sim) == ["db-0", "db-1"]
    ready(sim, "db-1")
    ready(sim, "db-2")
    assert names(sim) == ["db-0", "db-1", "db-2"]
    assert claims(sim) == ["data-db-0", "data-db-1", "data-db-2"]
    assert events(sim)[:4] == [
        ("SuccessfulCreate", "create Claim data-db-0 Pod db-0 in StatefulSet db success"),
        ("SuccessfulCreate", "create Pod db-0 in StatefulSet db successful"),
        ("SuccessfulCreate", "create Claim data-db-1 Pod db-1 in StatefulSet db success"),
        ("SuccessfulCreate", "create Pod db-1 in StatefulSet db successful"),
    ]
    pod = sim.get("Pod", "default/db-1")
    revision = status(sim)["updateRevision"]
    assert pod["metadata"]["labels"] == {
        "app": "db",
        "statefulset.kubernetes.io/pod-name": "db-1",
        "apps.kubernetes.io/pod-index": "1",
        "controller-revision-hash": revision,
    }
    assert (pod["spec"]["hostname"], pod["spec"]["subdomain"]) == ("db-1", "db")
    assert pod["spec"]["volumes"] == [{"name": "data", "persistentVolumeClaim": {"claimName": "data-db-1"}}]
    claim = sim.get("PersistentVolumeClaim", "default/data-db-1")
    assert claim["metadata"]["labels"] == {"app": "db"}
    assert not claim["metadata"].get("ownerReferences")  # Retain/Retain: nobody owns the claim
    assert status(sim) == {
        "replicas": 3,
        "readyReplicas": 3,
        "availableReplicas": 3,
        "currentReplicas": 3,
        "updatedReplicas": 3,
        "currentRevision": revision,
        "updateRevision": revision,
        "collisionCount": 0,
        "observedGeneration": 1,
    }


def test_ordered_ready_scales_down_from_the_highest_ordinal_one_at_a_time_and_keeps_claims():
    sim = simulation([StatefulSetController], [stateful_set()])
    for name in ("db-0", "db-1", "db-2"):
        ready(sim, name)
    sim.operator.patch("StatefulSet", "default", "db", {"spec": {"replicas": 1}})
    sim.run_for(0)
    assert names(sim) == ["db-0", "db-1"]  # db-2 is terminating; db-1 waits for it to be gone
    finish_deletions(sim)
    sim.run_for(0)
    assert names(sim) == ["db-0"]
    finish_deletions(sim)
    assert [message for _, message in events(sim, "SuccessfulDelete")] == [
        "delete Pod db-2 in StatefulSet db successful",
        "delete Pod db-1 in StatefulSet db successful",
    ]
    assert claims(sim) == ["data-db-0", "data-db-1", "data-db-2"]
    sim.operator.patch("StatefulSet", "default", "db", {"spec": {"replicas": 2}})
    sim.run_for(0)
    assert names(sim) == ["db-0", "db-1"]
    assert sim.get("Pod", "default/db-1")["spec"]["volumes"][0]["persistentVolumeClaim"]["claimName"] == "data-db-1"
    assert [m for _, m in events(sim, "SuccessfulCreate")].count(
        "create Claim data-db-1 Pod db-1 in StatefulSet db success"
    ) == 1


def test_parallel_creates_and_removes_every_pod_at_once():
    sim = simulation([StatefulSetController], [stateful_set(podManagementPolicy="Parallel")])
    assert names(sim) == ["db-0", "db-1", "db-2"]
    sim.operator.patch("StatefulSet", "default", "db", {"spec": {"replicas": 0}})
    sim.run_for(0)
    assert names(sim) == []


def test_a_terminating_pod_blocks_ordered_ready_until_its_object_is_gone_then_comes_back_with_its_name():
    sim = simulation([StatefulSetController], [stateful_set()])
    for name in ("db-0", "db-1", "db-2"):
        ready(sim, name)
    uid = sim.get("Pod", "default/db-1")["metadata"]["uid"]
    sim.operator.delete("Pod", "default", "db-1")
    sim.run_for(3600)
    assert sim.get("Pod", "default/db-1")["metadata"]["uid"] == uid  # Terminating, never replaced
    sim.operator.delete("Pod", "default", "db-1", grace_period_seconds=0)  # kubectl delete --force --grace-period=0
    sim.run_for(0)
    replacement = sim.get("Pod", "default/db-1")
    assert replacement["metadata"]["uid"] != uid
    assert replacement["spec"]["volumes"][0]["persistentVolumeClaim"]["claimName"] == "data-db-1"
    assert claims(sim) == ["data-db-0", "data-db-1", "data-db-2"]


def test_failed_pod_is_deleted_and_recreated():
    sim = simulation([StatefulSetController], [stateful_set(replicas=1)])
    set_pod_status(sim, sim.get("Pod", "default/db-0"), phase="Failed", ready=False)
    sim.run_for(0)
    assert [m for _, m in events(sim, "SuccessfulDelete")] == ["delete Pod db-0 in StatefulSet db successful"]
    finish_deletions(sim)
    sim.run_for(0)
    assert names(sim) == ["db-0"]
    assert sim.get("Pod", "default/db-0")["status"]["phase"] == "Pending"


def test_rolling_update_replaces_pods_from_the_highest_ordinal_and_completes_the_revision():
    sim = simulation([StatefulSetController], [stateful_set()])
    for name in ("db-0", "db-1", "db-2"):
        ready(sim, name)
    first = status(sim)["currentRevision"]
    set_image(sim, "postgres:17")
    second = status(sim)["updateRevision"]
    assert second != first and status(sim)["currentRevision"] == first
    revisions = {r["metadata"]["name"]: r["revision"] for r in sim.objects("ControllerRevision", "default")}
    assert revisions == {first: 1, second: 2}
    replaced = []
    for _ in range(3):
        doomed = [
            pod["metadata"]["name"] for pod in sim.objects("Pod", "default") if pod["metadata"].get("deletionTimestamp")
        ]
        replaced += doomed
        finish_deletions(sim)
        ready_all(sim)
    assert replaced == ["db-2", "db-1", "db-0"]
    assert [image_of(sim, name) for name in ("db-0", "db-1", "db-2")] == ["postgres:17"] * 3
    final = status(sim)
    assert (final["currentRevision"], final["updateRevision"], final["updatedReplicas"]) == (second, second, 3)


def test_partition_keeps_lower_ordinals_on_the_current_revision_even_when_recreated():
    sim = simulation([StatefulSetController], [stateful_set()])
    for name in ("db-0", "db-1", "db-2"):
        ready(sim, name)
    sim.operator.patch(
        "StatefulSet", "default", "db", {"spec": {"updateStrategy": {"rollingUpdate": {"partition": 2}}}}, "strategic"
    )
    set_image(sim, "postgres:17")
    finish_deletions(sim)
    ready_all(sim)
    sim.run_for(60)
    assert [image_of(sim, name) for name in ("db-0", "db-1", "db-2")] == ["postgres:16", "postgres:16", "postgres:17"]
    sim.operator.delete("Pod", "default", "db-0", grace_period_seconds=0)
    sim.run_for(0)
    assert image_of(sim, "db-0") == "postgres:16"  # below the partition a new pod keeps the current revision
    current = status(sim)
    assert current["updatedReplicas"] == 1 and current["currentRevision"] != current["updateRevision"]


def test_going_back_to_an_old_template_renumbers_its_revision_instead_of_creating_one():
    sim = simulation([StatefulSetController], [stateful_set(replicas=1)])
    ready(sim, "db-0")
    first = status(sim)["currentRevision"]
    set_image(sim, "postgres:17")
    set_image(sim, "postgres:16")
    revisions = {r["metadata"]["name"]: r["revision"] for r in sim.objects("ControllerRevision", "default")}
    assert revisions[first] == 3 and len(revisions) == 2
    assert status(sim)["updateRevision"] == first


def test_revision_history_limit_prunes_the_oldest_unused_revisions():
    sim = simulation([StatefulSetController], [stateful_set(replicas=1, revisionHistoryLimit=1)])
    for image in ("postgres:16", "postgres:17", "postgres:18", "postgres:19"):
        set_image(sim, image)
        finish_deletions(sim)
        ready_all(sim)
    revisions = sorted(r["revision"] for r in sim.objects("ControllerRevision", "default"))
    assert revisions == [3, 4]  # the one in use and one more


def test_when_scaled_delete_hands_the_claim_to_the_pod_so_it_goes_with_it():
    policy = {"whenDeleted": "Retain", "whenScaled": "Delete"}
    sim = simulation(
        [StatefulSetController, GarbageCollector, PVCProtectionController],
        [stateful_set(replicas=2, persistentVolumeClaimRetentionPolicy=policy)],
    )
    ready(sim, "db-0")
    ready(sim, "db-1")
    assert not sim.get("PersistentVolumeClaim", "default/data-db-1")["metadata"].get("ownerReferences")
    pod_uid = sim.get("Pod", "default/db-1")["metadata"]["uid"]
    sim.operator.patch("StatefulSet", "default", "db", {"spec": {"replicas": 1}})
    sim.run_for(0)
    owners = sim.get("PersistentVolumeClaim", "default/data-db-1")["metadata"]["ownerReferences"]
    assert [(o["kind"], o["name"], o["uid"], o["controller"]) for o in owners] == [("Pod", "db-1", pod_uid, True)]
    finish_deletions(sim)
    sim.run_for(30)
    assert claims(sim) == ["data-db-0"]


def test_when_deleted_delete_makes_the_set_own_its_claims():
    policy = {"whenDeleted": "Delete", "whenScaled": "Retain"}
    sim = simulation([StatefulSetController], [stateful_set(replicas=1, persistentVolumeClaimRetentionPolicy=policy)])
    sts_uid = sim.get("StatefulSet", "default/db")["metadata"]["uid"]
    owners = sim.get("PersistentVolumeClaim", "default/data-db-0")["metadata"]["ownerReferences"]
    assert [(o["kind"], o["uid"]) for o in owners] == [("StatefulSet", sts_uid)]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"spec": {"serviceName": "other"}},
            "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', "
            "'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' "
            "are forbidden",
        ),
        (
            {"spec": {"podManagementPolicy": "Sometimes"}},
            "spec.podManagementPolicy: Invalid value: \"Sometimes\": must be 'OrderedReady' or 'Parallel'",
        ),
    ],
)
def test_bad_updates_are_refused_and_change_nothing(change, message):
    sim = simulation([StatefulSetController], [stateful_set(replicas=1)])
    before = sim.get("StatefulSet", "default/db")
    with pytest.raises(ApiError) as refused:
        sim.operator.patch("StatefulSet", "default", "db", change)
    assert refused.value.code == 422 and message in refused.value.message
    assert sim.get("StatefulSet", "default/db")["metadata"]["resourceVersion"] == before["metadata"]["resourceVersion"]


def test_an_orphan_named_as_a_member_is_adopted_and_one_that_is_not_is_left_alone():
    orphans = [
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": name, "namespace": "default", "labels": {"app": "db"}},
            "spec": {"containers": [{"name": "web", "image": "postgres:16"}]},
        }
        for name in ("db-0", "stray")
    ]
    sim = simulation([StatefulSetController], [*orphans, stateful_set(replicas=1)])
    sts_uid = sim.get("StatefulSet", "default/db")["metadata"]["uid"]
    adopted = sim.get("Pod", "default/db-0")["metadata"]["ownerReferences"]
    assert [(ref["kind"], ref["uid"]) for ref in adopted] == [("StatefulSet", sts_uid)]
    assert not sim.get("Pod", "default/stray")["metadata"].get("ownerReferences")
    # db-0 existed, so no pod is created; a Pending member gets the claims it misses
    assert events(sim, "SuccessfulCreate") == [
        ("SuccessfulCreate", "create Claim data-db-0 Pod db-0 in StatefulSet db success")
    ]


def test_parallel_replaces_a_failed_pod_without_holding_back_the_others():
    sim = simulation([StatefulSetController], [stateful_set(replicas=2, podManagementPolicy="Parallel")])
    set_pod_status(sim, sim.get("Pod", "default/db-0"), phase="Failed", ready=False)
    sim.operator.patch("StatefulSet", "default", "db", {"spec": {"replicas": 3}})
    sim.run_for(0)
    assert [m for _, m in events(sim, "SuccessfulDelete")] == ["delete Pod db-0 in StatefulSet db successful"]
    assert "db-2" in names(sim)


def test_on_delete_leaves_pods_alone_until_someone_deletes_one():
    sim = simulation([StatefulSetController], [stateful_set(replicas=2, updateStrategy={"type": "OnDelete"})])
    ready(sim, "db-0")
    ready(sim, "db-1")
    set_image(sim, "postgres:17")
    sim.run_for(60)
    assert events(sim, "SuccessfulDelete") == []
    sim.operator.delete("Pod", "default", "db-0", grace_period_seconds=0)
    sim.run_for(0)
    assert [image_of(sim, name) for name in ("db-0", "db-1")] == ["postgres:17", "postgres:16"]


def test_a_claim_being_deleted_keeps_its_pod_from_being_created():
    sim = simulation([StatefulSetController], [stateful_set(replicas=1)])
    claim = sim.get("PersistentVolumeClaim", "default/data-db-0")
    sim.operator.patch(
        "PersistentVolumeClaim", "default", "data-db-0", {"metadata": {"finalizers": ["kubelab.io/hold"]}}
    )
    sim.operator.delete("PersistentVolumeClaim", "default", "data-db-0")
    sim.operator.delete("Pod", "default", "db-0", grace_period_seconds=0)
    sim.run_for(0)
    assert names(sim) == []
    assert ("FailedCreate", "create Pod db-0 in StatefulSet db failed error: pvc data-db-0 is being deleted") in events(
        sim
    )
    assert sim.get("PersistentVolumeClaim", "default/data-db-0")["metadata"]["uid"] == claim["metadata"]["uid"]
