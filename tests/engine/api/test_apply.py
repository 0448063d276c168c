"""Server-side apply on the API server: merging, ownership, pruning and conflicts.

The cases follow structured-merge-diff's own (merge/leaf_test.go, merge/multiple_appliers_test.go,
merge/set_test.go) on a Deployment's fields: after a base applier creates the object, managers apply and update
spec fields and the object and its managers are checked after each step.
"""

import json

import pytest

from cluster_engine.api.apply import LAST_APPLIED
from cluster_engine.api.errors import ApiError

from .manifests import deployment


def config(**spec) -> dict:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}, "spec": spec}


@pytest.fixture
def base(server):
    body = deployment()
    del body["spec"]["replicas"]
    applied = server.apply("Deployment", "default", "web", body, "base")
    assert applied.created
    return server


def apply(server, manager: str, force: bool = False, **spec) -> dict:
    return server.apply("Deployment", "default", "web", config(**spec), manager, force=force).object


def owned(obj: dict, manager: str, operation: str = "Apply") -> dict | None:
    for entry in obj["metadata"].get("managedFields") or []:
        if entry["manager"] == manager and entry["operation"] == operation:
            return entry["fieldsV1"].get("f:spec")
    return None


def test_apply_twice_owns_what_the_last_configuration_holds(base):
    apply(base, "default", replicas=1, minReadySeconds=5)
    obj = apply(base, "default", replicas=2, minReadySeconds=5, paused=False)
    assert (obj["spec"]["replicas"], obj["spec"]["minReadySeconds"], obj["spec"]["paused"]) == (2, 5, False)
    assert owned(obj, "default") == {"f:minReadySeconds": {}, "f:paused": {}, "f:replicas": {}}


def test_apply_update_apply_without_conflict_keeps_the_updaters_field(base):
    apply(base, "default", replicas=1, minReadySeconds=5)
    base.patch("Deployment", "default", "web", {"spec": {"paused": True}}, manager="controller")
    obj = apply(base, "default", replicas=2, minReadySeconds=5)
    assert obj["spec"]["paused"] is True and obj["spec"]["replicas"] == 2
    assert owned(obj, "default") == {"f:minReadySeconds": {}, "f:replicas": {}}
    assert owned(obj, "controller", "Update") == {"f:paused": {}}


def test_apply_update_apply_with_conflict_is_refused_until_forced(base, watch):
    apply(base, "default", replicas=1, minReadySeconds=5)
    base.patch("Deployment", "default", "web", {"spec": {"minReadySeconds": 9, "paused": True}}, manager="controller")
    published = len(watch)
    with pytest.raises(ApiError) as refused:
        apply(base, "default", replicas=2, minReadySeconds=7)
    assert refused.value.code == 409 and refused.value.reason == "Conflict"
    assert refused.value.message == (
        'Apply failed with 1 conflict: conflict with "controller" using apps/v1: .spec.minReadySeconds'
    )
    assert refused.value.causes == [
        {
            "reason": "FieldManagerConflict",
            "message": 'conflict with "controller" using apps/v1',
            "field": ".spec.minReadySeconds",
        }
    ]
    assert len(watch) == published  # nothing written
    obj = apply(base, "default", force=True, replicas=2, minReadySeconds=7)
    assert obj["spec"]["minReadySeconds"] == 7
    assert owned(obj, "default") == {"f:minReadySeconds": {}, "f:replicas": {}}
    assert owned(obj, "controller", "Update") == {"f:paused": {}}


def test_conflicts_with_several_managers_are_listed_by_manager(base):
    base.patch("Deployment", "default", "web", {"spec": {"minReadySeconds": 9}}, manager="one")
    base.patch("Deployment", "default", "web", {"spec": {"paused": True}}, manager="two")
    with pytest.raises(ApiError) as refused:
        apply(base, "default", minReadySeconds=7, paused=False)
    assert refused.value.message == (
        "Apply failed with 2 conflicts: "
        'conflicts with "one" using apps/v1:\n- .spec.minReadySeconds\n'
        'conflicts with "two" using apps/v1:\n- .spec.paused'
    )


def test_a_field_applied_before_and_no_longer_applied_is_removed(base):
    apply(base, "default", minReadySeconds=5, paused=False)
    obj = apply(base, "default", minReadySeconds=6)
    assert "paused" not in obj["spec"]
    assert owned(obj, "default") == {"f:minReadySeconds": {}}


def test_a_field_another_manager_also_set_survives_its_removal_from_the_configuration(base):
    apply(base, "default", minReadySeconds=5)
    base.patch("Deployment", "default", "web", {"spec": {"minReadySeconds": 1}}, manager="controller")
    obj = apply(base, "default")
    assert obj["spec"]["minReadySeconds"] == 1
    assert owned(obj, "default") is None
    assert owned(obj, "controller", "Update") == {"f:minReadySeconds": {}}


def test_two_appliers_share_a_keyed_list_item_by_item(base):
    container = {"name": "sidecar", "image": "busybox"}
    template = {"spec": {"containers": [container]}}
    obj = apply(base, "sidecars", template=template)
    assert [c["name"] for c in obj["spec"]["template"]["spec"]["containers"]] == ["nginx", "sidecar"]
    obj = apply(base, "sidecars", template={"spec": {"containers": []}})
    assert [c["name"] for c in obj["spec"]["template"]["spec"]["containers"]] == ["nginx"]


