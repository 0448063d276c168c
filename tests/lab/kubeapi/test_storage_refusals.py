"""Bad storage requests over the kube API: upstream's Status and code, and nothing written (the cluster's
resourceVersion stays where it was, so no watch event went out either)."""

import json

import pytest

from lab.apiserver import api_server_for

CLAIMS = "/api/v1/namespaces/default/persistentvolumeclaims"


def revision(cluster) -> int:
    return api_server_for(cluster, operator=True).storage.resource_version()


def claim(name="data", size="1Gi", **spec) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": name},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": size}}, **spec},
    }


def bound(cluster, name: str, class_name: str, size: str = "1Gi") -> None:
    """Leave a claim as the PV controller leaves it once bound."""
    operator = api_server_for(cluster, operator=True)
    created = operator.create("PersistentVolumeClaim", claim(name, size, storageClassName=class_name), "default")
    created["spec"]["volumeName"] = f"pv-{name}"
    updated = operator.update("PersistentVolumeClaim", created)
    updated["status"] = {"phase": "Bound", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": size}}
    operator.update("PersistentVolumeClaim", updated, subresource="status")


@pytest.mark.parametrize(
    ("body", "cause"),
    [
        (claim(accessModes=[]), ("spec.accessModes", "Required value: at least 1 access mode is required")),
        (claim(size="0"), ("spec.resources[storage]", 'Invalid value: "0": must be greater than zero')),
        (claim(storageClassName="Fast_SSD"), ("spec.storageClassName", 'Invalid value: "Fast_SSD": a lowercase')),
    ],
)
def test_an_invalid_claim_is_a_422_with_its_cause(demo, kube, body, cause):
    before = revision(demo)
    status, answer = kube("POST", CLAIMS, json.dumps(body))
    assert (status, answer["kind"], answer["reason"], answer["code"]) == (422, "Status", "Invalid", 422)
    assert answer["details"]["kind"] == "PersistentVolumeClaim"
    field, message = cause
    assert answer["details"]["causes"][0]["field"] == field
    assert answer["details"]["causes"][0]["message"].startswith(message)
    assert revision(demo) == before


def test_an_unparsable_size_is_a_400(demo, kube):
    before = revision(demo)
    status, answer = kube("POST", CLAIMS, json.dumps(claim(size="lots")))
    assert (status, answer["reason"]) == (400, "BadRequest")
    assert revision(demo) == before


def test_shrinking_a_bound_claim_is_refused_and_growing_one_of_a_fixed_class_is_forbidden(demo, kube):
    bound(demo, "files", "azurefile-csi", "2Gi")
    bound(demo, "static", "")
    before = revision(demo)
    patch = json.dumps({"spec": {"resources": {"requests": {"storage": "1Gi"}}}})
    status, answer = kube("PATCH", f"{CLAIMS}/files", patch, "application/strategic-merge-patch+json")
    assert (status, answer["reason"]) == (422, "Invalid")
    assert answer["message"] == (
        'PersistentVolumeClaim "files" is invalid: spec.resources.requests.storage: Forbidden: field can not be '
        "less than status.capacity"
    )
    patch = json.dumps({"spec": {"resources": {"requests": {"storage": "5Gi"}}}})
    status, answer = kube("PATCH", f"{CLAIMS}/static", patch, "application/strategic-merge-patch+json")
    assert (status, answer["reason"], answer["details"]) == (
        403,
        "Forbidden",
        {"name": "static", "kind": "persistentvolumeclaims"},
    )
    assert revision(demo) == before


def test_a_storage_classs_provisioner_cannot_change(demo, kube):
    before = revision(demo)
    patch = json.dumps({"provisioner": "file.csi.azure.com"})
    status, answer = kube(
        "PATCH", "/apis/storage.k8s.io/v1/storageclasses/managed-csi", patch, "application/merge-patch+json"
    )
    assert (status, answer["message"]) == (
        422,
        'StorageClass.storage.k8s.io "managed-csi" is invalid: provisioner: Forbidden: updates to provisioner are '
        "forbidden.",
    )
    assert revision(demo) == before


def test_deleting_a_bound_volume_only_marks_it_terminating(demo, kube):
    operator = api_server_for(demo, operator=True)
    volume = {
        "metadata": {"name": "pv-kept"},
        "spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"], "hostPath": {"path": "/data"}},
    }
    created = operator.create("PersistentVolume", volume)
    operator.update("PersistentVolume", {**created, "status": {"phase": "Bound"}}, subresource="status")
    status, answer = kube("DELETE", "/api/v1/persistentvolumes/pv-kept")
    assert status == 200
    assert answer["metadata"]["finalizers"] == ["kubernetes.io/pv-protection"]
    assert answer["metadata"]["deletionTimestamp"]
    assert operator.get("PersistentVolume", None, "pv-kept")["status"]["phase"] == "Bound"
