"""`kubectl apply` of a changed manifest: kubectl computes a three-way strategic merge patch (last applied, the new
manifest, the live object) and the server merges it as upstream does, so what the manifest dropped is gone and the
order it gives is kept."""

import json

import yaml

from .test_kubectl import jsonpath


def _apply(kubectl, manifest: dict) -> str:
    done = kubectl("apply", "-f", "-", stdin=yaml.safe_dump(manifest))
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _taint_keys(kubectl, node: str) -> list[str]:
    taints = jsonpath(kubectl, "node", node, "-o", "jsonpath={.spec.taints}")
    return [taint["key"] for taint in json.loads(taints or "[]")]


def test_applying_a_node_again_with_no_taints_removes_its_taint(kubectl):
    manifest = {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": "gpu-node-1", "labels": {"kubernetes.io/hostname": "gpu-node-1"}},
        "spec": {"taints": [{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}]},
        "status": {"capacity": {"cpu": "4", "memory": "8Gi", "pods": "110"}},
    }
    assert _apply(kubectl, manifest) == "node/gpu-node-1 created"
    assert "dedicated" in _taint_keys(kubectl, "gpu-node-1")
    manifest["spec"]["taints"] = []
    assert _apply(kubectl, manifest) == "node/gpu-node-1 configured"
    assert "dedicated" not in _taint_keys(kubectl, "gpu-node-1")


def _deployment(containers: list[dict], labels: dict) -> dict:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "shop", "labels": labels},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": "shop"}},
            "template": {"metadata": {"labels": {"app": "shop"}}, "spec": {"containers": containers}},
        },
    }


def _container(name: str, env: list[str], ports: list[int]) -> dict:
    return {
        "name": name,
        "image": "nginx:1.27",
        "env": [{"name": variable, "value": "1"} for variable in env],
        "ports": [{"containerPort": port} for port in ports],
    }


def _live_containers(kubectl) -> list[dict]:
    return json.loads(jsonpath(kubectl, "deployment", "shop", "-o", "jsonpath={.spec.template.spec.containers}"))


def test_applying_a_deployment_without_an_env_var_a_port_and_a_label_removes_them_and_keeps_the_new_order(kubectl):
    web, cache = _container("web", ["MODE", "DEBUG"], [80, 8080]), _container("cache", ["SIZE"], [6379])
    assert (
        _apply(kubectl, _deployment([web, cache], {"app": "shop", "tier": "front"})) == "deployment.apps/shop created"
    )

    web = _container("web", ["MODE"], [80])
    assert _apply(kubectl, _deployment([web, cache], {"app": "shop"})) == "deployment.apps/shop configured"
    live = {container["name"]: container for container in _live_containers(kubectl)}
    assert [variable["name"] for variable in live["web"]["env"]] == ["MODE"]
    assert [port["containerPort"] for port in live["web"]["ports"]] == [80]
    assert [variable["name"] for variable in live["cache"]["env"]] == ["SIZE"]
    labels = json.loads(jsonpath(kubectl, "deployment", "shop", "-o", "jsonpath={.metadata.labels}"))
    assert labels == {"app": "shop"}

    assert _apply(kubectl, _deployment([cache, web], {"app": "shop"})) == "deployment.apps/shop configured"
    assert [container["name"] for container in _live_containers(kubectl)] == ["cache", "web"]


def test_applying_the_simulators_own_kind_uses_a_merge_patch(kubectl):
    """kubectl has no Go type for a ControlPlaneComponent, so it sends a JSON merge patch (strategic merge would be
    refused with 415, as for a custom resource upstream)."""
    names = jsonpath(kubectl, "controlplanecomponents", "-o", "jsonpath={.items[*].metadata.name}").split()
    live = yaml.safe_load(jsonpath(kubectl, "controlplanecomponent", names[0], "-o", "yaml"))
    manifest = {key: live[key] for key in ("apiVersion", "kind", "spec")}
    manifest["metadata"] = {"name": names[0], "labels": {**live["metadata"].get("labels", {}), "course": "week-1"}}
    assert _apply(kubectl, manifest) == f"controlplanecomponent.kubelab.io/{names[0]} configured"
    labels = json.loads(jsonpath(kubectl, "controlplanecomponent", names[0], "-o", "jsonpath={.metadata.labels}"))
    assert labels["course"] == "week-1"


def test_a_patch_item_without_its_merge_key_gets_upstreams_error_and_changes_nothing(kubectl):
    assert kubectl("create", "deployment", "keyless", "--image=nginx:1.27").returncode == 0
    patch = '{"spec":{"template":{"spec":{"containers":[{"image":"nginx:1.28"}]}}}}'
    refused = kubectl("patch", "deployment", "keyless", "-p", patch)
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        "Error from server: map: map[image:nginx:1.28] does not contain declared merge key: name"
    )
    spec = jsonpath(
        kubectl,
        "deployment",
        "keyless",
        "-o",
        "jsonpath={.metadata.generation} {.spec.template.spec.containers[*].image}",
    )
    assert spec == "1 nginx:1.27"
