"""A StatefulSet does not create a pod on a claim that is about to go with an earlier pod of the same name
(upstream PodClaimIsStale, with whenScaled=Delete): the table of stateful_pod_control_test.go's TestPodClaimIsStale,
and the controller waiting for the garbage collector before it gives the ordinal a fresh claim."""

import pytest

from cluster_engine.controllers.garbagecollector import GarbageCollector
from cluster_engine.controllers.statefulset import StatefulSetController
from cluster_engine.controllers.statefulset_pods import pod_claim_is_stale
from cluster_engine.controllers.volume_protection import PVCProtectionController

from .helpers import simulation
from .test_statefulset import claims, finish_deletions, names, ready, stateful_set

SCALED_DELETE = {"whenDeleted": "Retain", "whenScaled": "Delete"}
POD_UID = "123"


def table_set(templates: int, policy: dict) -> dict:
    sts = stateful_set(name="set", persistentVolumeClaimRetentionPolicy=policy)
    sts["metadata"]["uid"] = "set-uid"
    sts["spec"]["volumeClaimTemplates"] = [{"metadata": {"name": f"claim-{i}"}, "spec": {}} for i in range(templates)]
    return sts


def claim_in_state(name: str, state: str) -> dict | None:
    """missing, exists (no owner), stale (owned by an earlier set-3), with-ref (owned by this set-3)."""
    if state == "missing":
        return None
    claim = {"metadata": {"name": name, "namespace": "default"}}
    if state in ("stale", "with-ref"):
        uid = "stale" if state == "stale" else POD_UID
        claim["metadata"]["ownerReferences"] = [{"apiVersion": "v1", "kind": "Pod", "name": "set-3", "uid": uid}]
    return claim


@pytest.mark.parametrize(
    "states, stale, pod_uid",
    [
        pytest.param(["missing", "missing"], False, POD_UID, id="all missing"),
        pytest.param([], False, POD_UID, id="no claims"),
        pytest.param(["missing", "exists"], False, POD_UID, id="exists"),
        pytest.param(["with-ref", "with-ref"], False, POD_UID, id="all refs"),
        pytest.param(["stale", "exists"], True, POD_UID, id="stale & exists"),
        pytest.param(["stale", "missing"], True, POD_UID, id="stale & missing"),
        pytest.param(["with-ref", "stale"], True, POD_UID, id="withRef & stale"),
        pytest.param(["with-ref"], True, None, id="withRef, no UID"),
    ],
)
def test_pod_claim_is_stale(states, stale, pod_uid):
    sts = table_set(len(states), SCALED_DELETE)
    existing = {f"claim-{i}-set-3": claim_in_state(f"claim-{i}-set-3", state) for i, state in enumerate(states)}
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "set-3"}}
    if pod_uid:
        pod["metadata"]["uid"] = pod_uid
    assert pod_claim_is_stale(sts, pod, existing.get) is stale


def test_claims_kept_when_scaled_are_never_stale():
    sts = table_set(1, {"whenDeleted": "Retain", "whenScaled": "Retain"})
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "set-3"}}
    assert pod_claim_is_stale(sts, pod, {"claim-0-set-3": claim_in_state("claim-0-set-3", "stale")}.get) is False


def scaled_down_and_up(components) -> tuple:
    """db scaled 2 -> 1 with whenScaled=Delete (data-db-1 handed to the old db-1), then back to 2; returns the sim
    and the old claim's uid."""
    sim = simulation(components, [stateful_set(replicas=2, persistentVolumeClaimRetentionPolicy=SCALED_DELETE)])
    ready(sim, "db-0")
    ready(sim, "db-1")
    old_claim = sim.get("PersistentVolumeClaim", "default/data-db-1")["metadata"]["uid"]
    sim.operator.patch("StatefulSet", "default", "db", {"spec": {"replicas": 1}})
    sim.run_for(0)
    finish_deletions(sim)
    sim.operator.patch("StatefulSet", "default", "db", {"spec": {"replicas": 2}})
    sim.run_for(0)
    return sim, old_claim


def test_the_ordinal_waits_for_its_stale_claim_to_go_then_gets_a_fresh_one():
    # no garbage collector: the claim lingers until deleted by hand
    sim, old_claim = scaled_down_and_up([StatefulSetController, PVCProtectionController])
    sim.run_for(60)
    assert names(sim) == ["db-0"]
    assert sim.get("PersistentVolumeClaim", "default/data-db-1")["metadata"]["uid"] == old_claim
    sim.operator.delete("PersistentVolumeClaim", "default", "data-db-1")  # what the garbage collector does
    sim.run_for(30)  # the set's next resync
    assert names(sim) == ["db-0", "db-1"]
    assert sim.get("PersistentVolumeClaim", "default/data-db-1")["metadata"]["uid"] != old_claim


def test_with_the_garbage_collector_the_scaled_up_ordinal_comes_back_on_a_fresh_claim():
    sim, old_claim = scaled_down_and_up([StatefulSetController, GarbageCollector, PVCProtectionController])
    sim.run_for(60)
    assert names(sim) == ["db-0", "db-1"]
    assert claims(sim) == ["data-db-0", "data-db-1"]
    claim = sim.get("PersistentVolumeClaim", "default/data-db-1")
    assert claim["metadata"]["uid"] != old_claim and not claim["metadata"].get("ownerReferences")
