"""The `kubectl get` rows of PersistentVolumes, PersistentVolumeClaims and StorageClasses, as upstream's
printPersistentVolume, printPersistentVolumeClaim and printStorageClass (pkg/printers/internalversion)."""

from datetime import datetime

from cluster_engine.api.admission_storage import BETA_DEFAULT_CLASS_ANNOTATION, DEFAULT_CLASS_ANNOTATION
from cluster_engine.controllers.volume_match import claim_class, volume_class
from cluster_engine.openapi import definitions

from ..durations import age

UNSET = "<unset>"
# upstream GetAccessModesAsString: this order, whatever order the object lists them in
ACCESS_MODE_ABBREVIATIONS = (
    ("ReadWriteOnce", "RWO"),
    ("ReadOnlyMany", "ROX"),
    ("ReadWriteMany", "RWX"),
    ("ReadWriteOncePod", "RWOP"),
)


def access_modes(modes: list | None) -> str:
    present = set(modes or [])
    return ",".join(short for mode, short in ACCESS_MODE_ABBREVIATIONS if mode in present)


def _phase(obj: dict) -> str:
    return "Terminating" if obj["metadata"].get("deletionTimestamp") else (obj.get("status") or {}).get("phase", "")


def _attributes_class(spec: dict) -> str:
    return spec.get("volumeAttributesClassName") or UNSET


def _volume_mode(spec: dict) -> str:
    return spec.get("volumeMode") or UNSET


def persistent_volume_cells(volume: dict, now: datetime) -> list:
    spec, status = volume.get("spec") or {}, volume.get("status") or {}
    ref = spec.get("claimRef")
    return [
        volume["metadata"]["name"],
        str((spec.get("capacity") or {}).get("storage", "0")),
        access_modes(spec.get("accessModes")),
        spec.get("persistentVolumeReclaimPolicy", ""),
        _phase(volume),
        f"{ref.get('namespace', '')}/{ref.get('name', '')}" if ref else "",
        volume_class(volume),
        _attributes_class(spec),
        status.get("reason", ""),
        age(volume["metadata"].get("creationTimestamp"), now),
        _volume_mode(spec),
    ]


def claim_cells(claim: dict, now: datetime) -> list:
    spec, status = claim.get("spec") or {}, claim.get("status") or {}
    capacity = modes = ""
    if spec.get("volumeName"):
        modes = access_modes(status.get("accessModes"))
        capacity = str((status.get("capacity") or {}).get("storage", "0"))
    return [
        claim["metadata"]["name"],
        _phase(claim),
        spec.get("volumeName", ""),
        capacity,
        modes,
        claim_class(claim),
        _attributes_class(spec),
        age(claim["metadata"].get("creationTimestamp"), now),
        _volume_mode(spec),
    ]


def storage_class_cells(storage_class: dict, now: datetime) -> list:
    annotations = storage_class["metadata"].get("annotations") or {}
    name = storage_class["metadata"]["name"]
    if any(annotations.get(key) == "true" for key in (DEFAULT_CLASS_ANNOTATION, BETA_DEFAULT_CLASS_ANNOTATION)):
        name += " (default)"
    return [
        name,
        storage_class.get("provisioner", ""),
        storage_class.get("reclaimPolicy") or "Delete",
        storage_class.get("volumeBindingMode") or "Immediate",
        bool(storage_class.get("allowVolumeExpansion")),
        age(storage_class["metadata"].get("creationTimestamp"), now),
    ]


def _column(name: str, description: str, priority: int = 0, fmt: str = "") -> dict:
    return {"name": name, "type": "string", "format": fmt, "description": description, "priority": priority}


def _documented(definition: str) -> dict:
    return {key: value.get("description", "") for key, value in definitions()[definition]["properties"].items()}


def _columns(name: dict, created: dict, described: list[tuple[str, str]], wide: tuple = ()) -> list[dict]:
    """Name, the kind's own columns (title, description), Age, then the columns only `-o wide` shows."""
    return [
        name,
        *(_column(title, description) for title, description in described),
        created,
        *(_column(title, description, priority=1) for title, description in wide),
    ]


def storage_tables(name: dict, created: dict) -> dict[str, tuple]:
    """The three kinds' (columns, cells); upstream describes most columns with the API fields' own documentation
    (SwaggerDoc). `name` and `created` are the Name and Age columns every table shares."""
    pv_spec, pv_status = (
        _documented("io.k8s.api.core.v1.PersistentVolumeSpec"),
        _documented("io.k8s.api.core.v1.PersistentVolumeStatus"),
    )
    claim_spec = _documented("io.k8s.api.core.v1.PersistentVolumeClaimSpec")
    claim_status = _documented("io.k8s.api.core.v1.PersistentVolumeClaimStatus")
    storage_class = _documented("io.k8s.api.storage.v1.StorageClass")
    volume_columns = [
        ("Capacity", pv_spec["capacity"]),
        ("Access Modes", pv_spec["accessModes"]),
        ("Reclaim Policy", pv_spec["persistentVolumeReclaimPolicy"]),
        ("Status", pv_status["phase"]),
        ("Claim", pv_spec["claimRef"]),
        ("StorageClass", "StorageClass of the pv"),
        ("VolumeAttributesClass", "VolumeAttributesClass of the pv"),
        ("Reason", pv_status["reason"]),
    ]
    claim_columns = [
        ("Status", claim_status["phase"]),
        ("Volume", claim_spec["volumeName"]),
        ("Capacity", claim_status["capacity"]),
        ("Access Modes", claim_status["accessModes"]),
        ("StorageClass", "StorageClass of the pvc"),
        ("VolumeAttributesClass", "VolumeAttributesClass of the pvc"),
    ]
    class_columns = [
        (title, storage_class[field])
        for title, field in (
            ("Provisioner", "provisioner"),
            ("ReclaimPolicy", "reclaimPolicy"),
            ("VolumeBindingMode", "volumeBindingMode"),
            ("AllowVolumeExpansion", "allowVolumeExpansion"),
        )
    ]
    return {
        "PersistentVolume": (
            _columns(name, created, volume_columns, wide=(("VolumeMode", pv_spec["volumeMode"]),)),
            persistent_volume_cells,
        ),
        "PersistentVolumeClaim": (
            _columns(name, created, claim_columns, wide=(("VolumeMode", claim_spec["volumeMode"]),)),
            claim_cells,
        ),
        "StorageClass": (_columns(name, created, class_columns), storage_class_cells),
    }
