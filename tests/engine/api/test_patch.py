import pytest

from cluster_engine.api import patch
from cluster_engine.api.errors import ApiError
from cluster_engine.api.kinds import KINDS

from .conftest import snapshot
from .manifests import deployment, node, pod

POD = KINDS["Pod"].upstream_definition


# ---- JSON merge patch (RFC 7386) ------------------------------------------------------------------------------
def test_merge_patch_merges_maps_deletes_nulls_and_replaces_lists():
    target = {"a": {"b": 1, "c": 2}, "list": [1, 2], "gone": "x"}
    assert patch.merge_patch(target, {"a": {"b": 9}, "list": [3], "gone": None, "new": {"n": None}}) == {
        "a": {"b": 9, "c": 2},
        "list": [3],
        "new": {},
    }


def test_a_non_object_merge_patch_is_a_bad_request():
    with pytest.raises(ApiError) as refused:
        patch.apply(POD, {}, [1], "merge")
    assert refused.value.status()["message"] == (
        "json: cannot unmarshal array into Go value of type map[string]interface {}"
    )


def test_unknown_patch_type_is_415():
    with pytest.raises(ApiError) as refused:
        patch.apply(POD, {}, {}, "yaml")
    assert (refused.value.code, refused.value.reason) == (415, "UnsupportedMediaType")
    assert refused.value.message == (
        "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, "
        "application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml"
    )


# ---- JSON patch (RFC 6902) ------------------------------------------------------------------------------------
DOC = {"a": {"b": [1, 2, 3]}, "s": "x", "k~/": 1}


@pytest.mark.parametrize(
    ("operations", "expected"),
    [
        ([{"op": "add", "path": "/a/c", "value": 4}], {**DOC, "a": {"b": [1, 2, 3], "c": 4}}),
        ([{"op": "add", "path": "/a/b/1", "value": 9}], {**DOC, "a": {"b": [1, 9, 2, 3]}}),
        ([{"op": "add", "path": "/a/b/-", "value": 9}], {**DOC, "a": {"b": [1, 2, 3, 9]}}),
        ([{"op": "add", "path": "/a/b/3", "value": 9}], {**DOC, "a": {"b": [1, 2, 3, 9]}}),
        ([{"op": "replace", "path": "/s", "value": "y"}], {**DOC, "s": "y"}),
        ([{"op": "remove", "path": "/a/b/0"}], {**DOC, "a": {"b": [2, 3]}}),
        ([{"op": "remove", "path": "/k~0~1"}], {"a": {"b": [1, 2, 3]}, "s": "x"}),
        ([{"op": "move", "from": "/s", "path": "/t"}], {"a": {"b": [1, 2, 3]}, "t": "x", "k~/": 1}),
        ([{"op": "copy", "from": "/a/b/2", "path": "/n"}], {**DOC, "n": 3}),
        (
            [{"op": "test", "path": "/s", "value": "x"}, {"op": "replace", "path": "/s", "value": "z"}],
            {**DOC, "s": "z"},
        ),
    ],
)
def test_json_patch_operations(operations, expected):
    assert patch.json_patch(DOC, operations) == expected


@pytest.mark.parametrize(
    ("operations", "cause"),
    [
        ([{"op": "test", "path": "/s", "value": "nope"}], "testing value /s failed: test failed"),
        ([{"op": "test", "path": "/missing", "value": None}], "testing value /missing failed: test failed"),
        (
            [{"op": "replace", "path": "/nope", "value": 1}],
            "replace operation does not apply: doc is missing key: /nope: missing value",
        ),
        (
            [{"op": "remove", "path": "/a/b/7"}],
            'remove operation does not apply: doc is missing path: "/a/b/7": missing value',
        ),
        (
            [{"op": "add", "path": "/x/y", "value": 1}],
            'add operation does not apply: doc is missing path: "/x/y": missing value',
        ),
        (
            [{"op": "add", "path": "/a/b/9", "value": 1}],
            'add operation does not apply: doc is missing path: "/a/b/9": missing value',
        ),
        (
            [{"op": "move", "from": "/nope", "path": "/x"}],
            "move operation does not apply: doc is missing from path: /nope",
        ),
        (
            [{"op": "copy", "from": "/nope", "path": "/x"}],
            "copy operation does not apply: doc is missing from path: /nope",
        ),
        ([{"op": "frobnicate", "path": "/s"}], "Unexpected kind: frobnicate: unknown object type"),
        ([{"op": "add", "path": "a", "value": 1}], 'JSON pointer must be empty or start with a "/": "a"'),
        (
            [{"op": "remove", "path": "/a/b/01"}],
            'remove operation does not apply: doc is missing path: "/a/b/01": missing value',
        ),
    ],
)
def test_json_patch_that_cannot_apply_is_422_with_the_cause(operations, cause):
    with pytest.raises(ApiError) as refused:
        patch.json_patch(DOC, operations)
    assert refused.value.status() == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": "the server rejected our request due to an error in our request",
        "reason": "Invalid",
        "code": 422,
        "details": {"causes": [{"reason": "UnexpectedServerResponse", "message": cause}]},
    }


def test_json_patch_must_be_a_list_of_operations():
    with pytest.raises(ApiError) as refused:
        patch.json_patch(DOC, {"op": "add"})
    assert (refused.value.code, refused.value.message) == (
        400,
        "json: cannot unmarshal object into Go value of type jsonpatch.Patch",
    )


