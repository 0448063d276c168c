"""The official `kubernetes` Python client against a live lab; and bad request bodies, refused as upstream does."""

import json

import pytest
import requests
from kubernetes import client, watch
from kubernetes.client.rest import ApiException

DEMO = "/k8s/clusters/demo"


def deployment(name: str, replicas: int = 1) -> dict:
    labels = {"app": name}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]},
            },
        },
    }


def test_create_patch_scale_watch_and_delete(api_client):
    apps = client.AppsV1Api(api_client)
    created = apps.create_namespaced_deployment("default", deployment("pyclient"))
    assert (created.metadata.name, created.spec.replicas, created.spec.strategy.type) == (
        "pyclient",
        1,
        "RollingUpdate",
    )
    patched = apps.patch_namespaced_deployment("pyclient", "default", {"metadata": {"labels": {"team": "blue"}}})
    assert patched.metadata.labels == {"team": "blue"}
    scaled = apps.patch_namespaced_deployment_scale("pyclient", "default", {"spec": {"replicas": 2}})
    assert (scaled.kind, scaled.spec.replicas, scaled.status.selector) == ("Scale", 2, "app=pyclient")
    version = apps.list_namespaced_deployment("default").metadata.resource_version
    apps.patch_namespaced_deployment("pyclient", "default", [{"op": "replace", "path": "/spec/replicas", "value": 3}])
    seen = []
    for event in watch.Watch().stream(
        apps.list_namespaced_deployment,
        "default",
        field_selector="metadata.name=pyclient",
        resource_version=version,
        timeout_seconds=30,
    ):
        seen.append((event["type"], event["object"].spec.replicas))
        if event["object"].spec.replicas == 3:
            break
    # the controllers may still be writing the scale to 2 (status) before the patch: those come first
    assert seen[-1] == ("MODIFIED", 3)
    assert {event_type for event_type, _ in seen} == {"MODIFIED"}
    apps.delete_namespaced_deployment("pyclient", "default")
    with pytest.raises(ApiException) as missing:
        apps.read_namespaced_deployment("pyclient", "default")
    assert missing.value.status == 404
    assert json.loads(missing.value.body)["message"] == 'deployments.apps "pyclient" not found'


def test_nodes_and_version_decode_into_the_clients_models(api_client):
    nodes = client.CoreV1Api(api_client).list_node().items
    assert nodes and all(node.status.node_info.kubelet_version == "v1.37.0" for node in nodes)
    assert len({node.status.node_info.boot_id for node in nodes}) == len(nodes)
    info = client.VersionApi(api_client).get_code()
    assert (info.git_version, info.major, info.minor, info.emulation_minor) == ("v1.37.0", "1", "37", "37")


def test_deletes_answer_what_the_client_models_expect(api_client):
    core = client.CoreV1Api(api_client)
    core.create_namespaced_service("default", {"metadata": {"name": "gone"}, "spec": {"ports": [{"port": 80}]}})
    deleted = core.delete_namespaced_service("gone", "default")
    assert (type(deleted).__name__, deleted.metadata.name) == ("V1Service", "gone")
    for name in ("one", "two"):
        core.create_namespaced_config_map("default", {"metadata": {"name": name, "labels": {"batch": "old"}}})
    core.delete_collection_namespaced_config_map("default", label_selector="batch=old", _preload_content=False)
    assert core.list_namespaced_config_map("default", label_selector="batch").items == []


