"""The OpenAPI v3 documents over HTTP: the group versions with their hashes, and each one's operations and schemas."""

import hashlib
import json

import pytest

from cluster_engine.api import decoder
from lab.kubeapi import auth, kubeconfig

BASE = "/k8s/clusters/demo/openapi/v3"
SCHEMAS = "#/components/schemas/"


@pytest.fixture
def get(demo, client):
    header = "Bearer " + auth.issue_token(demo, kubeconfig.ensure_account(demo, "view"))[0]

    def fetch(path: str):
        return client.get(path, HTTP_AUTHORIZATION=header, secure=True)  # tokens count only over TLS

    return fetch


def _document(get, path: str) -> dict:
    response = get(f"{BASE}/{path}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def test_the_root_lists_each_group_version_with_the_hash_of_its_document(get):
    paths = _document(get, "")["paths"]
    assert {"api/v1", "apis/apps/v1", "apis/coordination.k8s.io/v1", "apis/kubelab.io/v1alpha1"} <= set(paths)
    url = paths["apis/apps/v1"]["serverRelativeURL"]
    assert url.startswith("/k8s/clusters/demo/openapi/v3/apis/apps/v1?hash=")
    body = get(url).content
    assert url.rpartition("=")[2] == hashlib.sha512(body).hexdigest().upper()


def test_a_kind_is_published_with_every_schema_it_references_in_v3_form(get):
    schemas = _document(get, "apis/apps/v1")["components"]["schemas"]
    deployment = schemas["io.k8s.api.apps.v1.Deployment"]
    assert deployment["x-kubernetes-group-version-kind"] == [{"group": "apps", "kind": "Deployment", "version": "v1"}]
    assert deployment["properties"]["spec"]["allOf"] == [{"$ref": SCHEMAS + "io.k8s.api.apps.v1.DeploymentSpec"}]
    strategy = schemas["io.k8s.api.apps.v1.DeploymentSpec"]["properties"]["strategy"]
    assert strategy["x-kubernetes-patch-strategy"] == "retainKeys"
    containers = schemas["io.k8s.api.core.v1.PodSpec"]["properties"]["containers"]
    assert containers["items"] == {"$ref": SCHEMAS + "io.k8s.api.core.v1.Container"}
    assert (containers["x-kubernetes-patch-merge-key"], containers["x-kubernetes-list-type"]) == ("name", "map")
    assert schemas["io.k8s.apimachinery.pkg.util.intstr.IntOrString"] == {
        "format": "int-or-string",
        "oneOf": [{"type": "integer"}, {"type": "string"}],
    }
    assert schemas["io.k8s.apimachinery.pkg.api.resource.Quantity"]["oneOf"] == [
        {"type": "string"},
        {"type": "number"},
    ]
    references = {reference.removeprefix(SCHEMAS) for reference in _all_values(schemas, "$ref")}
    assert references <= set(schemas)  # nothing dangles
    assert "io.k8s.api.core.v1.Service" not in schemas  # another group version's kind is not


def test_operations_declare_field_validation_and_the_patch_types_accepted(get):
    paths = _document(get, "api/v1")["paths"]
    pod = paths["/api/v1/namespaces/{namespace}/pods/{name}"]["patch"]
    assert pod["x-kubernetes-group-version-kind"] == {"group": "", "version": "v1", "kind": "Pod"}
    assert "fieldValidation" in {parameter["name"] for parameter in pod["parameters"]}
    assert "application/strategic-merge-patch+json" in pod["requestBody"]["content"]
    assert "/api/v1/nodes" in paths  # cluster-scoped
    own = _document(get, "apis/kubelab.io/v1alpha1")
    patch = own["paths"]["/apis/kubelab.io/v1alpha1/controlplanecomponents/{name}"]["patch"]
    assert "application/strategic-merge-patch+json" not in patch["requestBody"]["content"]  # as a custom resource
    assert set(own["components"]["schemas"]["io.kubelab.v1alpha1.ControlPlaneComponent"]["properties"]) == {
        "apiVersion", "kind", "metadata", "spec", "status",
    }  # fmt: skip


def test_the_served_schema_is_the_one_bodies_are_decoded_against(get):
    schemas = _document(get, "apis/kubelab.io/v1alpha1")["components"]["schemas"]
    declared = set(schemas["io.kubelab.v1alpha1.ControlPlaneComponent"]["properties"]["spec"]["properties"])
    body = {"metadata": {"name": "etcd-1"}, "spec": dict.fromkeys(declared, "x")}
    assert decoder.decoded("ControlPlaneComponent", body) is not None
    assert decoder.decoded("ControlPlaneComponent", {**body, "spec": {"undeclared": "x"}}) is None


def test_unknown_documents_are_404_and_strangers_401(get, client):
    assert get(f"{BASE}/apis/apps/v2").status_code == 404
    assert get(f"{BASE}/apis/nothing.example.com/v1").status_code == 404
    assert client.get(f"{BASE}/api/v1").status_code == 401


def _all_values(node, key: str):
    if isinstance(node, dict):
        for name, value in node.items():
            if name == key and isinstance(value, str):
                yield value
            else:
                yield from _all_values(value, key)
    elif isinstance(node, list):
        for item in node:
            yield from _all_values(item, key)
