"""Defaults and admission for storage: what a cluster adds to classes, volumes and claims, and which expansions
it allows.

Scheme defaults (pkg/apis/core/v1/defaults.go, pkg/apis/storage/v1/defaults.go), the registry's PrepareForCreate
(a new volume or claim starts Pending whatever status it was sent with), and three admission plugins every cluster
runs: DefaultStorageClass (a claim naming no class gets the default one), StorageObjectInUseProtection (the
protection finalizers) and PersistentVolumeClaimResize (growing a claim needs a class that allows expansion).
"""

from . import errors
from .quantity import parse_quantity
from .validation_storage import requested_storage

DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class"
BETA_DEFAULT_CLASS_ANNOTATION = "storageclass.beta.kubernetes.io/is-default-class"
BETA_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class"
PV_PROTECTION_FINALIZER = "kubernetes.io/pv-protection"
PVC_PROTECTION_FINALIZER = "kubernetes.io/pvc-protection"
RESIZE_FORBIDDEN = (
    "only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize"
)


def default_storage_class(obj: dict, server) -> None:
    """upstream SetDefaults_StorageClass: Delete, Immediate."""
    obj.setdefault("reclaimPolicy", "Delete")
    obj.setdefault("volumeBindingMode", "Immediate")


def default_persistent_volume(obj: dict, server) -> None:
    """upstream SetDefaults_PersistentVolume and the registry's PrepareForCreate: Retain, Filesystem, Pending."""
    spec = obj.setdefault("spec", {})
    spec.setdefault("persistentVolumeReclaimPolicy", "Retain")
    spec.setdefault("volumeMode", "Filesystem")
    obj["status"] = {"phase": "Pending", "lastPhaseTransitionTime": server.clock.timestamp()}


def default_claim(obj: dict, server) -> None:
    """upstream SetDefaults_PersistentVolumeClaim and PrepareForCreate: Filesystem, Pending."""
    obj.setdefault("spec", {}).setdefault("volumeMode", "Filesystem")
    obj["status"] = {"phase": "Pending"}


def admit_persistent_volume(obj: dict, server) -> None:
    _protect(obj, PV_PROTECTION_FINALIZER)


def admit_claim(obj: dict, server) -> None:
    """DefaultStorageClass, then StorageObjectInUseProtection."""
    spec = obj["spec"]
    annotations = obj["metadata"].get("annotations") or {}
    if spec.get("storageClassName") is None and BETA_CLASS_ANNOTATION not in annotations:
        default = default_class(server.storage.list("StorageClass", None))
        if default is not None:
            spec["storageClassName"] = default["metadata"]["name"]
    _protect(obj, PVC_PROTECTION_FINALIZER)


def default_class(classes: list[dict]) -> dict | None:
    """upstream GetDefaultClass: of the classes marked default, the newest (then the first by name) wins."""
    marked = [
        item
        for item in classes
        if any(
            (item["metadata"].get("annotations") or {}).get(key) == "true"
            for key in (DEFAULT_CLASS_ANNOTATION, BETA_DEFAULT_CLASS_ANNOTATION)
        )
    ]
    if not marked:
        return None
    marked.sort(key=lambda item: item["metadata"]["name"])
    return max(marked, key=lambda item: item["metadata"].get("creationTimestamp") or "")


def update_persistent_volume(old: dict, new: dict, server) -> None:
    """The registry records when a volume's phase last changed (PersistentVolumeLastPhaseTransitionTime, GA 1.31)."""
    old_phase = (old.get("status") or {}).get("phase")
    status = new.get("status") or {}
    if status.get("phase") != old_phase:
        new.setdefault("status", {})["lastPhaseTransitionTime"] = server.clock.timestamp()


def validate_claim_update(old: dict, new: dict, server) -> None:
    """upstream PersistentVolumeClaimResize.Validate: after validation, growing a claim needs it bound and its class
    to allow expansion; refused with 403 in the plugin's words."""
    old_size, new_size = requested_storage(old), requested_storage(new)
    if old_size is None or new_size is None or parse_quantity(new_size) <= parse_quantity(old_size):
        return
    name = new["metadata"]["name"]
    if (old.get("status") or {}).get("phase") != "Bound":
        raise _forbidden(name, "Only bound persistent volume claims can be expanded")
    class_name = (new.get("spec") or {}).get("storageClassName") or ""
    found = server.storage.get("StorageClass", None, class_name) if class_name else None
    if found is None or not found.get("allowVolumeExpansion"):
        raise _forbidden(name, RESIZE_FORBIDDEN)


def _forbidden(name: str, why: str) -> errors.ApiError:
    """admission.NewForbidden on a claim."""
    return errors.ApiError(
        403,
        "Forbidden",
        f'persistentvolumeclaims "{name}" is forbidden: {why}',
        {"name": name, "kind": "persistentvolumeclaims"},
    )


def _protect(obj: dict, finalizer: str) -> None:
    finalizers = obj["metadata"].setdefault("finalizers", [])
    if finalizer not in finalizers:
        finalizers.append(finalizer)
