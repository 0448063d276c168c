"""Strategic merge patch against upstream's own table tests (strategicpatch/patch_test.go).

Upstream tests on a made-up schema (`mergingList` merges by `name`, `mergingIntList` is a merging list of ints,
`retainKeysMap`, ...); ours are the real types, so each case is carried over to the real field with the same
strategy: `mergingList` → a pod's `containers` (`value` → `image`, `other` → `workingDir`), `mergingIntList` →
`metadata.finalizers`, `simpleMap` → `metadata.labels`, `retainKeysMap` → a deployment's `strategy`,
`retainKeysMergingList` → `volumes`. Each case applies upstream's three-way patch to its current object and expects
its result, as the apiserver does when kubectl applies.
"""

import pytest

from cluster_engine.api import strategicmerge
from cluster_engine.api.errors import ApiError

from .conftest import snapshot
from .manifests import control_plane_component, deployment, node

POD = "io.k8s.api.core.v1.Pod"
DEPLOYMENT = "io.k8s.api.apps.v1.Deployment"
NODE = "io.k8s.api.core.v1.Node"
SERVICE = "io.k8s.api.core.v1.Service"


def c(name: str, image: str | None = None, working_dir: str | None = None) -> dict:
    """A container as upstream's `mergingList` items: `value` is the image, `other` the working directory."""
    container = {"name": name}
    if image is not None:
        container["image"] = image
    if working_dir is not None:
        container["workingDir"] = working_dir
    return container


def containers(*items: dict) -> dict:
    return {"spec": {"containers": list(items)}}


def order(*names) -> list:
    return [{"name": name} for name in names]


def finalizers(*names) -> dict:
    return {"metadata": {"finalizers": list(names)}}


# ---- lists of primitives with the merge strategy -------------------------------------------------------------
@pytest.mark.parametrize(
    ("current", "patch", "result"),
    [
        pytest.param(
            ["1", "2", "3", "4"],
            {"$setElementOrder/finalizers": ["1", "2"], "$deleteFromPrimitiveList/finalizers": ["3"]},
            ["1", "2", "4"],
            id="delete items in lists of scalars",
        ),
        pytest.param(
            ["1", "2", "3", "3", "4"],
            {"$setElementOrder/finalizers": ["1", "2"], "$deleteFromPrimitiveList/finalizers": ["3"]},
            ["1", "2", "4"],
            id="delete all duplicate items in lists of scalars",
        ),
        pytest.param(
            ["1", "2", "3"],
            {
                "$setElementOrder/finalizers": ["1", "2", "4"],
                "$deleteFromPrimitiveList/finalizers": ["3"],
                "finalizers": ["4"],
            },
            ["1", "2", "4"],
            id="add and delete items in lists of scalars",
        ),
        pytest.param(["1", "2"], {"finalizers": ["2", "3"]}, ["1", "2", "3"], id="unique scalars when merging lists"),
        pytest.param(
            ["1", "2", "3"],
            {"finalizers": ["3", "1", "2"]},
            ["3", "1", "2"],
            id="preserve the order from the patch in a merging int list",
        ),
        pytest.param(
            ["1", "2", "3"],
            {"finalizers": ["3", "1"]},
            ["2", "3", "1"],
            id="preserve the order from the patch in a merging int list 2",
        ),
        pytest.param(
            ["1", "3"],
            {"$setElementOrder/finalizers": ["3", "2", "1"]},
            ["3", "1"],
            id="setElementOrder contains item that is not present in the int list to be merged",
        ),
    ],
)
def test_merging_lists_of_scalars(current, patch, result):
    assert strategicmerge.apply(finalizers(*current), {"metadata": patch}, POD) == finalizers(*result)


