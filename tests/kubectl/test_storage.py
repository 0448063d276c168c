"""Storage with the real kubectl: the cluster's classes, a claim waiting for its first consumer, a static volume
bound to a claim that names it, expanding a claim, refusing to shrink one, and a retained volume released."""

import json

import yaml

from .test_kubectl import rows

CLAIM = """\
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: {name}
spec:
  accessModes: [{mode}]
  resources:
    requests:
      storage: {size}
"""
STATIC_VOLUME = """\
apiVersion: v1
kind: PersistentVolume
metadata:
  name: manual-pv
spec:
  capacity:
    storage: 5Gi
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  hostPath:
    path: /mnt/data
"""
PRE_BOUND_CLAIM = """\
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: static
spec:
  storageClassName: ""
  volumeName: manual-pv
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 3Gi
"""


def ok(done) -> str:
    assert done.returncode == 0, done.stderr
    return done.stdout


def wait_for(kubectl, target: str, field: str, value: str) -> None:
    ok(kubectl("wait", f"--for=jsonpath={{{field}}}={value}", target, "--timeout=90s"))


def grow(kubectl, claim: str, size: str):
    return kubectl("patch", "pvc", claim, "-p", json.dumps({"spec": {"resources": {"requests": {"storage": size}}}}))


def test_classes_claims_volumes_expansion_and_release(kubectl):
    classes = rows(ok(kubectl("get", "sc")))
    assert classes[0] == ["NAME", "PROVISIONER", "RECLAIMPOLICY", "VOLUMEBINDINGMODE", "ALLOWVOLUMEEXPANSION", "AGE"]
    assert classes[1][:5] == ["azurefile-csi", "file.csi.azure.com", "Delete", "Immediate", "true"]
    assert classes[2][:6] == [
        "managed-csi",
        "(default)",
        "disk.csi.azure.com",
        "Delete",
        "WaitForFirstConsumer",
        "true",
    ]

    # a claim naming no class gets the default one and waits for a pod to be scheduled
    created = kubectl("create", "-f", "-", stdin=CLAIM.format(name="data", mode="ReadWriteOnce", size="10Gi"))
    assert ok(created).strip() == "persistentvolumeclaim/data created"
    stored = yaml.safe_load(ok(kubectl("get", "pvc", "data", "-o", "yaml")))
    assert stored["spec"]["storageClassName"] == "managed-csi"
    assert stored["metadata"]["finalizers"] == ["kubernetes.io/pvc-protection"]

    # a static volume, and a claim that names it
    assert ok(kubectl("create", "-f", "-", stdin=STATIC_VOLUME)).strip() == "persistentvolume/manual-pv created"
    assert ok(kubectl("create", "-f", "-", stdin=PRE_BOUND_CLAIM)).strip() == "persistentvolumeclaim/static created"
    wait_for(kubectl, "pvc/static", ".status.phase", "Bound")
    described = ok(kubectl("describe", "pvc", "data"))
    assert "waiting for first consumer to be created before binding" in described
    assert "WaitForFirstConsumer" in described

    listed = ok(kubectl("get", "pv,pvc,sc"))
    sections = [rows(section) for section in listed.strip().split("\n\n")]
    assert sections[0][0] == [
        "NAME", "CAPACITY", "ACCESS", "MODES", "RECLAIM", "POLICY", "STATUS", "CLAIM", "STORAGECLASS",
        "VOLUMEATTRIBUTESCLASS", "REASON", "AGE",
    ]  # fmt: skip
    # the volume has no class: its empty STORAGECLASS and REASON cells print as blanks
    assert sections[0][1][:7] == [
        "persistentvolume/manual-pv", "5Gi", "RWO", "Retain", "Bound", "default/static", "<unset>",
    ]  # fmt: skip
    assert sections[1][0] == [
        "NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS", "MODES", "STORAGECLASS", "VOLUMEATTRIBUTESCLASS", "AGE",
    ]  # fmt: skip
    claims = {row[0]: row for row in sections[1][1:]}
    assert claims["persistentvolumeclaim/data"][1:4] == ["Pending", "managed-csi", "<unset>"]
    assert claims["persistentvolumeclaim/static"][1:5] == ["Bound", "manual-pv", "5Gi", "RWO"]
    assert [row[0] for row in sections[2][1:]] == [
        "storageclass.storage.k8s.io/azurefile-csi",
        "storageclass.storage.k8s.io/managed-csi",
    ]

    # once the scheduler names a node, the disk is created in its zone and the claim binds it
    ok(kubectl("annotate", "pvc", "data", "volume.kubernetes.io/selected-node=worker-1"))
    wait_for(kubectl, "pvc/data", ".status.phase", "Bound")
    volume_name = ok(kubectl("get", "pvc", "data", "-o", "jsonpath={.spec.volumeName}"))
    volume = yaml.safe_load(ok(kubectl("get", "pv", volume_name, "-o", "yaml")))
    zone = ok(kubectl("get", "node", "worker-1", "-o", "jsonpath={.metadata.labels.topology\\.kubernetes\\.io/zone}"))
    term = volume["spec"]["nodeAffinity"]["required"]["nodeSelectorTerms"][0]["matchExpressions"][0]
    assert (term["key"], term["values"]) == ("topology.kubernetes.io/zone", [zone])
    assert volume["spec"]["csi"]["driver"] == "disk.csi.azure.com"

    # an Immediate file share grows; shrinking is refused; a class-less claim cannot grow at all
    files = CLAIM.format(name="files", mode="ReadWriteMany", size="1Gi")
    ok(kubectl("create", "-f", "-", stdin=files.replace("spec:\n", "spec:\n  storageClassName: azurefile-csi\n")))
    wait_for(kubectl, "pvc/files", ".status.phase", "Bound")
    assert ok(grow(kubectl, "files", "3Gi")).strip() == "persistentvolumeclaim/files patched"
    wait_for(kubectl, "pvc/files", ".status.capacity.storage", "3Gi")
    shrunk = grow(kubectl, "files", "2Gi")
    assert shrunk.returncode != 0
    assert shrunk.stderr.strip() == (
        'The PersistentVolumeClaim "files" is invalid: spec.resources.requests.storage: Forbidden: field can not '
        "be less than status.capacity"
    )
    refused = grow(kubectl, "static", "5Gi")
    assert refused.stderr.strip() == (
        'Error from server (Forbidden): persistentvolumeclaims "static" is forbidden: only dynamically provisioned '
        "pvc can be resized and the storageclass that provisions the pvc must support resize"
    )
    assert ok(kubectl("get", "pvc", "static", "-o", "jsonpath={.spec.resources.requests.storage}")) == "3Gi"

    # deleting the claim of a retained volume releases it, data and all
    assert ok(kubectl("delete", "pvc", "static")).startswith('persistentvolumeclaim "static" deleted')
    wait_for(kubectl, "pv/manual-pv", ".status.phase", "Released")
    released = rows(ok(kubectl("get", "pv", "manual-pv")))[1]
    assert released[:6] == ["manual-pv", "5Gi", "RWO", "Retain", "Released", "default/static"]
    for name in ("data", "files"):
        ok(kubectl("delete", "pvc", name))
    ok(kubectl("delete", "pv", "manual-pv"))
