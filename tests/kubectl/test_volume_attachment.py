"""A disk attached for a pod, seen with the real kubectl: the CSINode each kubelet registers and the
VolumeAttachment the attach/detach controller creates and the Azure disk attacher marks attached."""

import json

from cluster_engine.controllers.attachable import attachment_name

from .test_kubectl import rows

HANDLE = "/subscriptions/lab/disks/pv-kubectl"
DRIVER = "disk.csi.azure.com"
MANIFESTS = [
    {
        "apiVersion": "v1",
        "kind": "PersistentVolume",
        "metadata": {"name": "pv-kubectl"},
        "spec": {
            "capacity": {"storage": "4Gi"},
            "accessModes": ["ReadWriteOnce"],
            "storageClassName": "",
            "csi": {"driver": DRIVER, "volumeHandle": HANDLE},
            "claimRef": {
                "kind": "PersistentVolumeClaim",
                "apiVersion": "v1",
                "namespace": "default",
                "name": "kubectl-data",
            },
        },
    },
    {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": "kubectl-data", "namespace": "default"},
        "spec": {
            "accessModes": ["ReadWriteOnce"],
            "storageClassName": "",
            "resources": {"requests": {"storage": "4Gi"}},
            "volumeName": "pv-kubectl",
        },
    },
    {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "disk-user", "namespace": "default"},
        "spec": {
            "nodeName": "worker-2",
            "containers": [{"name": "app", "image": "busybox:1.37", "command": ["sleep", "3600"]}],
            "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": "kubectl-data"}}],
        },
    },
]


def test_get_csinodes_and_the_volume_attachment_of_a_pods_disk(kubectl):
    csinodes = rows(kubectl("get", "csinodes").stdout)
    assert csinodes[0] == ["NAME", "DRIVERS", "AGE"]
    # every node's kubelet registers one (the lab is shared: other tests may have added nodes)
    nodes = kubectl("get", "nodes", "-o", "name").stdout.split()
    assert [row[:2] for row in csinodes[1:]] == [[name.removeprefix("node/"), "1"] for name in sorted(nodes)]
    count = kubectl("get", "csinode", "worker-1", "-o", "jsonpath={.spec.drivers[0].allocatable.count}")
    assert count.stdout == "8"  # Standard_DS2_v2: 8 data disks

    applied = kubectl("apply", "-f", "-", stdin="\n---\n".join(json.dumps(item) for item in MANIFESTS))
    assert applied.returncode == 0, applied.stderr
    for kind in ("pv/pv-kubectl", "pvc/kubectl-data"):
        bound = kubectl("patch", kind, "--subresource=status", "--type=merge", "-p", '{"status":{"phase":"Bound"}}')
        assert bound.returncode == 0, bound.stderr
    name = attachment_name(HANDLE, DRIVER, "worker-2")
    waited = kubectl("wait", "--for=jsonpath={.status.attached}=true", f"volumeattachment/{name}", "--timeout=90s")
    assert waited.returncode == 0, waited.stderr
    table = rows(kubectl("get", "volumeattachments").stdout)
    assert table[0] == ["NAME", "ATTACHER", "PV", "NODE", "ATTACHED", "AGE"]
    assert table[1][:5] == [name, DRIVER, "pv-kubectl", "worker-2", "true"]

    deleted = kubectl("delete", "pod/disk-user", "pvc/kubectl-data", "pv/pv-kubectl", "--wait=false")
    assert deleted.returncode == 0, deleted.stderr
