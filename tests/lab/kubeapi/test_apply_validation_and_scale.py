"""Server-side apply over HTTP: fieldValidation settles keys an apply patch repeats as upstream's applyPatcher does
(after the merge, in go-yaml's words), and the scale subresource takes apply patches, answering with the Scale."""

import json

import pytest

from lab.apiserver import api_server_for

from .test_write_semantics import APPS, bearer, revision

pytestmark = pytest.mark.django_db(transaction=True)

WEB = f"{APPS}/namespaces/default/deployments/web"
APPLY = "application/apply-patch+yaml"
# upstream's field validation test body (test/integration/apiserver/apply): keys repeated on lines 10 and 27
REPEATED = """{
  "apiVersion": "apps/v1",
  "kind": "Deployment",
  "metadata": {
    "name": "twice",
    "labels": {"app": "nginx"}
  },
  "spec": {
    "paused": false,
    "paused": true,
    "selector": {
      "matchLabels": {
        "app": "nginx"
      }
    },
    "template": {
      "metadata": {
        "labels": {
          "app": "nginx"
        }
      },
      "spec": {
        "containers": [{
          "name":  "nginx",
          "image": "nginx:latest",
          "imagePullPolicy": "Never",
          "imagePullPolicy": "Always"
        }]
      }
    }
  }
}"""
LINES = ['line 10: key "paused" already set in map', 'line 27: key "imagePullPolicy" already set in map']
TWICE = f"{APPS}/namespaces/default/deployments/twice"


@pytest.fixture
def admin(demo):
    """An admin's headers, made before a test reads the revision (issuing the token writes its account)."""
    return bearer(demo)


def stored(demo, name: str):
    return api_server_for(demo, operator=True).get("Deployment", "default", name)


def test_strict_refuses_repeated_keys_in_go_yamls_words_and_creates_nothing(demo, client, admin):
    before = revision(demo)
    refused = client.patch(f"{TWICE}?fieldManager=mgr&fieldValidation=Strict", REPEATED, APPLY, **admin)
    assert (refused.status_code, refused.json()["reason"]) == (400, "BadRequest")
    assert refused.json()["message"] == (
        "error strict decoding YAML: error converting YAML to JSON: yaml: unmarshal errors:\n  " + "\n  ".join(LINES)
    )
    assert revision(demo) == before


@pytest.mark.parametrize("query", ["&fieldValidation=Warn", ""])
def test_warn_applies_the_last_value_and_warns_of_each_repeated_key(demo, client, admin, query):
    created = client.patch(f"{TWICE}?fieldManager=mgr{query}", REPEATED, APPLY, **admin)
    assert created.status_code == 201
    assert created["Warning"] == ", ".join(f"299 - {json.dumps(line)}" for line in LINES)
    deployment = stored(demo, "twice")
    assert deployment["spec"]["paused"] is True
    assert deployment["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] == "Always"


def test_ignore_applies_without_a_word(demo, client, admin):
    created = client.patch(f"{TWICE}?fieldManager=mgr&fieldValidation=Ignore", REPEATED, APPLY, **admin)
    assert created.status_code == 201
    assert "Warning" not in created


def test_a_conflict_is_answered_before_the_repeated_keys(demo, client, admin):
    body = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 7\n  replicas: 9\n"
    refused = client.patch(f"{WEB}?fieldManager=mgr&fieldValidation=Strict", body, APPLY, **admin)
    assert (refused.status_code, refused.json()["reason"]) == (409, "Conflict")
    assert refused.json()["message"].startswith("Apply failed with 1 conflict")


SCALE = "apiVersion: autoscaling/v1\nkind: Scale\nmetadata:\n  name: web\nspec:\n  replicas: {replicas}\n"


def test_apply_through_scale_conflicts_then_forced_owns_the_parents_replicas(demo, client, admin):
    before = revision(demo)
    owner = stored(demo, "web")["metadata"]["managedFields"][0]["manager"]
    refused = client.patch(f"{WEB}/scale?fieldManager=hpa", SCALE.format(replicas=5), APPLY, **admin)
    assert refused.status_code == 409
    assert refused.json()["message"] == (
        f'Apply failed with 1 conflict: conflict with "{owner}" using apps/v1: .spec.replicas'
    )
    assert revision(demo) == before
    forced = client.patch(f"{WEB}/scale?fieldManager=hpa&force=true", SCALE.format(replicas=5), APPLY, **admin)
    assert forced.status_code == 200
    assert (forced.json()["kind"], forced.json()["spec"]) == ("Scale", {"replicas": 5})
    deployment = stored(demo, "web")
    assert deployment["spec"]["replicas"] == 5
    entries = {(e["manager"], e["operation"], e.get("subresource")): e for e in deployment["metadata"]["managedFields"]}
    assert entries["hpa", "Apply", "scale"]["fieldsV1"] == {"f:spec": {"f:replicas": {}}}
    assert all("f:replicas" not in (e["fieldsV1"].get("f:spec") or {}) for k, e in entries.items() if k[0] != "hpa")


@pytest.mark.parametrize(
    "body, status, message",
    [
        (
            SCALE.format(replicas=3).replace("autoscaling/v1", "apps/v1"),
            400,
            "Incorrect version specified in apply patch. Specified patch version: apps/v1, expected: autoscaling/v1",
        ),
        (
            SCALE.format(replicas=-1),
            422,
            'Scale.autoscaling "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
        ),
        (
            SCALE.format(replicas=2).replace("name: web", "name: other"),
            400,
            "the name of the object (other) does not match the name on the URL (web)",
        ),
    ],
)
def test_a_bad_scale_apply_is_refused_and_changes_nothing(demo, client, admin, body, status, message):
    before = revision(demo)
    refused = client.patch(f"{WEB}/scale?fieldManager=hpa&force=true", body, APPLY, **admin)
    assert (refused.status_code, refused.json()["message"]) == (status, message)
    assert revision(demo) == before


def test_scale_apply_needs_a_field_manager(demo, client, admin):
    refused = client.patch(f"{WEB}/scale", SCALE.format(replicas=2), APPLY, **admin)
    assert (refused.status_code, refused.json()["reason"]) == (422, "Invalid")
    assert "fieldManager: Required value: is required for apply patch" in refused.json()["message"]
