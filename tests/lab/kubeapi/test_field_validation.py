"""fieldValidation over HTTP: Strict refuses unknown and repeated fields all at once, Warn (the default) accepts the
body without them and warns of each, Ignore drops them silently; on create, update and every patch type."""

import json

import pytest

from lab.apiserver import api_server_for

from .test_write_semantics import APPS, bearer, revision

pytestmark = pytest.mark.django_db(transaction=True)

WEB = f"{APPS}/namespaces/default/deployments/web"
UNKNOWN = {"spec": {"foo": 1, "template": {"spec": {"containers": [{"name": "nginx", "colour": "blue"}]}}}}


def patch(client, path: str, body: str, headers: dict, content_type="application/strategic-merge-patch+json"):
    return client.patch(path, body, content_type=content_type, **headers)


@pytest.fixture
def admin(demo):
    return bearer(demo)


def test_strict_refuses_every_unknown_and_repeated_field_in_one_error_and_changes_nothing(demo, client, admin):
    before = revision(demo)
    body = '{"spec": {"replicas": 2, "replicas": 4, "foo": 1, "template": {"spec": {"containers": [{"name": "nginx", "colour": "blue"}]}}}}'
    refused = patch(client, f"{WEB}?fieldValidation=Strict", body, admin)
    assert (refused.status_code, refused.json()["reason"]) == (400, "BadRequest")
    assert refused.json()["message"] == (
        'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: '
        'duplicate field "spec.replicas", unknown field "spec.foo", '
        'unknown field "spec.template.spec.containers[0].colour"'
    )
    assert revision(demo) == before


@pytest.mark.parametrize("query", ["?fieldValidation=Warn", ""])
def test_warn_drops_unknown_fields_and_warns_of_each(demo, client, admin, query):
    answer = patch(client, WEB + query, json.dumps(UNKNOWN), admin)
    assert answer.status_code == 200
    assert answer["Warning"] == (
        '299 - "unknown field \\"spec.foo\\"", 299 - "unknown field \\"spec.template.spec.containers[0].colour\\""'
    )
    stored = api_server_for(demo, operator=True).get("Deployment", "default", "web")
    assert "foo" not in stored["spec"] and "colour" not in stored["spec"]["template"]["spec"]["containers"][0]


def test_warn_keeps_the_last_of_a_repeated_field_on_create(demo, client, admin):
    body = (
        '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "twice"}, '
        '"data": {"a": "1"}, "data": {"a": "2"}}'
    )
    created = client.post("/k8s/clusters/demo/api/v1/namespaces/default/configmaps", body, "application/json", **admin)
    assert (created.status_code, created.json()["data"]) == (201, {"a": "2"})
    assert created["Warning"] == '299 - "duplicate field \\"data\\""'


def test_ignore_drops_them_silently_on_update(demo, client, admin):
    current = client.get(WEB, **admin).json()
    current["spec"]["bar"] = True
    answer = client.put(f"{WEB}?fieldValidation=Ignore", json.dumps(current), "application/json", **admin)
    assert answer.status_code == 200 and "Warning" not in answer
    assert "bar" not in api_server_for(demo, operator=True).get("Deployment", "default", "web")["spec"]


def test_an_unknown_directive_is_refused_as_upstream_validates_the_options(demo, client, admin):
    refused = patch(client, f"{WEB}?fieldValidation=Loose", "{}", admin)
    assert refused.status_code == 422
    assert refused.json()["message"] == (
        'PatchOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Loose": '
        'supported values: "", "Ignore", "Strict", "Warn"'
    )