# ---- lists of maps with the merge strategy ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("current", "patch", "result"),
    [
        pytest.param(
            [c("1", working_dir="a"), c("2", "2", "b")],
            {"$setElementOrder/containers": order("4", "1", "2", "3"), "containers": [c("4", "4"), c("3", "3")]},
            [c("4", "4"), c("1", working_dir="a"), c("2", "2", "b"), c("3", "3")],
            id="merge lists of maps",
        ),
        pytest.param(
            [c("1", working_dir="a"), c("2", "3", "b")],
            {"$setElementOrder/containers": order("1", "2", "3"), "containers": [c("2", "2"), c("3", "3")]},
            [c("1", working_dir="a"), c("2", "2", "b"), c("3", "3")],
            id="merge lists of maps with conflict",
        ),
        pytest.param(
            [c("1", working_dir="a"), c("3", "2", "b")],
            {"$setElementOrder/containers": order("1", "2"), "containers": [c("1", "1"), c("2", "2")]},
            [c("1", "1", "a"), c("2", "2"), c("3", "2", "b")],
            id="add field to map in merging list with conflict",
        ),
        pytest.param(
            [c("1"), c("2", working_dir="b")],
            {"$setElementOrder/containers": order("2"), "containers": [{"name": "1", "$patch": "delete"}]},
            [c("2", working_dir="b")],
            id="delete map from merging list",
        ),
        pytest.param(
            [c("3", working_dir="a")],
            {"$setElementOrder/containers": order("2"), "containers": [c("2"), {"name": "1", "$patch": "delete"}]},
            [c("2"), c("3", working_dir="a")],
            id="delete missing map from merging list with conflict",
        ),
        pytest.param(
            [c("1"), c("2", working_dir="b"), c("4", working_dir="c")],
            {"$setElementOrder/containers": order("2", "3"), "containers": [c("3"), {"name": "1", "$patch": "delete"}]},
            [c("2", working_dir="b"), c("4", working_dir="c"), c("3")],
            id="add map and delete map from merging list",
        ),
        pytest.param(
            [c("1", working_dir="a"), c("4", working_dir="c")],
            {
                "$setElementOrder/containers": order("2", "3"),
                "containers": [c("2"), c("3"), {"name": "1", "$patch": "delete"}],
            },
            [c("4", working_dir="c"), c("2"), c("3")],
            id="add map and delete map from merging list with conflict",
        ),
        pytest.param(
            [c("1", "1", "a"), c("2", "2", "b")],
            {"$setElementOrder/containers": order("1", "2"), "containers": [{"name": "1", "image": None}]},
            [c("1", working_dir="a"), c("2", "2", "b")],
            id="delete field from map in merging list",
        ),
        pytest.param(
            [c("1"), c("2", "b"), c("3")],
            {"containers": [c("3", "c"), c("1", "a"), c("2", working_dir="x")]},
            [c("3", "c"), c("1", "a"), c("2", "b", "x")],
            id="preserve the order from the patch in a merging list",
        ),
        pytest.param(
            [c("1"), c("2", "b"), c("3")],
            {"containers": [c("3", "c"), c("1", "a")]},
            [c("2", "b"), c("3", "c"), c("1", "a")],
            id="preserve the order from the patch in a merging list 2",
        ),
        pytest.param(
            [c("1"), c("3")],
            {"$setElementOrder/containers": order("3", "2", "1"), "containers": [c("3", "3"), c("1", "1")]},
            [c("3", "3"), c("1", "1")],
            id="setElementOrder contains item that is not present in the list to be merged",
        ),
        pytest.param(
            [c("1"), c("1"), c("2", "a"), c("3"), c("3")],
            {"containers": [{"name": "1", "$patch": "delete"}, {"name": "3", "$patch": "delete"}]},
            [c("2", "a")],
            id="delete all duplicate entries in a merging list",
        ),
        pytest.param(
            [c("1"), c("2")], {"containers": [{"$patch": "replace"}]}, [], id="delete all items from merging list"
        ),
    ],
)
def test_merging_lists_of_maps(current, patch, result):
    assert strategicmerge.apply(containers(*current), {"spec": patch}, POD) == containers(*result)


def test_merge_empty_merging_lists():
    assert strategicmerge.apply({"spec": {"containers": []}}, {"spec": {"containers": []}}, POD) == {
        "spec": {"containers": []}
    }