# ---- what kubectl sends ---------------------------------------------------------------------------------------
def test_kubectl_scale_merge_patch(server):
    server.create("Deployment", deployment(replicas=3))
    scaled = server.patch("Deployment", "default", "web", {"spec": {"replicas": 5}}, "merge")
    assert scaled["spec"]["replicas"] == 5
    assert scaled["metadata"]["generation"] == 2


def test_kubectl_cordon_and_uncordon_strategic_patches(server):
    server.create("Node", node())
    cordoned = server.patch("Node", None, "worker-1", {"spec": {"unschedulable": True}}, "strategic")
    assert cordoned["spec"]["unschedulable"] is True
    uncordoned = server.patch("Node", None, "worker-1", {"spec": {"unschedulable": None}}, "strategic")
    assert "unschedulable" not in uncordoned["spec"]


def test_kubectl_label_and_annotate_merge_patches(server):
    server.create("Pod", pod())
    labelled = server.patch("Pod", "default", "web-1", {"metadata": {"labels": {"tier": "front"}}}, "merge")
    assert labelled["metadata"]["labels"] == {"app": "web", "tier": "front"}
    unlabelled = server.patch("Pod", "default", "web-1", {"metadata": {"labels": {"app": None}}}, "merge")
    assert unlabelled["metadata"]["labels"] == {"tier": "front"}
    annotated = server.patch("Pod", "default", "web-1", {"metadata": {"annotations": {"owner": "team-a"}}}, "merge")
    assert annotated["metadata"]["annotations"] == {"owner": "team-a"}
    # `kubectl label --resource-version` sends the version as a precondition
    stale = {"metadata": {"labels": {"x": "y"}, "resourceVersion": labelled["metadata"]["resourceVersion"]}}
    before = snapshot(server.storage)
    with pytest.raises(ApiError) as refused:
        server.patch("Pod", "default", "web-1", stale, "merge")
    assert refused.value.code == 409
    assert snapshot(server.storage) == before


def test_kubectl_rollout_undo_json_patch(server):
    """kubectl rollout undo replaces the template with the old ReplicaSet's (creationTimestamp null and all)."""
    created = server.create("Deployment", deployment())
    server.patch(
        "Deployment",
        "default",
        "web",
        {"metadata": {"annotations": {"deployment.kubernetes.io/revision": "2"}}},
        "merge",
    )
    old_template = {
        "metadata": {"creationTimestamp": None, "labels": {"app": "web"}},
        "spec": {"containers": [{"name": "nginx", "image": "nginx:1.26"}]},
    }
    undone = server.patch(
        "Deployment",
        "default",
        "web",
        [
            {"op": "replace", "path": "/spec/template", "value": old_template},
            {"op": "replace", "path": "/metadata/annotations", "value": {"deployment.kubernetes.io/revision": "2"}},
        ],
        "json",
    )
    assert undone["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.26"
    assert undone["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] == "IfNotPresent"
    assert undone["spec"]["replicas"] == created["spec"]["replicas"]
    assert undone["metadata"]["generation"] == 2


def test_kubectl_apply_strategic_patch_updates_one_container(server):
    server.create("Deployment", deployment())
    body = {
        "metadata": {"annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}"}},
        "spec": {
            "template": {
                "spec": {
                    "$setElementOrder/containers": [{"name": "nginx"}],
                    "containers": [{"name": "nginx", "image": "nginx:1.28"}],
                }
            }
        },
    }
    applied = server.patch("Deployment", "default", "web", body, "strategic")
    container = applied["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "nginx:1.28"
    assert container["ports"] == [{"containerPort": 80, "protocol": "TCP"}]


NAMELESS_VOLUME = [{"name": None}]


@pytest.mark.parametrize(
    "body, patch_type",
    [
        ({"spec": {"template": {"spec": {"volumes": NAMELESS_VOLUME}}}}, "strategic"),
        ({"spec": {"template": {"spec": {"volumes": NAMELESS_VOLUME}}}}, "merge"),
        ([{"op": "add", "path": "/spec/template/spec/volumes", "value": NAMELESS_VOLUME}], "json"),
    ],
)
def test_every_patch_type_validates_the_patched_object_as_a_create_would(server, watch, body, patch_type):
    server.create("Deployment", deployment())
    before, published = snapshot(server.storage), len(watch)
    with pytest.raises(ApiError) as refused:
        server.patch("Deployment", "default", "web", body, patch_type)
    assert (refused.value.code, refused.value.message) == (
        422,
        'Deployment.apps "web" is invalid: spec.template.spec.volumes[0].name: Required value',
    )
    assert refused.value.causes == [
        {"reason": "FieldValueRequired", "message": "Required value", "field": "spec.template.spec.volumes[0].name"}
    ]
    assert snapshot(server.storage) == before and len(watch) == published


def test_a_volume_without_a_source_is_an_empty_dir_and_names_are_unique(server):
    server.create("Deployment", deployment())
    volumes = {"spec": {"template": {"spec": {"volumes": [{"name": "cache"}]}}}}
    patched = server.patch("Deployment", "default", "web", volumes, "strategic")
    assert patched["spec"]["template"]["spec"]["volumes"] == [{"name": "cache", "emptyDir": {}}]
    twice = [
        {"op": "add", "path": "/spec/template/spec/volumes/-", "value": {"name": "cache", "hostPath": {"path": "/"}}}
    ]
    with pytest.raises(ApiError) as refused:
        server.patch("Deployment", "default", "web", twice, "json")
    assert [cause["message"] for cause in refused.value.causes] == ['Duplicate value: "cache"']
