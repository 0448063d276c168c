"""Storage objects as the PV controller and an AKS-like provisioner leave them: classes, Azure disk PVs, claims,
and pre-bound PV/PVC pairs (Bound on both sides), for tests of the consumers of bound volumes."""

DRIVER = "disk.csi.azure.com"
ZONE_KEY = "topology.kubernetes.io/zone"


def storage_class(name: str = "managed-csi", mode: str = "WaitForFirstConsumer", provisioner: str = DRIVER) -> dict:
    return {
        "apiVersion": "storage.k8s.io/v1",
        "kind": "StorageClass",
        "metadata": {"name": name},
        "provisioner": provisioner,
        "reclaimPolicy": "Delete",
        "volumeBindingMode": mode,
    }


def disk_volume(
    name: str, zone: str | None = "eastus-1", modes=("ReadWriteOnce",), size="10Gi", labels=None, driver=DRIVER
) -> dict:
    spec = {
        "capacity": {"storage": size},
        "accessModes": list(modes),
        "persistentVolumeReclaimPolicy": "Delete",
        "storageClassName": "managed-csi",
        "csi": {"driver": driver, "volumeHandle": f"/subscriptions/sub/resourceGroups/mc/providers/disks/{name}"},
    }
    if zone:
        expressions = [{"key": ZONE_KEY, "operator": "In", "values": [zone]}]
        spec["nodeAffinity"] = {"required": {"nodeSelectorTerms": [{"matchExpressions": expressions}]}}
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolume",
        "metadata": {"name": name, "labels": labels or {}},
        "spec": spec,
    }


def claim(name: str, modes=("ReadWriteOnce",), class_name: str = "managed-csi", size="10Gi") -> dict:
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "accessModes": list(modes),
            "resources": {"requests": {"storage": size}},
            "storageClassName": class_name,
        },
    }


def bound_pair(operator, claim_name: str, volume_name: str, **volume_options) -> tuple[dict, dict]:
    """Create a PV and a PVC bound to each other (spec and status), as the PV controller leaves them."""
    wanted = claim(claim_name, modes=volume_options.get("modes", ("ReadWriteOnce",)))
    wanted["spec"]["volumeName"] = volume_name
    created_claim = operator.create("PersistentVolumeClaim", wanted)
    volume = disk_volume(volume_name, **volume_options)
    metadata = created_claim["metadata"]
    volume["spec"]["claimRef"] = {
        "kind": "PersistentVolumeClaim",
        "apiVersion": "v1",
        "namespace": "default",
        "name": claim_name,
        "uid": metadata["uid"],
    }
    created_volume = operator.create("PersistentVolume", volume)
    created_volume = operator.update(
        "PersistentVolume", {**created_volume, "status": {"phase": "Bound"}}, subresource="status"
    )
    status = {"phase": "Bound", "accessModes": created_claim["spec"]["accessModes"], "capacity": {"storage": "10Gi"}}
    created_claim = operator.update("PersistentVolumeClaim", {**created_claim, "status": status}, subresource="status")
    return created_claim, created_volume


def claim_volume(claim_name: str, volume_name: str = "data") -> dict:
    """A pod volume mounting a claim."""
    return {"name": volume_name, "persistentVolumeClaim": {"claimName": claim_name}}