# ---- maps ------------------------------------------------------------------------------------------------------
def test_null_deletes_a_key_and_maps_merge():
    current = {"metadata": {"labels": {"app": "web", "tier": "front"}, "annotations": {"a": "1"}}}
    patch = {"metadata": {"labels": {"tier": None, "team": "blue"}, "annotations": None}}
    assert strategicmerge.apply(current, patch, POD) == {"metadata": {"labels": {"app": "web", "team": "blue"}}}


def test_delete_map_from_nested_map():
    current = {"metadata": {"labels": {"key1": "1", "key2": "1"}}}
    assert strategicmerge.apply(current, {"metadata": {"labels": {"$patch": "delete"}}}, POD) == {
        "metadata": {"labels": {}}
    }


def test_replace_directive_in_a_map():
    current = {"metadata": {"name": "1", "labels": {"a": "b"}}}
    assert strategicmerge.apply(current, {"metadata": {"$patch": "replace"}}, POD) == {"metadata": {}}
    added = strategicmerge.apply(current, {"metadata": {"namespace": "a", "$patch": "replace"}}, POD)
    assert added == {"metadata": {"namespace": "a"}}


def test_a_value_with_nothing_to_merge_into_loses_its_nulls_and_directives():
    patch = {
        "spec": {
            "containers": [{"name": "web", "image": "nginx", "workingDir": None}],
            "securityContext": {"$patch": "delete"},
            "nodeSelector": {"zone": "a", "disk": None},
        }
    }
    assert strategicmerge.apply({"spec": {}}, patch, POD) == {
        "spec": {"containers": [{"name": "web", "image": "nginx"}], "nodeSelector": {"zone": "a"}}
    }


# ---- patch strategies and merge keys come from upstream's definitions -----------------------------------------
def test_a_list_without_a_merge_strategy_is_replaced_whole():
    """Node.spec.taints is atomic upstream: `kubectl apply` of `taints: []` sends exactly this and clears them."""
    current = {"spec": {"taints": [{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}]}}
    assert strategicmerge.apply(current, {"spec": {"taints": []}}, NODE) == {"spec": {"taints": []}}
    tolerations = {"spec": {"tolerations": [{"key": "a", "operator": "Exists"}]}}
    replaced = strategicmerge.apply(tolerations, {"spec": {"tolerations": [{"key": "b", "operator": "Exists"}]}}, POD)
    assert replaced == {"spec": {"tolerations": [{"key": "b", "operator": "Exists"}]}}


def test_a_map_with_the_replace_strategy_is_replaced_whole():
    """PodDisruptionBudgetSpec.selector is `patchStrategy:"replace"` upstream."""
    current = {"spec": {"selector": {"matchLabels": {"app": "web"}}, "minAvailable": 1}}
    patch = {"spec": {"selector": {"matchLabels": {"tier": "front"}}}}
    assert strategicmerge.apply(current, patch, "io.k8s.api.policy.v1.PodDisruptionBudget") == {
        "spec": {"selector": {"matchLabels": {"tier": "front"}}, "minAvailable": 1}
    }


def test_merge_keys_follow_the_field_container_ports_by_container_port_service_ports_by_port():
    current = {"spec": {"containers": [{"name": "web", "ports": [{"containerPort": 80, "name": "http"}]}]}}
    patch = {"spec": {"containers": [{"name": "web", "ports": [{"containerPort": 80, "name": "web"}]}]}}
    merged = strategicmerge.apply(current, patch, POD)
    assert merged["spec"]["containers"][0]["ports"] == [{"containerPort": 80, "name": "web"}]
    service = {"spec": {"ports": [{"port": 80, "targetPort": 8080}, {"port": 443, "targetPort": 8443}]}}
    merged = strategicmerge.apply(service, {"spec": {"ports": [{"port": 80, "targetPort": 9090}]}}, SERVICE)
    assert merged["spec"]["ports"] == [{"port": 80, "targetPort": 9090}, {"port": 443, "targetPort": 8443}]


