"""Disks in the live diagram: a disk sits on the node its pod runs on, and after that node dies and the pod is
replaced elsewhere it counts down the 6-minute force detach, then moves to the replacement's node."""

import json

import pytest

from tests.livelab import screenshot

from .test_requests_and_languages import kubeconfig, kubectl

pytestmark = pytest.mark.browser

LIVE = "document.body.dataset.connection === 'live'"
DISK = '.disk[data-key="pv-db"]'
# A zone-redundant (Premium_ZRS) Azure disk has no zone affinity: it can follow its pod to any zone.
STORAGE = [
    {
        "apiVersion": "storage.k8s.io/v1",
        "kind": "StorageClass",
        "metadata": {"name": "managed-csi-zrs"},
        "provisioner": "disk.csi.azure.com",
        "parameters": {"skuName": "Premium_ZRS"},
        "volumeBindingMode": "WaitForFirstConsumer",
    },
    {
        "apiVersion": "v1",
        "kind": "PersistentVolume",
        "metadata": {"name": "pv-db"},
        "spec": {
            "capacity": {"storage": "8Gi"},
            "accessModes": ["ReadWriteOnce"],
            "storageClassName": "managed-csi-zrs",
            "csi": {"driver": "disk.csi.azure.com", "volumeHandle": "/subscriptions/lab/disks/pv-db"},
            "claimRef": {"kind": "PersistentVolumeClaim", "apiVersion": "v1", "namespace": "default", "name": "data"},
        },
    },
    {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": "data", "namespace": "default"},
        "spec": {
            "accessModes": ["ReadWriteOnce"],
            "storageClassName": "managed-csi-zrs",
            "resources": {"requests": {"storage": "8Gi"}},
            "volumeName": "pv-db",
        },
    },
]


def database(name: str, node: str | None = None) -> dict:
    spec = {
        "containers": [
            {"name": "db", "image": "postgres:17", "volumeMounts": [{"name": "data", "mountPath": "/data"}]}
        ],
        "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": "data"}}],
    }
    if node:
        spec["nodeName"] = node
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"}, "spec": spec}


def apply(lab_server, config, name: str, objects: list[dict]) -> None:
    path = lab_server.var_dir / f"{name}.yaml"
    path.write_text("\n---\n".join(json.dumps(obj) for obj in objects))
    applied = kubectl(config, "apply", "-f", str(path))
    assert applied.returncode == 0, applied.stderr


def disk_on(node_test: str) -> str:
    return f"(() => {{ const d = document.querySelector('{DISK}'); return d && {node_test}; }})()"


def test_a_disk_moves_to_the_replacement_pods_node_after_its_node_dies(page, lab_server):
    config = kubeconfig(lab_server, "admin")
    page.goto(f"{lab_server.url}/clusters/demo/")
    page.wait_for_function(LIVE)
    apply(lab_server, config, "storage", STORAGE)
    for kind in ("pv/pv-db", "pvc/data"):
        bound = kubectl(
            config, "patch", kind, "--subresource=status", "--type=merge", "-p", '{"status":{"phase":"Bound"}}'
        )
        assert bound.returncode == 0, bound.stderr
    apply(lab_server, config, "db-0", [database("db-0", node="worker-1")])
    page.wait_for_function(disk_on("d.dataset.node === 'worker-1' && d.dataset.state === 'attached'"), timeout=60_000)
    page.wait_for_function("document.querySelector('.disk-link.mounted') !== null")
    page.wait_for_function(f"document.querySelector('{DISK}').getAnimations().length === 0")
    screenshot(page, "20-disk-attached-to-its-pods-node")

    page.select_option("#speed", "10")
    page.wait_for_function("window.kubelab.store.clock.speed === 10")
    page.click("[data-tab=actions]")
    page.select_option("#action-node", "worker-1")
    page.click("button[data-request=power-off]")
    page.wait_for_function(
        "document.querySelector('.node[data-key=\"worker-1\"] .node-status').textContent.includes('Unknown')",
        timeout=30_000,
    )
    deleted = kubectl(config, "delete", "pod", "db-0", "--force", "--grace-period=0")
    assert deleted.returncode == 0, deleted.stderr
    apply(lab_server, config, "db-1", [database("db-1")])
    page.wait_for_function(f"document.querySelector('{DISK}.force-pending') !== null", timeout=30_000)
    countdown = page.locator(f"{DISK} .disk-state").text_content()
    assert countdown.startswith("force detach in ")
    assert page.locator(DISK).get_attribute("data-node") == "worker-1"
    page.wait_for_function(f"document.querySelector('{DISK}').getAnimations().length === 0")
    screenshot(page, "21-disk-force-detach-countdown")

    page.select_option("#speed", "100")
    page.wait_for_function("window.kubelab.store.clock.speed === 100")
    page.wait_for_function(disk_on("d.dataset.node !== 'worker-1' && d.dataset.state === 'attached'"), timeout=60_000)
    new_node = page.locator(DISK).get_attribute("data-node")
    assert page.locator('.pod[data-key="default/db-1"]').get_attribute("data-node") == new_node
    page.wait_for_function("document.querySelector('.disk-link.mounted') !== null", timeout=30_000)
    page.wait_for_function(f"document.querySelector('{DISK}').getAnimations().length === 0")  # it has glided there
    screenshot(page, "22-disk-moved-to-the-replacement")
