"""Field sets in upstream's FieldsV1 encoding: which fields a value holds, how two values differ, set algebra."""

from cluster_engine.api import fieldpath

from .manifests import deployment, pod

DEPLOYMENT = fieldpath.root_shape("apps/v1", "Deployment")
POD = fieldpath.root_shape("v1", "Pod")


def paths(fields: dict) -> list[str]:
    return [fieldpath.path_string(path) for path in fieldpath.members(fields)]


def test_a_value_holds_its_leaves_list_items_and_map_entries_as_upstream_to_field_set():
    fields = fieldpath.to_field_set(deployment(), DEPLOYMENT)
    container = fields["f:spec"]["f:template"]["f:spec"]["f:containers"]['k:{"name":"nginx"}']
    assert container["."] == {}  # a list item is a member, a struct field is not
    assert "." not in fields["f:spec"] and "." not in fields["f:metadata"]["f:labels"]
    assert fields["f:spec"]["f:selector"] == {}  # LabelSelector is x-kubernetes-map-type: atomic
    assert container["f:resources"] == {"f:limits": {"f:memory": {}}, "f:requests": {"f:cpu": {}, "f:memory": {}}}


def test_keyed_list_items_default_their_missing_keys_and_set_items_are_values():
    manifest = pod()
    manifest["metadata"]["finalizers"] = ["example.com/keep"]
    manifest["spec"]["containers"][0]["ports"] = [{"containerPort": 80}]
    fields = fieldpath.to_field_set(manifest, POD)
    ports = fields["f:spec"]["f:containers"]['k:{"name":"nginx"}']["f:ports"]
    assert list(ports) == ['k:{"containerPort":80,"protocol":"TCP"}']
    assert fields["f:metadata"]["f:finalizers"] == {'v:"example.com/keep"': {}}
    assert '.metadata.finalizers[="example.com/keep"]' in paths(fields)
    assert '.spec.containers[name="nginx"].ports[containerPort=80,protocol="TCP"]' in paths(fields)


def test_atomic_lists_are_owned_whole():
    manifest = pod()
    manifest["spec"]["containers"][0]["args"] = ["--port", "80"]
    container = fieldpath.to_field_set(manifest, POD)["f:spec"]["f:containers"]['k:{"name":"nginx"}']
    assert container["f:args"] == {}


def test_compare_splits_changes_into_added_modified_and_removed():
    before = deployment()
    after = deployment(replicas=5)
    after["metadata"]["labels"] = {"tier": "front"}
    after["spec"]["template"]["spec"]["containers"].append({"name": "sidecar", "image": "busybox"})
    added, modified, removed = fieldpath.compare(before, after, DEPLOYMENT)
    assert paths(modified) == [".spec.replicas"]
    assert paths(removed) == [".metadata.labels.app"]
    assert paths(added) == [
        ".metadata.labels.tier",
        '.spec.template.spec.containers[name="sidecar"]',
        '.spec.template.spec.containers[name="sidecar"].image',
        '.spec.template.spec.containers[name="sidecar"].name',
    ]


def test_set_algebra_keeps_membership_and_the_encoding():
    a = {"f:spec": {"f:replicas": {}, "f:paused": {}}, "f:metadata": {"f:labels": {".": {}, "f:app": {}}}}
    b = {"f:spec": {"f:replicas": {}}, "f:metadata": {"f:labels": {"f:app": {}}}}
    assert fieldpath.intersection(a, b) == b
    assert fieldpath.difference(a, b) == {"f:spec": {"f:paused": {}}, "f:metadata": {"f:labels": {}}}
    assert fieldpath.union(b, {"f:spec": {"f:paused": {}}}) == {
        "f:spec": {"f:replicas": {}, "f:paused": {}},
        "f:metadata": {"f:labels": {"f:app": {}}},
    }
    assert list(fieldpath.canonical({"k:{}": {}, "f:b": {}, ".": {}, "f:a": {}})) == [".", "f:a", "f:b", "k:{}"]
