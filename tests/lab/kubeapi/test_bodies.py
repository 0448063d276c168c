"""Request bodies a hostile client might send are refused with a Status and change nothing."""

import pytest

from lab.kubeapi import handlers
from lab.models import proxy_for
from tests.engine.api.test_documents import laughs

ConfigMap = proxy_for("ConfigMap")

CONFIGMAPS = "/api/v1/namespaces/default/configmaps"


def refused(answer) -> tuple:
    code, status = answer
    return code, status["kind"], status["reason"], status["message"]


@pytest.mark.parametrize("levels", [8, 9])
def test_a_billion_laughs_is_refused_as_upstream_refuses_it(kube, levels):
    body = laughs(levels) + "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: laughs}\n"
    assert refused(kube("POST", CONFIGMAPS, body, "application/yaml")) == (
        400,
        "Status",
        "BadRequest",
        "error converting YAML to JSON: yaml: document contains excessive aliasing",
    )
    assert not ConfigMap.objects.filter(name="laughs").exists()


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        ("[" * 10_000 + "]" * 10_000, "application/json", "invalid character '[' exceeded max depth"),
        ('{"a":' * 10_000 + "1" + "}" * 10_000, "application/json", "invalid character '{' exceeded max depth"),
    ],
    ids=["array", "object"],
)
def test_json_nested_ten_thousand_deep_is_a_400_status(kube, body, content_type, message):
    assert refused(kube("POST", CONFIGMAPS, body, content_type)) == (
        400,
        "Status",
        "BadRequest",
        f"couldn't get version/kind; json parse error: {message}",
    )
    assert refused(kube("PATCH", f"{CONFIGMAPS}/anything", body, "application/merge-patch+json"))[:3] == (
        400,
        "Status",
        "BadRequest",
    )


@pytest.mark.parametrize("body", ["x: " + "[" * 10_000, "- " * 10_000], ids=["flow", "block"])
def test_yaml_nested_ten_thousand_deep_is_a_400_status(kube, body):
    code, kind, reason, message = refused(kube("POST", CONFIGMAPS, body, "application/yaml"))
    assert (code, kind, reason) == (400, "Status", "BadRequest")
    assert message.startswith("error converting YAML to JSON: yaml: ") and "exceeded max" in message


def test_an_unforeseen_failure_is_a_500_status_not_an_html_page(kube, monkeypatch):
    def broken(*args):
        raise KeyError("unforeseen")

    monkeypatch.setitem(handlers.COLLECTION_VERBS, "GET", broken)
    assert refused(kube("GET", CONFIGMAPS)) == (
        500,
        "Status",
        "InternalError",
        "Internal error occurred: the request failed",
    )
