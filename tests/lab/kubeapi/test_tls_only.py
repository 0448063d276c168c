"""Bearer tokens count only over TLS: on the pages' plain-HTTP port a request with a valid token is unauthenticated."""

import json

import pytest

from lab.models import proxy_for

ConfigMap = proxy_for("ConfigMap")

CONFIGMAPS = "/api/v1/namespaces/default/configmaps"
UNAUTHORIZED = (401, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                      "message": "Unauthorized", "reason": "Unauthorized", "code": 401})  # fmt: skip
BODY = json.dumps({"metadata": {"name": "clear-text"}, "data": {"a": "b"}})


@pytest.fixture
def kept(kube):
    assert kube("POST", CONFIGMAPS, BODY)[0] == 201
    return ConfigMap.objects.get(name="clear-text")


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", CONFIGMAPS, ""),
        ("GET", f"{CONFIGMAPS}/clear-text", ""),
        ("POST", CONFIGMAPS, json.dumps({"metadata": {"name": "another"}})),
        ("PATCH", f"{CONFIGMAPS}/clear-text", json.dumps({"data": {"a": "changed"}})),
        ("DELETE", f"{CONFIGMAPS}/clear-text", ""),
    ],
)
def test_a_token_over_plain_http_is_no_credential(kube, kept, method, path, body):
    content_type = "application/merge-patch+json" if method == "PATCH" else "application/json"
    assert kube(method, path, body, content_type, secure=False) == UNAUTHORIZED
    assert ConfigMap.objects.get(name="clear-text").resource_version == kept.resource_version
    assert not ConfigMap.objects.filter(name="another").exists()
    assert kube(method, path, body, content_type)[0] in (200, 201)  # the same request over TLS is served


def test_openapi_needs_the_token_over_tls_too(kube):
    assert kube("GET", "/openapi/v3", secure=False) == UNAUTHORIZED
    assert kube("GET", "/openapi/v3")[0] == 200