def test_the_same_value_is_shared_without_conflict(base):
    base.patch("Deployment", "default", "web", {"spec": {"minReadySeconds": 4}}, manager="controller")
    obj = apply(base, "default", minReadySeconds=4)
    assert owned(obj, "default") == {"f:minReadySeconds": {}}
    assert owned(obj, "controller", "Update") == {"f:minReadySeconds": {}}


def test_an_apply_that_creates_answers_created_and_records_only_the_applier(server):
    applied = server.apply("Deployment", "default", "web", deployment(), "kubectl")
    assert applied.created
    entries = applied.object["metadata"]["managedFields"]
    assert [(entry["manager"], entry["operation"]) for entry in entries] == [("kubectl", "Apply")]
    assert "f:progressDeadlineSeconds" not in entries[0]["fieldsV1"]["f:spec"]  # a default, owned by nobody


def test_an_apply_may_not_send_managed_fields_or_another_name(base):
    body = config(replicas=2)
    body["metadata"]["managedFields"] = []
    with pytest.raises(ApiError) as refused:
        base.apply("Deployment", "default", "web", body, "default")
    assert (refused.value.code, refused.value.message) == (400, "metadata.managedFields must be nil")
    body = config(replicas=2)
    body["metadata"]["name"] = "other"
    with pytest.raises(ApiError) as refused:
        base.apply("Deployment", "default", "web", body, "default")
    assert refused.value.code == 400


def last_applied(manifest: dict) -> str:
    return json.dumps(manifest, separators=(",", ":"), sort_keys=True) + "\n"


def test_kubectl_takes_over_from_client_side_apply_where_the_values_still_match(server):
    """upstream lastAppliedManager: `kubectl apply --server-side` after `kubectl apply` conflicts only on fields the
    object no longer holds as last applied; the annotation then follows the server-side configuration."""
    manifest = deployment()
    body = deployment()
    body["metadata"]["annotations"] = {LAST_APPLIED: last_applied(manifest)}
    server.create("Deployment", body, manager="kubectl-client-side-apply")
    manifest["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.28"
    obj = server.apply("Deployment", "default", "web", manifest, "kubectl").object
    assert obj["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.28"
    assert json.loads(obj["metadata"]["annotations"][LAST_APPLIED]) == manifest
    server.patch("Deployment", "default", "web", {"spec": {"replicas": 7}}, manager="kubectl-scale")
    with pytest.raises(ApiError) as refused:
        server.apply("Deployment", "default", "web", deployment(replicas=2), "kubectl")
    assert refused.value.message == (
        'Apply failed with 1 conflict: conflict with "kubectl-scale" using apps/v1: .spec.replicas'
    )


def test_another_manager_does_not_take_over_from_client_side_apply(server):
    manifest = deployment()
    body = deployment()
    body["metadata"]["annotations"] = {LAST_APPLIED: last_applied(manifest)}
    server.create("Deployment", body, manager="kubectl-client-side-apply")
    with pytest.raises(ApiError) as refused:
        server.apply("Deployment", "default", "web", deployment(replicas=4), "lesson")
    assert refused.value.message == (
        'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas'
    )


def test_appliers_share_a_set_list_value_by_value(server):
    """structured-merge-diff merge/set_test.go: items of an x-kubernetes-list-type=set list are owned one by one."""
    body = deployment()
    server.create("Deployment", body, manager="creator")

    def finalizers(manager: str, *names: str) -> dict:
        applied = {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "web", "finalizers": list(names)},
        }
        return server.apply("Deployment", "default", "web", applied, manager).object

    finalizers("one", "example.com/a", "example.com/b")
    obj = finalizers("two", "example.com/b", "example.com/c")
    assert obj["metadata"]["finalizers"] == ["example.com/a", "example.com/b", "example.com/c"]
    owned_by_one = next(e for e in obj["metadata"]["managedFields"] if e["manager"] == "one")
    assert owned_by_one["fieldsV1"]["f:metadata"]["f:finalizers"] == {'v:"example.com/a"': {}, 'v:"example.com/b"': {}}
    obj = finalizers("one")
    assert obj["metadata"]["finalizers"] == ["example.com/b", "example.com/c"]  # b stays: "two" applies it too


def test_applying_the_same_configuration_again_writes_nothing(base, watch):
    first = apply(base, "default", minReadySeconds=5)
    base.clock.advance_to(base.clock.now + 60)
    published = len(watch)
    again = apply(base, "default", minReadySeconds=5)
    assert again["metadata"]["resourceVersion"] == first["metadata"]["resourceVersion"]
    assert again["metadata"]["managedFields"] == first["metadata"]["managedFields"]
    assert len(watch) == published


def test_an_apply_through_the_status_subresource_owns_only_the_status(base):
    status = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}}
    status["status"] = {"observedGeneration": 9}
    status["spec"] = {"replicas": 9}  # ignored: the status subresource changes only the status
    obj = base.apply("Deployment", "default", "web", status, "status-writer", subresource="status").object
    assert obj["status"]["observedGeneration"] == 9 and obj["spec"].get("replicas") != 9
    entry = next(e for e in obj["metadata"]["managedFields"] if e["manager"] == "status-writer")
    assert (entry["operation"], entry["subresource"]) == ("Apply", "status")
    assert entry["fieldsV1"] == {"f:status": {"f:observedGeneration": {}}}
    with pytest.raises(ApiError) as missing:
        base.apply(
            "Deployment", "default", "absent", {**status, "metadata": {"name": "absent"}}, "s", subresource="status"
        )
    assert missing.value.code == 404
