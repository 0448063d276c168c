"""Server-side apply through the official Python client, and apply requests the API server refuses as upstream."""

import json

import pytest
import requests
from kubernetes import client, utils
from kubernetes.client.rest import ApiException
from kubernetes.dynamic import DynamicClient

from .test_python_client import DEMO, DEPLOYMENTS, deployment


def test_create_from_yaml_applies_server_side(api_client):
    manifest = deployment("pyapply", replicas=2)
    ((applied,),) = utils.create_from_yaml(api_client, yaml_objects=[manifest], apply=True)
    assert (applied.metadata.name, applied.spec.replicas) == ("pyapply", 2)
    manifest["spec"]["replicas"] = 3
    utils.create_from_yaml(api_client, yaml_objects=[manifest], apply=True)
    read = client.AppsV1Api(api_client).read_namespaced_deployment("pyapply", "default")
    assert read.spec.replicas == 3
    managers = {(entry.manager, entry.operation) for entry in read.metadata.managed_fields}
    assert ("python-client", "Apply") in managers


def test_a_conflicting_raw_apply_is_a_409_listing_the_conflicts(api_client):
    apps = client.AppsV1Api(api_client)
    apps.create_namespaced_deployment("default", deployment("pyconflict"), field_manager="lesson-setup")
    body = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "pyconflict"}, "spec": {"replicas": 4}}
    deployments = DynamicClient(api_client).resources.get(api_version="apps/v1", kind="Deployment")
    with pytest.raises(ApiException) as refused:
        deployments.server_side_apply(body=body, namespace="default", field_manager="student")
    status = json.loads(refused.value.body)
    assert (refused.value.status, status["reason"]) == (409, "Conflict")
    assert status["message"] == (
        'Apply failed with 1 conflict: conflict with "lesson-setup" using apps/v1: .spec.replicas'
    )
    assert status["details"]["causes"] == [
        {"reason": "FieldManagerConflict", "message": 'conflict with "lesson-setup" using apps/v1',
         "field": ".spec.replicas"}
    ]  # fmt: skip
    forced = deployments.server_side_apply(
        body=body, namespace="default", field_manager="student", force_conflicts=True
    )
    assert forced.spec.replicas == 4


def patch(lab, credentials, path: str, body: str, content_type: str, **query) -> requests.Response:
    token, ca = credentials
    headers = {"Authorization": f"Bearer {token}", "Content-Type": content_type}
    return requests.patch(lab.base + DEMO + path, data=body, headers=headers, params=query, verify=ca, timeout=30)


@pytest.mark.parametrize(
    ("content_type", "query", "message"),
    [
        ("application/apply-patch+yaml", {},
         'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch'),
        ("application/merge-patch+json", {"force": "true"},
         'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch'),
        ("application/apply-patch+yaml", {"fieldManager": "m" * 129},
         'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Too long: must have at most 128 bytes'),
    ],
    ids=["apply-without-manager", "force-without-apply", "manager-too-long"],
)  # fmt: skip
def test_bad_patch_options_are_refused(lab, credentials, content_type, query, message):
    body = json.dumps({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "never"}})
    response = patch(lab, credentials, DEPLOYMENTS + "/never", body, content_type, **query)
    assert (response.status_code, response.json()["reason"], response.json()["message"]) == (422, "Invalid", message)


def test_a_write_without_field_manager_is_owned_by_the_user_agents_first_part(api_client):
    apps = client.AppsV1Api(api_client)
    created = apps.create_namespaced_deployment("default", deployment("pyagent"))
    ((entry,),) = [created.metadata.managed_fields]
    # the client's User-Agent is "OpenAPI-Generator/<version>/python"
    assert (entry.manager, entry.operation) == ("OpenAPI-Generator", "Update")
    assert entry.fields_v1["f:spec"]["f:template"]["f:spec"]["f:containers"]['k:{"name":"app"}']["."] == {}
