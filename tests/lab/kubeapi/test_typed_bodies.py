"""The bodies of options, subresources and reviews are decoded as upstream's Go types: a value of the wrong type is a
400 Status naming the field, never a 500, and changes nothing."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cluster_engine import openapi
from lab.apiserver import api_server_for
from lab.models import Cluster

DEPLOYMENT_SCALE = "/apis/apps/v1/namespaces/default/deployments/web/scale"
TOKEN = "/api/v1/namespaces/default/serviceaccounts/default/token"
ACCESS_REVIEWS = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"
REVIEWS = "/apis/authentication.k8s.io/v1/selfsubjectreviews"


@pytest.fixture(autouse=True)
def default_account(demo):
    """The account a pod runs as and a TokenRequest names (the control plane, not running here, would make it)."""
    account = {"metadata": {"name": "default", "namespace": "default"}}
    api_server_for(demo, operator=True).create("ServiceAccount", account)


def version(demo) -> int:
    return Cluster.objects.get(pk=demo.pk).resource_version


def a_pod(demo) -> str:
    """A pending pod to bind; made again whenever an accepted request has removed it."""
    return existing(demo, "Pod", {"name": "pending"}, {"containers": [{"name": "app", "image": "nginx"}]})


def a_running_pod(demo) -> str:
    """A pod on a node, which terminates gracefully when deleted or evicted."""
    spec = {"nodeName": "worker-1", "containers": [{"name": "app", "image": "nginx"}]}
    return existing(demo, "Pod", {"name": "running"}, spec)


def a_config_map(demo) -> str:
    return existing(demo, "ConfigMap", {"name": "settings"}, None)


def existing(demo, kind: str, metadata: dict, spec: dict | None) -> str:
    server = api_server_for(demo, operator=True)
    if server.storage.get(kind, "default", metadata["name"]) is None:
        server.create(kind, {"metadata": {**metadata, "namespace": "default"}, **({"spec": spec} if spec else {})})
    return metadata["name"]


def expect_bad_request(kube, demo, method, path, body, message):
    before = version(demo)
    code, status = kube(method, path, json.dumps(body))
    assert (code, status["kind"], status["reason"], status["message"]) == (400, "Status", "BadRequest", message)
    assert version(demo) == before


def test_delete_options_of_the_wrong_type(kube, demo):
    expect_bad_request(
        kube, demo, "DELETE", "/apis/apps/v1/namespaces/default/deployments/web", {"preconditions": "x"},
        "json: cannot unmarshal string into Go struct field DeleteOptions.preconditions of type v1.Preconditions",
    )  # fmt: skip
    expect_bad_request(
        kube, demo, "DELETE", "/apis/apps/v1/namespaces/default/deployments/web", {"dryRun": "All"},
        "json: cannot unmarshal string into Go struct field DeleteOptions.dryRun of type []string",
    )  # fmt: skip


def test_an_access_review_whose_spec_is_not_an_object(kube, demo):
    expect_bad_request(
        kube, demo, "POST", ACCESS_REVIEWS, {"spec": "x"},
        'SelfSubjectAccessReview in version "v1" cannot be handled as a SelfSubjectAccessReview: json: cannot '
        "unmarshal string into Go struct field SelfSubjectAccessReview.spec of type v1.SelfSubjectAccessReviewSpec",
    )  # fmt: skip


def test_a_binding_whose_target_is_not_an_object(kube, demo):
    expect_bad_request(
        kube, demo, "POST", f"/api/v1/namespaces/default/pods/{a_pod(demo)}/binding", {"target": "x"},
        'Binding in version "v1" cannot be handled as a Binding: json: cannot unmarshal string into Go struct field '
        "Binding.target of type v1.ObjectReference",
    )  # fmt: skip


def test_a_token_request_past_int64(kube, demo):
    expect_bad_request(
        kube, demo, "POST", TOKEN, {"spec": {"expirationSeconds": 2**63}},
        'TokenRequest in version "v1" cannot be handled as a TokenRequest: json: cannot unmarshal number '
        "9223372036854775808 into Go struct field TokenRequestSpec.spec.expirationSeconds of type int64",
    )  # fmt: skip


def test_a_token_request_past_two_to_the_32_seconds_is_invalid(kube, demo):
    code, status = kube("POST", TOKEN, json.dumps({"spec": {"expirationSeconds": 2**32 + 1}}))
    assert (code, status["reason"], status["message"]) == (
        422,
        "Invalid",
        'TokenRequest.authentication.k8s.io "default" is invalid: spec.expirationSeconds: Invalid value: 4294967297: '
        "may not specify a duration larger than 2^32 seconds",
    )
    assert status["details"]["causes"] == [
        {
            "reason": "FieldValueInvalid",
            "message": "Invalid value: 4294967297: may not specify a duration larger than 2^32 seconds",
            "field": "spec.expirationSeconds",
        }
    ]
    assert kube("POST", TOKEN, json.dumps({"spec": {"expirationSeconds": 2**32}}))[0] == 201


# ---- every field of every such body, given garbage of every JSON type ---------------------------------------
garbage = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.sampled_from([-1, 0, 2**31, 2**32 + 1, 2**62, 2**63 - 1, 2**63, -(2**63) - 1]),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=8),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=6,
)


def field_paths(definition: str, depth: int = 3) -> list[tuple[str, ...]]:
    """Every field of an upstream type down to `depth`, as key paths: ("spec",), ("spec", "expirationSeconds"), ..."""
    paths = []

    def walk(schema: dict, prefix: tuple[str, ...]):
        schema = openapi.resolve(schema)
        if len(prefix) >= depth:
            return
        for name, child in (schema.get("properties") or {}).items():
            paths.append((*prefix, name))
            walk(child, (*prefix, name))

    walk(openapi.definitions()[definition], ())
    return paths


def at(path: tuple[str, ...], value) -> dict:
    body = value
    for key in reversed(path):
        body = {key: body}
    return body


ENDPOINTS = [  # (method, path, content type, upstream type of the body)
    ("DELETE", "/api/v1/namespaces/default/configmaps/{config_map}", "application/json",
     "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions"),
    ("DELETE", "/api/v1/namespaces/default/pods/{running}", "application/json",
     "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions"),
    ("PUT", DEPLOYMENT_SCALE, "application/json", "io.k8s.api.autoscaling.v1.Scale"),
    ("PATCH", DEPLOYMENT_SCALE, "application/merge-patch+json", "io.k8s.api.autoscaling.v1.Scale"),
    ("POST", "/api/v1/namespaces/default/pods/{running}/eviction", "application/json",
     "io.k8s.api.policy.v1.Eviction"),
    ("POST", "/api/v1/namespaces/default/pods/{pod}/binding", "application/json", "io.k8s.api.core.v1.Binding"),
    ("POST", TOKEN, "application/json", "io.k8s.api.authentication.v1.TokenRequest"),
    ("POST", ACCESS_REVIEWS, "application/json", "io.k8s.api.authorization.v1.SelfSubjectAccessReview"),
    ("POST", REVIEWS, "application/json", "io.k8s.api.authentication.v1.SelfSubjectReview"),
]  # fmt: skip
TARGETS = [(*endpoint, path) for endpoint in ENDPOINTS for path in field_paths(endpoint[3])]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(target=st.sampled_from(TARGETS), value=garbage)
@pytest.mark.parametrize("whole_body", [False, True], ids=["at-a-field", "as-the-body"])
def test_garbage_at_any_field_gets_a_status_never_a_500(kube, demo, whole_body, target, value):
    method, path, content_type, _definition, field = target
    body = value if whole_body else at(field, value)
    path = path.format(pod=a_pod(demo), running=a_running_pod(demo), config_map=a_config_map(demo))
    before = version(demo)
    code, answer = kube(method, path, json.dumps(body), content_type)
    assert code < 500, answer
    if code >= 400:
        assert (answer["kind"], answer["status"], answer["code"]) == ("Status", "Failure", code)
        assert version(demo) == before