def test_nested_merge_lists_merge_at_every_level():
    current = containers(c("web"))
    current["spec"]["containers"][0]["env"] = [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]
    patch = {
        "spec": {
            "$setElementOrder/containers": order("web"),
            "containers": [
                {
                    "name": "web",
                    "$setElementOrder/env": order("A"),
                    "env": [{"name": "B", "$patch": "delete"}],
                }
            ],
        }
    }
    merged = strategicmerge.apply(current, patch, POD)
    assert merged["spec"]["containers"] == [{"name": "web", "env": [{"name": "A", "value": "1"}]}]


def test_retain_keys_clears_the_fields_not_listed():
    current = {"spec": {"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}}}}
    patch = {"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}}
    assert strategicmerge.apply(current, patch, DEPLOYMENT) == {"spec": {"strategy": {"type": "Recreate"}}}


def test_retain_keys_map_can_change_a_field_when_no_directive_is_present():
    current = {"spec": {"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}}}}
    patch = {"spec": {"strategy": {"rollingUpdate": {"maxSurge": 2}}}}
    assert strategicmerge.apply(current, patch, DEPLOYMENT) == {
        "spec": {"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 2}}}
    }


def test_retain_keys_in_an_element_of_a_merging_list_swaps_a_volume_source():
    current = {"spec": {"volumes": [{"name": "cache", "emptyDir": {}}, {"name": "data", "emptyDir": {}}]}}
    patch = {
        "spec": {
            "$setElementOrder/volumes": order("cache", "data"),
            "volumes": [{"name": "data", "$retainKeys": ["configMap", "name"], "configMap": {"name": "settings"}}],
        }
    }
    assert strategicmerge.apply(current, patch, POD)["spec"]["volumes"] == [
        {"name": "cache", "emptyDir": {}},
        {"name": "data", "configMap": {"name": "settings"}},
    ]


# ---- malformed patches get upstream's answer and change nothing -------------------------------------------------
@pytest.mark.parametrize(
    ("patch", "code", "message"),
    [
        pytest.param(
            {"spec": {"containers": [{"image": "x"}]}},
            500,
            "map: map[image:x] does not contain declared merge key: name",
            id="missing merge key",
        ),
        pytest.param(
            {"spec": {"containers": [{"name": "web", "$patch": "explode"}]}},
            500,
            "unknown patch type: explode in map: map[$patch:explode name:web]",
            id="unknown directive in a list",
        ),
        pytest.param(
            {"spec": {"$patch": 1.5e6}},
            500,
            "unknown patch type: %!s(float64=1.5e+06) in map: map[$patch:1.5e+06]",
            id="directive that is not a string",
        ),
        pytest.param(
            {"spec": {"$patch": "merge"}},
            500,
            "unknown patch type: merge in map: map[$patch:merge]",
            id="merge directive in a map",
        ),
        pytest.param(
            {"spec": {"containers": [{"$patch": "merge"}]}},
            500,
            "merging lists cannot yet be specified in the patch",
            id="merge directive in a list",
        ),
        pytest.param(
            {
                "spec": {
                    "$setElementOrder/containers": order("a", "web"),
                    "containers": [{"name": "web"}, {"name": "a"}],
                }
            },
            500,
            "The order in patch list:\n[map[name:web] map[name:a]]\n doesn't match $setElementOrder list:\n"
            "[map[name:a] map[name:web]]\n",
            id="should check if order in setElementOrder and patch list match",
        ),
        pytest.param(
            {"metadata": {"finalizers": [{"name": "a"}]}},
            500,
            "list element types are not identical: [[a] [map[name:a]]]",
            id="list element types differ",
        ),
        pytest.param(
            {"metadata": {"finalizers": [["a"]]}},
            500,
            "list element types are not identical: [[a] [[a]]]",
            id="a list in a list of strings",
        ),
        pytest.param(
            {"spec": {"$setElementOrder/volumes": "web"}},
            500,
            "expected a []interface {}, but received a string",
            id="setElementOrder that is not a list",
        ),
        pytest.param(
            {"spec": {"$setElementOrder/shareProcessNamespace": [True]}},
            500,
            "expected slice or array type, but got: struct",
            id="setElementOrder of a field that is not a list",
        ),
        pytest.param(
            {"spec": {"$setElementOrder/sidecars": []}},
            500,
            'unable to find api field in struct PodSpec for the json field "sidecars"',
            id="setElementOrder of an unknown field",
        ),
        pytest.param(
            {"metadata": {"$deleteFromPrimitiveList": ["a"]}},
            400,
            "invalid patch format of primitive list",
            id="deleteFromPrimitiveList without a field",
        ),
        pytest.param(
            {"spec": {"$setElementOrder": []}},
            400,
            "invalid patch format of setElementOrder list",
            id="setElementOrder without a field",
        ),
        pytest.param(
            {"spec": {"strategy": {"$retainKeys": "type"}}},
            400,
            "invalid patch format of retainKeys",
            id="retainKeys that is not a list",
        ),
        pytest.param(
            {"spec": {"strategy": {"$retainKeys": ["type"], "rollingUpdate": {"maxSurge": 2}}}},
            400,
            "invalid patch format of retainKeys",
            id="patch content that retainKeys does not list",
        ),
    ],
)
def test_malformed_patches_are_refused_as_upstream_refuses_them(patch, code, message):
    current = {
        "metadata": {"finalizers": ["a"]},
        "spec": {"containers": [c("web")], "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}}},
    }
    definition = DEPLOYMENT if "strategy" in patch.get("spec", {}) else POD
    if definition == DEPLOYMENT:
        del current["spec"]["containers"]
    else:
        del current["spec"]["strategy"]
    with pytest.raises(ApiError) as refused:
        strategicmerge.apply(current, patch, definition)
    assert (refused.value.code, refused.value.message) == (code, message)
    assert refused.value.reason == ("BadRequest" if code == 400 else "")


def test_a_refused_patch_answers_a_status_without_reason_and_changes_nothing(server):
    server.create("Deployment", deployment())
    before = snapshot(server.storage)
    body = {"spec": {"template": {"spec": {"containers": [{"image": "nginx:1.28"}]}}}}
    with pytest.raises(ApiError) as refused:
        server.patch("Deployment", "default", "web", body, "strategic")
    assert refused.value.status() == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": "map: map[image:nginx:1.28] does not contain declared merge key: name",
        "code": 500,
    }
    assert snapshot(server.storage) == before


def test_a_list_of_lists_is_unprocessable():
    with pytest.raises(ApiError) as refused:
        strategicmerge.apply({"metadata": {"finalizers": []}}, {"metadata": {"finalizers": [["a"]]}}, POD)
    assert (refused.value.code, refused.value.reason) == (422, "Invalid")
    assert refused.value.causes == [
        {"reason": "UnexpectedServerResponse", "message": "lists of lists are not supported"}
    ]


# ---- through the API server -------------------------------------------------------------------------------------
def test_kubectl_apply_of_a_node_with_taints_emptied_removes_them(server):
    manifest = node()
    manifest["spec"]["taints"] = [{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}]
    server.create("Node", manifest)
    applied = server.patch("Node", None, "worker-1", {"spec": {"taints": []}}, "strategic")
    assert not applied["spec"].get("taints")


def test_kinds_upstream_does_not_define_refuse_strategic_merge_like_a_custom_resource(server):
    created = server.create("ControlPlaneComponent", control_plane_component())
    name = created["metadata"]["name"]
    before = snapshot(server.storage)
    with pytest.raises(ApiError) as refused:
        server.patch("ControlPlaneComponent", None, name, {"metadata": {"labels": {"a": "b"}}}, "strategic")
    assert (refused.value.code, refused.value.reason) == (415, "UnsupportedMediaType")
    assert refused.value.message == (
        "the body of the request was in an unknown format - accepted media types include: "
        "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"
    )
    assert snapshot(server.storage) == before
    merged = server.patch("ControlPlaneComponent", None, name, {"metadata": {"labels": {"a": "b"}}}, "merge")
    assert merged["metadata"]["labels"]["a"] == "b"
