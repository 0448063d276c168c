"""The kubeconfig page and command, and the pure pieces of the kube API: ages, tables, protobuf bodies, routes."""

from datetime import UTC, datetime

import yaml
from django.core.management import call_command

from cluster_engine.controller_names import controller_manager_controllers
from lab.durations import human_duration
from lab.kubeapi import auth, protobuf, routes
from lab.kubeapi.tables import table

# What kubectl 1.32 sends for `kubectl create deployment hello --image=nginx:1.27 --replicas=2 --port=80`, cut to the
# Deployment's metadata and spec.replicas/selector.
CREATE_DEPLOYMENT = bytes.fromhex(
    "6b387300 0a15 0a07 617070732f7631 120a 4465706c6f796d656e74 1239"
    "0a23 0a05 68656c6c6f 1200 1a00 2200 2a00 3200 3800 4200 5a0c 0a03 617070 1205 68656c6c6f"
    "1212 0802 120e 0a0c 0a03 617070 1205 68656c6c6f"
)


def test_kubeconfig_command_prints_a_working_admin_kubeconfig(demo, capsys):
    call_command("kubeconfig", "demo", "--server", "https://127.0.0.1:6443")
    config = yaml.safe_load(capsys.readouterr().out)
    assert config["clusters"][0]["cluster"]["server"] == "https://127.0.0.1:6443/k8s/clusters/demo"
    assert config["current-context"] == "kubelab-demo"
    identity = auth.authenticate(demo, "Bearer " + config["users"][0]["user"]["token"])
    assert (identity.username, identity.role) == ("system:serviceaccount:kube-system:kubelab-admin", "admin")


def test_kubeconfig_page_gives_students_a_read_only_file(demo, client):
    page = client.get("/k8s/clusters/demo/kubeconfig")
    assert page.status_code == 200 and b"read-only (view)" in page.content
    download = client.get("/k8s/clusters/demo/kubeconfig?download=1")
    config = yaml.safe_load(download.content)
    identity = auth.authenticate(demo, "Bearer " + config["users"][0]["user"]["token"])
    assert identity.role == "view"
    assert auth.allowed(identity, "list", "", "pods") and not auth.allowed(identity, "get", "", "secrets")


def test_human_duration_matches_upstream():
    assert [human_duration(s) for s in (-5, 0, 119, 130, 600, 3 * 3600 + 120, 30 * 3600, 50 * 3600, 400 * 86400)] == [
        "<invalid>", "0s", "119s", "2m10s", "10m", "3h2m", "30h", "2d2h", "400d",
    ]  # fmt: skip


def test_pod_table_row_shows_status_restarts_and_wide_columns():
    pod = {
        "kind": "Pod",
        "metadata": {"name": "web-1", "namespace": "default", "creationTimestamp": "2026-01-01T00:00:00Z"},
        "spec": {"nodeName": "worker-1", "containers": [{"name": "app"}]},
        "status": {
            "phase": "Running",
            "podIPs": [{"ip": "10.244.1.2"}],
            "containerStatuses": [
                {
                    "name": "app",
                    "ready": False,
                    "restartCount": 2,
                    "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                    "lastState": {"terminated": {"finishedAt": "2026-01-01T00:04:00Z"}},
                }
            ],
        },
    }
    now = datetime(2026, 1, 1, 0, 5, tzinfo=UTC)
    rendered = table("Pod", [pod], now)
    assert [column["name"] for column in rendered["columnDefinitions"] if column["priority"] == 0] == [
        "Name", "Ready", "Status", "Restarts", "Age",
    ]  # fmt: skip
    assert rendered["rows"][0]["cells"] == [
        "web-1", "0/1", "CrashLoopBackOff", "2 (60s ago)", "5m", "10.244.1.2", "worker-1", "<none>", "<none>",
    ]  # fmt: skip
    assert rendered["rows"][0]["object"]["kind"] == "PartialObjectMetadata"


def test_protobuf_body_of_kubectl_create_deployment():
    assert protobuf.decode(CREATE_DEPLOYMENT) == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "hello", "labels": {"app": "hello"}},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "hello"}}},
    }


def test_routes_tell_namespaced_collections_from_namespace_subresources():
    assert routes.parse("", "v1", ["namespaces", "dev", "pods"]) == routes.Target("", "v1", "pods", "dev")
    assert routes.parse("", "v1", ["namespaces", "dev", "finalize"]) == routes.Target(
        "", "v1", "namespaces", None, "dev", "finalize"
    )
    assert routes.parse("apps", "v1", ["namespaces", "d", "deployments", "web", "scale"]) == routes.Target(
        "apps", "v1", "deployments", "d", "web", "scale"
    )


def test_cluster_page_names_the_controllers_kube_controller_manager_runs(demo, client):
    body = client.get(f"/clusters/{demo.name}/").content.decode()
    assert f'data-controllers="{" ".join(controller_manager_controllers())}"' in body
