"""Deletion: graceful pods and the kubelet's confirmation, finalizers, propagation policies, preconditions."""

import pytest

from cluster_engine.api.errors import ApiError

from .conftest import snapshot
from .manifests import config_map, pod


def _bound_pod(server, **spec):
    server.create("Pod", pod(**spec))
    return server.bind("default", "web-1", "worker-1")


def test_a_bound_pod_terminates_gracefully_until_the_kubelet_confirms(server, watch):
    _bound_pod(server)
    server.clock.now = 100
    result = server.delete("Pod", "default", "web-1")
    assert result.finished is False
    metadata = result.object["metadata"]
    assert metadata["deletionGracePeriodSeconds"] == 30
    assert metadata["deletionTimestamp"] == "2026-01-01T00:02:10Z"  # now (100 s) + 30 s grace
    assert server.get("Pod", "default", "web-1")["metadata"]["deletionTimestamp"] == "2026-01-01T00:02:10Z"
    # a repeated delete with the same grace changes nothing; a shorter one shortens it
    assert server.delete("Pod", "default", "web-1").object["metadata"]["resourceVersion"] == metadata["resourceVersion"]
    shorter = server.delete("Pod", "default", "web-1", grace_period_seconds=5)
    assert shorter.object["metadata"]["deletionTimestamp"] == "2026-01-01T00:01:45Z"
    confirmed = server.delete("Pod", "default", "web-1", grace_period_seconds=0)
    assert confirmed.finished is True
    with pytest.raises(ApiError):
        server.get("Pod", "default", "web-1")
    assert [event["type"] for event in watch][-4:] == ["MODIFIED", "MODIFIED", "MODIFIED", "DELETED"]


def test_the_pods_own_grace_period_is_used(server):
    _bound_pod(server, terminationGracePeriodSeconds=5)
    assert server.delete("Pod", "default", "web-1").object["metadata"]["deletionGracePeriodSeconds"] == 5


def test_an_unbound_or_finished_pod_goes_at_once(server):
    server.create("Pod", pod())
    assert server.delete("Pod", "default", "web-1").finished is True
    created = _bound_pod(server)
    server.update("Pod", {**created, "status": {"phase": "Succeeded"}}, subresource="status")
    assert server.delete("Pod", "default", "web-1").finished is True


def test_finalizers_hold_an_object_until_they_are_removed(server, watch):
    server.create(
        "ConfigMap", {**config_map(), "metadata": {**config_map()["metadata"], "finalizers": ["example.com/keep"]}}
    )
    result = server.delete("ConfigMap", "default", "settings")
    assert result.finished is False
    assert result.object["metadata"]["deletionTimestamp"] == "2026-01-01T00:00:00Z"
    current = server.get("ConfigMap", "default", "settings")
    error_body = {
        **current,
        "metadata": {**current["metadata"], "finalizers": ["example.com/keep", "example.com/more"]},
    }
    before = snapshot(server.storage)
    with pytest.raises(ApiError) as refused:
        server.update("ConfigMap", error_body)
    assert refused.value.message == (
        'ConfigMap "settings" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the '
        'object is being deleted, found new finalizers []string{"example.com/more"}'
    )
    assert snapshot(server.storage) == before
    server.patch("ConfigMap", "default", "settings", {"metadata": {"finalizers": None}})
    with pytest.raises(ApiError):
        server.get("ConfigMap", "default", "settings")
    assert watch[-1]["type"] == "DELETED"


@pytest.mark.parametrize(("policy", "finalizer"), [("Foreground", "foregroundDeletion"), ("Orphan", "orphan")])
def test_propagation_policies_leave_their_finalizer_for_the_garbage_collector(server, policy, finalizer):
    server.create("ConfigMap", config_map())
    result = server.delete("ConfigMap", "default", "settings", propagation_policy=policy)
    assert result.finished is False
    assert result.object["metadata"]["finalizers"] == [finalizer]
    assert result.object["metadata"]["deletionTimestamp"] == "2026-01-01T00:00:00Z"


def test_background_deletion_is_immediate(server):
    server.create("ConfigMap", config_map())
    assert server.delete("ConfigMap", "default", "settings", propagation_policy="Background").finished is True


def test_delete_preconditions(server):
    created = server.create("ConfigMap", config_map())
    before = snapshot(server.storage)
    with pytest.raises(ApiError) as wrong_uid:
        server.delete("ConfigMap", "default", "settings", preconditions={"uid": "other"})
    assert wrong_uid.value.message == (
        'Operation cannot be fulfilled on configmaps "settings": Precondition failed: UID in precondition: other, '
        f"UID in object meta: {created['metadata']['uid']}"
    )
    with pytest.raises(ApiError) as stale:
        server.delete("ConfigMap", "default", "settings", preconditions={"resourceVersion": "1"})
    assert stale.value.code == 409
    assert snapshot(server.storage) == before


def test_bad_delete_options(server):
    server.create("ConfigMap", config_map())
    with pytest.raises(ApiError) as policy:
        server.delete("ConfigMap", "default", "settings", propagation_policy="Sideways")
    assert (policy.value.code, policy.value.message) == (
        400,
        'unsupported propagationPolicy "Sideways": must be Background, Foreground or Orphan',
    )
    with pytest.raises(ApiError) as grace:
        server.delete("ConfigMap", "default", "settings", grace_period_seconds=-1)
    assert grace.value.code == 422
    with pytest.raises(ApiError) as missing:
        server.delete("ConfigMap", "default", "nope")
    assert missing.value.message == 'configmaps "nope" not found'


def test_dry_run_delete_of_a_namespace_reports_it_would_linger(server):
    assert server.delete("Namespace", None, "kube-system", dry_run=True).finished is False
    assert server.get("Namespace", None, "kube-system")["status"]["phase"] == "Active"


def test_delete_collection_deletes_each_match_as_its_own_delete_would(server, watch):
    for name in ("a", "b", "c"):
        server.create("ConfigMap", {"metadata": {"name": name, "labels": {"keep": str(name == "c").lower()}}})
    before, published = snapshot(server.storage), len(watch)
    items, _ = server.delete_collection("ConfigMap", "default", label_selector="keep=false", dry_run=True)
    assert [item["metadata"]["name"] for item in items] == ["a", "b"]
    assert snapshot(server.storage) == before and len(watch) == published
    items, version = server.delete_collection("ConfigMap", "default", label_selector="keep=false")
    assert [item["metadata"]["name"] for item in items] == ["a", "b"] and version == before[1]
    assert [event["type"] for event in watch[published:]] == ["DELETED", "DELETED"]
    assert [item["metadata"]["name"] for item in server.list("ConfigMap", "default")[0]] == ["c"]


def test_a_dry_run_binding_is_checked_but_not_written(server, watch):
    server.create("Pod", pod("web-1"))
    before, published = snapshot(server.storage), len(watch)
    assert server.bind("default", "web-1", "worker-1", dry_run=True)["spec"]["nodeName"] == "worker-1"
    assert snapshot(server.storage) == before and len(watch) == published
    server.bind("default", "web-1", "worker-1")
    with pytest.raises(ApiError) as refused:
        server.bind("default", "web-1", "worker-2", dry_run=True)
    assert refused.value.message.endswith('pod web-1 is already assigned to node "worker-1"')
