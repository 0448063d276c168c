"""`kubectl apply -f` of a `kind: List`, the file `kubectl get deployment,service -o yaml` writes: kubectl validates a
List itself against /openapi/v2 (in gnostic's protobuf), so the file applies, and a typo in it is kubectl's own
ValidationError, as against a real cluster."""

import yaml


def _run(kubectl, *args: str, stdin: str | None = None) -> str:
    done = kubectl(*args, stdin=stdin)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_list_written_by_get_applies_with_and_without_server_dry_run(kubectl):
    _run(kubectl, "create", "deployment", "listed", "--image=nginx:1.25")
    _run(kubectl, "expose", "deployment", "listed", "--port=80")
    _run(kubectl, "rollout", "status", "deployment", "listed", "--timeout=60s")  # its status settles before `get`
    written = _run(kubectl, "get", "deployment,service", "listed", "-o", "yaml")
    assert yaml.safe_load(written)["kind"] == "List"

    fetched = kubectl("apply", "--dry-run=server", "-f", "-", "-v=6", stdin=written)
    assert fetched.returncode == 0, fetched.stderr
    assert fetched.stdout.splitlines() == [
        "deployment.apps/listed configured (server dry run)",
        "service/listed configured (server dry run)",
    ]
    assert '/openapi/v2?timeout=32s" status="200 OK"' in fetched.stderr
    assert _run(kubectl, "apply", "-f", "-", stdin=written).splitlines() == [
        "deployment.apps/listed configured",
        "service/listed configured",
    ]

    _run(kubectl, "delete", "deployment,service", "listed")
    assert _run(kubectl, "apply", "--dry-run=server", "-f", "-", stdin=written).splitlines() == [
        "deployment.apps/listed created (server dry run)",
        "service/listed created (server dry run)",
    ]
    assert kubectl("get", "deployment", "listed").returncode != 0  # a dry run stores nothing
    assert _run(kubectl, "apply", "-f", "-", stdin=written).splitlines() == [
        "deployment.apps/listed created",
        "service/listed created",
    ]
    assert _run(kubectl, "get", "service", "listed", "-o", "jsonpath={.spec.ports[0].port}") == "80"


def test_an_unknown_field_in_a_list_is_refused_by_kubectl_before_anything_is_sent(kubectl):
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "typo"},
        "spec": {
            "replica": 2,
            "selector": {"matchLabels": {"app": "typo"}},
            "template": {
                "metadata": {"labels": {"app": "typo"}},
                "spec": {"containers": [{"name": "web", "image": "nginx:1.25"}]},
            },
        },
    }
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "typo"},
        "spec": {"selector": {"app": "typo"}, "ports": [{"port": 80}]},
    }
    listed = yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": [service, deployment]})
    refused = kubectl("apply", "-f", "-", stdin=listed)
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        'error: error validating "STDIN": error validating data: ValidationError(Deployment.spec): unknown field '
        '"replica" in io.k8s.api.apps.v1.DeploymentSpec; if you choose to ignore these errors, turn validation off '
        "with --validate=false"
    )
    assert kubectl("get", "service", "typo").returncode != 0  # the valid item was not applied either

    unchecked = kubectl("apply", "--validate=false", "-f", "-", stdin=listed)
    assert unchecked.stdout.splitlines() == ["service/typo created", "deployment.apps/typo created"], unchecked.stderr
