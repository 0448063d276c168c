"""Upstream's write semantics over HTTP: what a DELETE answers per kind, DELETE on a collection, and dryRun=All on
every write verb and subresource (everything checked, nothing stored, so no watch event either)."""

import json

import pytest

from lab.apiserver import api_server_for
from lab.kubeapi import auth

from .conftest import bearer as conftest_bearer

pytestmark = pytest.mark.django_db(transaction=True)

CORE = "/k8s/clusters/demo/api/v1"
APPS = "/k8s/clusters/demo/apis/apps/v1"


def bearer(cluster, role=auth.ADMIN) -> dict:
    """A token of `role`, sent over TLS as kubectl sends it (the kube API ignores tokens sent in clear text)."""
    return {"HTTP_AUTHORIZATION": conftest_bearer(cluster, role), "secure": True}


def config_map(name: str, labels: dict | None = None) -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "labels": labels or {}}}


def revision(cluster) -> int:
    """The cluster's resourceVersion: unchanged means nothing was written and no watch event went out."""
    return api_server_for(cluster, operator=True).storage.resource_version()


def send(client, method: str, path: str, body=None, headers=None, content_type="application/json"):
    data = json.dumps(body) if body is not None else ""
    return getattr(client, method)(path, data, content_type=content_type, **(headers or {}))


@pytest.fixture
def admin(demo):
    return bearer(demo)


def test_delete_answers_the_object_for_registries_that_return_it_and_a_status_for_the_others(demo, client, admin):
    operator = api_server_for(demo, operator=True)
    operator.create("ConfigMap", config_map("settings"), "default")
    operator.create("ServiceAccount", {"metadata": {"name": "builder"}}, "default")
    service = client.delete(f"{CORE}/namespaces/default/services/web", **admin).json()
    assert (service["kind"], service["metadata"]["name"]) == ("Service", "web")
    account = client.delete(f"{CORE}/namespaces/default/serviceaccounts/builder", **admin).json()
    assert account["kind"] == "ServiceAccount"
    deployment = client.delete(f"{APPS}/namespaces/default/deployments/web", **admin).json()
    assert (deployment["kind"], deployment["status"], deployment["details"]["kind"]) == (
        "Status",
        "Success",
        "deployments",
    )
    assert deployment["details"]["group"] == "apps"
    settings = client.delete(f"{CORE}/namespaces/default/configmaps/settings", **admin).json()
    assert (settings["kind"], settings["details"]["name"]) == ("Status", "settings")


def test_delete_collection_deletes_what_the_selectors_match_and_answers_their_list(demo, client, admin):
    operator = api_server_for(demo, operator=True)
    for name, tier in (("a", "cache"), ("b", "cache"), ("c", "web")):
        operator.create("ConfigMap", config_map(name, {"tier": tier}), "default")
    before = revision(demo)
    dry = client.delete(f"{CORE}/namespaces/default/configmaps?labelSelector=tier%3Dcache&dryRun=All", **admin)
    assert [item["metadata"]["name"] for item in dry.json()["items"]] == ["a", "b"]
    assert revision(demo) == before
    answer = client.delete(f"{CORE}/namespaces/default/configmaps?labelSelector=tier%3Dcache", **admin)
    listed = answer.json()
    assert (answer.status_code, listed["kind"], listed["apiVersion"]) == (200, "ConfigMapList", "v1")
    assert [item["metadata"]["name"] for item in listed["items"]] == ["a", "b"]
    left = operator.list("ConfigMap", "default", label_selector="tier")[0]
    assert [item["metadata"]["name"] for item in left] == ["c"]
    by_field = client.delete(f"{CORE}/namespaces/default/configmaps?fieldSelector=metadata.name%3Dc", **admin).json()
    assert [item["metadata"]["name"] for item in by_field["items"]] == ["c"]


def test_delete_collection_is_a_verb_of_its_own_in_discovery_and_rbac(demo, client, admin):
    resources = {entry["name"]: entry["verbs"] for entry in client.get(CORE, **admin).json()["resources"]}
    assert resources["pods"] == ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
    assert "deletecollection" not in resources["namespaces"]
    refused = client.delete(f"{CORE}/namespaces", **admin)
    assert (refused.status_code, refused.json()["reason"]) == (405, "MethodNotAllowed")
    student = client.delete(f"{CORE}/namespaces/default/configmaps", **bearer(demo, auth.VIEW)).json()
    assert student["code"] == 403
    assert student["message"] == (
        'configmaps is forbidden: User "system:serviceaccount:default:kubelab-student" cannot deletecollection '
        'resource "configmaps" in API group "" in the namespace "default"'
    )


def test_dry_run_checks_every_write_and_subresource_and_stores_nothing(demo, client, admin):
    operator = api_server_for(demo, operator=True)
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p"},
        "spec": {"containers": [{"name": "c", "image": "nginx"}]},
    }
    operator.create("ServiceAccount", {"metadata": {"name": "default"}}, "default")
    operator.create("Pod", pod, "default")
    before = revision(demo)
    pods, web = f"{CORE}/namespaces/default/pods", f"{APPS}/namespaces/default/deployments/web"
    merge = "application/merge-patch+json"
    answers = [
        send(client, "post", f"{pods}?dryRun=All", {**pod, "metadata": {"name": "q"}}, admin),
        send(
            client,
            "put",
            f"{web}?dryRun=All",
            {**client.get(web, **admin).json(), "spec": {**client.get(web, **admin).json()["spec"], "replicas": 7}},
            admin,
        ),
        send(client, "patch", f"{web}?dryRun=All", {"spec": {"replicas": 5}}, admin, merge),
        send(client, "patch", f"{web}/scale?dryRun=All", {"spec": {"replicas": 6}}, admin, merge),
        send(client, "patch", f"{web}/status?dryRun=All", {"status": {"replicas": 9}}, admin, merge),
        send(client, "post", f"{pods}/p/binding?dryRun=All", {"target": {"name": "worker-1"}}, admin),
        send(
            client,
            "post",
            f"{pods}/p/eviction",
            {"metadata": {"name": "p"}, "deleteOptions": {"dryRun": ["All"]}},
            admin,
        ),
        client.delete(f"{pods}/p?dryRun=All", **admin),
        client.delete(f"{pods}?dryRun=All", **admin),
    ]
    assert [answer.status_code for answer in answers] == [201, 200, 200, 200, 200, 201, 201, 200, 200]
    assert answers[2].json()["spec"]["replicas"] == 5 and answers[3].json()["spec"]["replicas"] == 6
    assert revision(demo) == before
    assert operator.get("Deployment", "default", "web")["spec"]["replicas"] == 3
    assert not operator.get("Pod", "default", "p")["spec"].get("nodeName")
    invalid = send(client, "patch", f"{web}/scale?dryRun=All", {"spec": {"replicas": -1}}, admin, merge)
    assert invalid.status_code == 422
    bad = send(client, "post", f"{pods}?dryRun=Some", pod, admin)
    assert bad.json()["message"] == 'Invalid dry run value: "Some"; supported values: "All"'
