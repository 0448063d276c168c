"""The StorageClasses an AKS cluster comes with: `managed-csi` (Azure managed disks, the default class) and
`azurefile-csi` (Azure Files shares, which many pods on many nodes can mount at once).

A disk lives in one zone and is created only once the scheduler has chosen the node of its first pod
(WaitForFirstConsumer), so the disk lands where the pod runs; a file share is reachable from every zone, so its
claims are provisioned at once (Immediate).
"""

from .api.admission_storage import DEFAULT_CLASS_ANNOTATION

DISK_DRIVER = "disk.csi.azure.com"
FILE_DRIVER = "file.csi.azure.com"
# AKS's add-on manager creates these once and leaves later edits alone
ADDON_LABELS = {"addonmanager.kubernetes.io/mode": "EnsureExists", "kubernetes.io/cluster-service": "true"}


def storage_classes() -> list[dict]:
    return [
        {
            "apiVersion": "storage.k8s.io/v1",
            "kind": "StorageClass",
            "metadata": {
                "name": "managed-csi",
                "labels": dict(ADDON_LABELS),
                "annotations": {DEFAULT_CLASS_ANNOTATION: "true"},
            },
            "provisioner": DISK_DRIVER,
            "parameters": {"skuname": "StandardSSD_LRS"},
            "reclaimPolicy": "Delete",
            "volumeBindingMode": "WaitForFirstConsumer",
            "allowVolumeExpansion": True,
        },
        {
            "apiVersion": "storage.k8s.io/v1",
            "kind": "StorageClass",
            "metadata": {"name": "azurefile-csi", "labels": dict(ADDON_LABELS)},
            "provisioner": FILE_DRIVER,
            "parameters": {"skuName": "Standard_LRS"},
            "mountOptions": ["mfsymlinks", "actimeo=30", "nosharesock"],
            "reclaimPolicy": "Delete",
            "volumeBindingMode": "Immediate",
            "allowVolumeExpansion": True,
        },
    ]