def test_replication_controllers_list_scale_and_orphan_their_pods_by_default(api_client):
    core = client.CoreV1Api(api_client)
    labels = {"app": "pyrc"}
    body = {
        "apiVersion": "v1",
        "kind": "ReplicationController",
        "metadata": {"name": "pyrc"},
        "spec": {
            "replicas": 1,
            "template": {
                "metadata": {"labels": labels},
                "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]},
            },
        },
    }
    created = core.create_namespaced_replication_controller("default", body)
    assert (created.spec.selector, created.metadata.labels) == (labels, labels)  # defaulted from the template
    listed = core.list_namespaced_replication_controller("default", field_selector="metadata.name=pyrc")
    assert [(rc.kind or "ReplicationController", rc.metadata.name) for rc in listed.items] == [
        ("ReplicationController", "pyrc")
    ]
    scaled = core.patch_namespaced_replication_controller_scale("pyrc", "default", {"spec": {"replicas": 2}})
    assert (scaled.kind, scaled.spec.replicas, scaled.status.selector) == ("Scale", 2, "app=pyrc")
    assert core.read_namespaced_replication_controller("pyrc", "default").spec.replicas == 2
    listing = core.list_namespaced_pod("default", label_selector="app=pyrc")
    owned = {pod.metadata.name for pod in listing.items}
    stream = watch.Watch().stream(
        core.list_namespaced_pod,
        "default",
        label_selector="app=pyrc",
        resource_version=listing.metadata.resource_version,
        timeout_seconds=30,
    )
    for event in stream if len(owned) < 2 else ():
        owned.add(event["object"].metadata.name)
        if len(owned) == 2:
            break
    assert len(owned) == 2
    # v1's default garbage collection policy for a ReplicationController orphans its pods
    version = core.list_namespaced_pod("default", label_selector="app=pyrc").metadata.resource_version
    core.delete_namespaced_replication_controller("pyrc", "default")
    released = set()
    for event in watch.Watch().stream(
        core.list_namespaced_pod, "default", label_selector="app=pyrc", resource_version=version, timeout_seconds=30
    ):
        if not event["object"].metadata.owner_references:
            released.add(event["object"].metadata.name)
        if released == owned:
            break
    assert released == owned
    for name in owned:
        core.delete_namespaced_pod(name, "default")


def post(lab, credentials, path: str, body: bytes, content_type: str = "application/json") -> requests.Response:
    token, ca = credentials
    headers = {"Authorization": f"Bearer {token}", "Content-Type": content_type}
    return requests.post(lab.base + DEMO + path, data=body, headers=headers, verify=ca, timeout=30)


DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments"


@pytest.mark.parametrize(
    ("body", "content_type", "code", "reason", "message"),
    [
        (b'{"apiVersion": "apps/v1", "kind": "Deployment", ', "application/json", 400, "BadRequest",
         "couldn't get version/kind; json parse error: unexpected end of JSON input"),
        (b"kind: Deployment\nmetadata: [unclosed\n", "application/yaml", 400, "BadRequest",
         "error converting YAML to JSON: yaml: line 3: did not find expected ',' or ']'"),
        (json.dumps({**deployment("typed"), "spec": {**deployment("typed")["spec"], "replicas": "three"}}).encode(),
         "application/json", 400, "BadRequest", None),
        (json.dumps(deployment("negative", replicas=-1)).encode(), "application/json", 422, "Invalid",
         'Deployment.apps "negative" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0'),
        (json.dumps({**deployment("unknown"), "colour": "blue"}).encode(), "application/json", 400, "BadRequest",
         'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "colour"'),
        (b"x" * (3 * 1024 * 1024 + 1), "application/json", 413, "RequestEntityTooLarge",
         "Request entity too large: limit is 3145728"),
    ],
    ids=["invalid-json", "invalid-yaml", "wrong-type", "negative-replicas", "unknown-field", "oversized"],
)  # fmt: skip
def test_bad_bodies_are_refused_and_change_nothing(lab, credentials, body, content_type, code, reason, message):
    token, ca = credentials
    listing = requests.get(lab.base + DEMO + DEPLOYMENTS, headers={"Authorization": f"Bearer {token}"}, verify=ca)
    before = listing.json()["metadata"]["resourceVersion"]
    response = post(lab, credentials, DEPLOYMENTS + "?fieldValidation=Strict", body, content_type)  # kubectl's
    status = response.json()
    assert (response.status_code, status["kind"], status["status"], status["reason"], status["code"]) == (
        code, "Status", "Failure", reason, code,
    )  # fmt: skip
    if message is not None:
        assert status["message"] == message
    names = [
        item["metadata"]["name"]
        for item in requests.get(
            lab.base + DEMO + DEPLOYMENTS, headers={"Authorization": f"Bearer {token}"}, verify=ca
        ).json()["items"]
    ]
    assert not {"typed", "negative", "unknown"} & set(names)
    assert int(before) > 0


def test_requests_without_a_valid_token_are_unauthorized(lab, credentials):
    _, ca = credentials
    for headers in ({}, {"Authorization": "Bearer forged.token"}):
        response = requests.get(lab.base + DEMO + "/api/v1/pods", headers=headers, verify=ca, timeout=30)
        assert response.status_code == 401
        assert response.json() == {
            "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": "Unauthorized", "reason": "Unauthorized", "code": 401,
        }  # fmt: skip
