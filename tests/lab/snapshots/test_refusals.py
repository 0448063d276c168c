"""A bad snapshot is refused with a Kubernetes-style Status naming what is wrong, and nothing is created."""

import pytest
import yaml

from cluster_engine.api.errors import ApiError
from lab.kubeapi.auth import ROLE_ANNOTATION
from lab.models import Cluster, KubeObject
from lab.snapshots.export import export_cluster
from lab.snapshots.reading import MAX_SNAPSHOT_BYTES, import_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(demo):
    return yaml.safe_load(export_cluster(demo))


def index_of(document, kind, name):
    return next(
        index
        for index, item in enumerate(document["items"])
        if item["kind"] == kind and item["metadata"]["name"] == name
    )


def refused(content) -> ApiError:
    clusters, objects = Cluster.objects.count(), KubeObject.objects.count()
    text = content if isinstance(content, (str, bytes)) else yaml.safe_dump(content)
    with pytest.raises(ApiError) as caught:
        import_snapshot("imported", text)
    assert (Cluster.objects.count(), KubeObject.objects.count()) == (clusters, objects)
    assert not Cluster.objects.filter(name="imported").exists()
    return caught.value


def test_text_that_is_not_yaml(demo):
    error = refused("items: [unclosed\n  - {")
    assert error.code == 400 and error.message.startswith("error converting YAML to JSON:")


def test_a_document_that_is_not_a_list(document):
    pod = document["items"][index_of(document, "Namespace", "default")]
    error = refused(pod)
    assert error.code == 400
    assert error.message == "a snapshot is a v1 List (apiVersion: v1, kind: List, items: [...]), not Namespace"


def test_an_item_of_a_kind_the_lab_does_not_serve(document):
    document["items"].append({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}})
    error = refused(document)
    index = len(document["items"]) - 1
    assert error.message == f'items[{index}]: no matches for kind "Widget" in version "example.com/v1"'


def test_an_invalid_object_is_named_by_its_item(document):
    index = index_of(document, "Deployment", "web")
    document["items"][index]["spec"]["replicas"] = -1
    error = refused(document)
    assert error.code == 422 and error.reason == "Invalid"
    assert error.message == (
        f'items[{index}]: Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: '
        "must be greater than or equal to 0"
    )


def test_an_unknown_field_is_refused_as_strict_decoding_refuses_it(document):
    index = index_of(document, "Service", "web")
    document["items"][index]["spec"]["colour"] = "blue"
    error = refused(document)
    assert error.code == 400 and error.message.startswith(f"items[{index}]: Service in version")
    assert 'unknown field "spec.colour"' in error.message


def test_two_objects_with_one_name(document):
    index = index_of(document, "Service", "web")
    document["items"].append(document["items"][index])
    error = refused(document)
    assert error.code == 409
    assert error.message == f'items[{len(document["items"]) - 1}]: services "web" already exists'


def test_an_object_in_a_namespace_the_snapshot_lacks(document):
    index = index_of(document, "Service", "web")
    document["items"][index]["metadata"]["namespace"] = "shop"
    error = refused(document)
    assert error.message == f'items[{index}]: namespaces "shop" not found'


def test_an_object_without_what_the_server_set_when_it_was_stored(document):
    index = index_of(document, "Service", "web")
    del document["items"][index]["metadata"]["uid"]
    error = refused(document)
    assert error.message == f'items[{index}]: Service "web" is invalid: metadata.uid: Required value'


def test_a_header_without_the_clock(document):
    del document["items"][0]["data"]["now"]
    document["items"][0]["data"]["topology"] = "ring"
    error = refused(document)
    assert error.message == (
        'items[0]: ConfigMap "kubelab-snapshot" is invalid: [data.now: Required value, '
        'data.topology: Unsupported value: "ring": supported values: "single", "ha"]'
    )


def test_a_list_without_the_header_is_not_a_snapshot(document):
    del document["items"][0]
    error = refused(document)
    assert error.code == 400 and 'has no ConfigMap "kube-system/kubelab-snapshot"' in error.message


def test_a_file_past_the_size_limit(demo):
    error = refused(b"#" * (MAX_SNAPSHOT_BYTES + 1))
    assert (error.code, error.reason) == (413, "RequestEntityTooLarge")


def test_a_name_already_taken_or_not_a_dns_label(demo):
    text = export_cluster(demo)
    with pytest.raises(ApiError) as caught:
        import_snapshot("demo", text)
    assert (caught.value.code, caught.value.message) == (409, 'clusters "demo" already exists')
    with pytest.raises(ApiError) as caught:
        import_snapshot("Big_Name", text)
    assert caught.value.code == 422 and caught.value.message.startswith('clusters "Big_Name" is invalid:')
    assert Cluster.objects.count() == 1


def test_an_account_carrying_a_lab_access_role_is_not_imported(document):
    """Were it imported, the lab would issue every visitor's kubeconfig for that account, with its role."""
    account = {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {
            "name": "kubelab-student",
            "namespace": "default",
            "uid": "6a0f7e34-5d0c-4c1e-9d59-2f6f3c0f0b11",
            "creationTimestamp": "2026-01-01T00:00:00Z",
            "annotations": {ROLE_ANNOTATION: "admin"},
        },
    }
    document["items"].append(account)
    error = refused(document)
    assert error.message == (
        f'items[{len(document["items"]) - 1}]: ServiceAccount "kubelab-student" is invalid: '
        "metadata.annotations[kubelab.io/role]: Forbidden: the lab grants kubectl access to each cluster itself; "
        "it is not imported"
    )


def test_items_that_are_not_objects_or_name_no_kind(document):
    document["items"].append(3)
    assert refused(document).message.endswith("]: an item must be an object (apiVersion, kind, metadata, ...), not 3")
    document["items"][-1] = {"apiVersion": "v1", "metadata": {"name": "x"}}
    assert refused(document).message == f"items[{len(document['items']) - 1}]: Object 'Kind' is missing"
