"""Validation of StorageClass, PersistentVolume and PersistentVolumeClaim, worded as upstream's
pkg/apis/storage/validation and pkg/apis/core/validation.

A claim's spec is fixed once created, except that a bound claim may ask for more storage (never less): the
expansion itself is then judged by the PersistentVolumeClaimResize admission plugin, against its class.
"""

import json

from . import names
from .errors import FieldError, forbidden, invalid, not_supported, required
from .podspec import _node_selector_term, label_selector
from .quantity import parse_quantity

ACCESS_MODES = ("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod")
VOLUME_MODES = ("Block", "Filesystem")
PV_RECLAIM_POLICIES = ("Delete", "Recycle", "Retain")
CLASS_RECLAIM_POLICIES = ("Delete", "Retain")
BINDING_MODES = ("Immediate", "WaitForFirstConsumer")
# upstream: the sources a PersistentVolume may name (PersistentVolumeSource's fields); exactly one is required
PV_SOURCES = (
    "hostPath",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "glusterfs",
    "flocker",
    "nfs",
    "rbd",
    "quobyte",
    "cephfs",
    "iscsi",
    "cinder",
    "fc",
    "flexVolume",
    "azureFile",
    "vsphereVolume",
    "photonPersistentDisk",
    "portworxVolume",
    "azureDisk",
    "scaleIO",
    "local",
    "storageos",
    "csi",
)
NOT_POSITIVE = "must be greater than zero"
CLAIM_SPEC_IMMUTABLE = (
    "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"
)
# upstream: maxProvisionerParameterLen, the most parameters a StorageClass may carry
MAX_PARAMETERS = 512


def storage_class(obj: dict) -> list[FieldError]:
    """upstream ValidateStorageClass."""
    problems = []
    provisioner = obj.get("provisioner") or ""
    if not provisioner:
        problems.append(required("provisioner"))
    else:
        problems += [
            invalid("provisioner", provisioner.lower(), message)
            for message in names.qualified_name_messages(provisioner.lower())
        ]
    parameters = obj.get("parameters") or {}
    if len(parameters) > MAX_PARAMETERS:
        problems.append(
            FieldError(
                "parameters", "FieldValueTooLong", f"Provisioner Parameters exceeded max allowed: {MAX_PARAMETERS}"
            )
        )
    problems += [invalid("parameters", key, "field can not be empty.") for key in parameters if not key]
    policy = obj.get("reclaimPolicy")
    if policy and policy not in CLASS_RECLAIM_POLICIES:
        problems.append(not_supported("reclaimPolicy", policy, CLASS_RECLAIM_POLICIES))
    mode = obj.get("volumeBindingMode")
    if mode is None:
        problems.append(required("volumeBindingMode"))
    elif mode not in BINDING_MODES:
        problems.append(not_supported("volumeBindingMode", mode, BINDING_MODES))
    return problems


def persistent_volume(obj: dict) -> list[FieldError]:
    """upstream ValidatePersistentVolumeSpec (not inline)."""
    spec = obj.get("spec") or {}
    problems = _access_modes(spec.get("accessModes") or [], "spec.accessModes", "")
    capacity = spec.get("capacity") or {}
    if not capacity:
        problems.append(required("spec.capacity"))
    if "storage" not in capacity or len(capacity) > 1:
        problems.append(not_supported("spec.capacity", capacity, ("storage",)))
    for resource, amount in capacity.items():
        problems += _positive(amount, f"spec.capacity[{resource}]")
    policy = spec.get("persistentVolumeReclaimPolicy")
    if policy and policy not in PV_RECLAIM_POLICIES:
        problems.append(not_supported("spec.persistentVolumeReclaimPolicy", policy, PV_RECLAIM_POLICIES))
    affinity = spec.get("nodeAffinity")
    if affinity is not None:
        problems += _volume_node_affinity(affinity, "spec.nodeAffinity")
    sources = [source for source in PV_SOURCES if spec.get(source) is not None]
    if not sources:
        problems.append(required("spec", "must specify a volume type"))
    problems += [forbidden(f"spec.{source}", "may not specify more than 1 volume type") for source in sources[1:]]
    csi = spec.get("csi")
    if isinstance(csi, dict):
        problems += _csi_driver(csi.get("driver") or "", "spec.csi.driver")
        if not csi.get("volumeHandle"):
            problems.append(required("spec.csi.volumeHandle"))
    if spec.get("local") is not None and affinity is None:
        problems.append(required("spec.nodeAffinity", "Local volume requires node affinity"))
    problems += _class_name(spec.get("storageClassName"), "spec.storageClassName")
    if spec.get("volumeMode") is not None and spec["volumeMode"] not in VOLUME_MODES:
        problems.append(not_supported("spec.volumeMode", spec["volumeMode"], VOLUME_MODES))
    return problems


def persistent_volume_claim(obj: dict) -> list[FieldError]:
    """upstream ValidatePersistentVolumeClaimSpec."""
    spec = obj.get("spec") or {}
    problems = _access_modes(spec.get("accessModes") or [], "spec.accessModes", "at least 1 access mode is required")
    if spec.get("selector") is not None:
        problems += label_selector(spec["selector"], "spec.selector")
    requests = (spec.get("resources") or {}).get("requests") or {}
    if "storage" not in requests:
        problems.append(required("spec.resources[storage]"))
    else:
        problems += _positive(requests["storage"], "spec.resources[storage]")
    problems += _class_name(spec.get("storageClassName"), "spec.storageClassName")
    if spec.get("volumeMode") is not None and spec["volumeMode"] not in VOLUME_MODES:
        problems.append(not_supported("spec.volumeMode", spec["volumeMode"], VOLUME_MODES))
    return problems


def storage_update(kind: str, old: dict, new: dict) -> list[FieldError]:
    """The fields an update may not change, for the three storage kinds."""
    if kind == "StorageClass":
        return _storage_class_update(old, new)
    if kind == "PersistentVolume":
        return _persistent_volume_update(old, new)
    if kind == "PersistentVolumeClaim":
        return _claim_update(old, new)
    return []


def _storage_class_update(old: dict, new: dict) -> list[FieldError]:
    """upstream ValidateStorageClassUpdate."""
    problems = []
    if (old.get("parameters") or {}) != (new.get("parameters") or {}):
        problems.append(forbidden("parameters", "updates to parameters are forbidden."))
    if old.get("provisioner") != new.get("provisioner"):
        problems.append(forbidden("provisioner", "updates to provisioner are forbidden."))
    if old.get("reclaimPolicy") != new.get("reclaimPolicy"):
        problems.append(forbidden("reclaimPolicy", "updates to reclaimPolicy are forbidden."))
    if old.get("volumeBindingMode") != new.get("volumeBindingMode"):
        problems.append(invalid("volumeBindingMode", new.get("volumeBindingMode"), "field is immutable"))
    return problems


def _persistent_volume_update(old: dict, new: dict) -> list[FieldError]:
    """upstream ValidatePersistentVolumeUpdate: the source, the volume mode and a set node affinity are fixed."""
    old_spec, new_spec = old.get("spec") or {}, new.get("spec") or {}
    problems = []
    old_source = {key: old_spec[key] for key in PV_SOURCES if key in old_spec}
    new_source = {key: new_spec[key] for key in PV_SOURCES if key in new_spec}
    if old_source != new_source:
        diff = go_diff("core.PersistentVolumeSource", old_source, new_source)
        problems.append(
            forbidden("spec.persistentvolumesource", f"spec.persistentvolumesource is immutable after creation\n{diff}")
        )
    if old_spec.get("volumeMode") != new_spec.get("volumeMode"):
        problems.append(invalid("volumeMode", new_spec.get("volumeMode"), "field is immutable"))
    if old_spec.get("nodeAffinity") is not None and old_spec["nodeAffinity"] != new_spec.get("nodeAffinity"):
        problems.append(invalid("nodeAffinity", new_spec.get("nodeAffinity"), "field is immutable"))
    return problems


def _claim_update(old: dict, new: dict) -> list[FieldError]:
    """upstream ValidatePersistentVolumeClaimUpdate, with RecoverVolumeExpansionFailure (GA in 1.34)."""
    old_spec, new_spec = dict(old.get("spec") or {}), dict(new.get("spec") or {})
    compared_old, compared_new = dict(old_spec), dict(new_spec)
    if not old_spec.get("volumeName"):
        compared_old["volumeName"] = new_spec.get("volumeName")  # the PV controller sets it once
    if old_spec.get("storageClassName") is None and new_spec.get("storageClassName") is not None:
        compared_old["storageClassName"] = new_spec["storageClassName"]  # a nil class may be set once
    bound = (new.get("status") or {}).get("phase") == "Bound"
    if bound:
        compared_new["resources"] = _with_requested_storage(compared_new, _requested(old_spec))
    problems = []
    if _without_unset(compared_old) != _without_unset(compared_new):
        diff = go_diff("core.PersistentVolumeClaimSpec", compared_old, compared_new)
        problems.append(forbidden("spec", f"{CLAIM_SPEC_IMMUTABLE}\n{diff}"))
    old_size, new_size = _size(_requested(old_spec)), _size(_requested(new_spec))
    if None not in (old_size, new_size) and new_size < old_size:
        # upstream lets a claim step back towards status.capacity (recovering a failed expansion), never below it
        capacity = _size(((old.get("status") or {}).get("capacity") or {}).get("storage")) or 0
        if new_size <= capacity:
            problems.append(forbidden("spec.resources.requests.storage", "field can not be less than status.capacity"))
    if old_spec.get("volumeMode") != new_spec.get("volumeMode"):
        problems.append(invalid("volumeMode", new_spec.get("volumeMode"), "field is immutable"))
    return problems


def requested_storage(claim: dict):
    """The storage a claim asks for (spec.resources.requests.storage), as written."""
    return _requested(claim.get("spec") or {})


def _requested(spec: dict):
    return ((spec.get("resources") or {}).get("requests") or {}).get("storage")


def _with_requested_storage(spec: dict, amount) -> dict:
    resources = dict(spec.get("resources") or {})
    requests = dict(resources.get("requests") or {})
    if amount is None:
        requests.pop("storage", None)
    else:
        requests["storage"] = amount
    resources["requests"] = requests
    return resources


def _size(amount):
    try:
        return None if amount is None else parse_quantity(amount)
    except ValueError:
        return None


def _without_unset(spec: dict) -> dict:
    return {key: value for key, value in spec.items() if value not in (None, "", [], {})}


def _positive(amount, path: str) -> list[FieldError]:
    """upstream ValidatePositiveQuantityValue, quoting the quantity as its canonical string."""
    size = _size(amount)
    if size is not None and size <= 0:
        return [invalid(path, str(amount), NOT_POSITIVE)]
    return []


def _access_modes(modes: list, path: str, missing: str) -> list[FieldError]:
    problems = [] if modes else [required(path, missing)]
    problems += [not_supported(path, mode, ACCESS_MODES) for mode in modes if mode not in ACCESS_MODES]
    known = [mode for mode in modes if mode in ACCESS_MODES]
    if "ReadWriteOncePod" in known and any(mode != "ReadWriteOncePod" for mode in known):
        problems.append(forbidden(path, "may not use ReadWriteOncePod with other access modes"))
    return problems


def _class_name(name, path: str) -> list[FieldError]:
    """upstream ValidateClassName: a DNS subdomain."""
    if not name:
        return []
    return [invalid(path, name, message) for message in names.dns1123_subdomain_messages(name)]


def _csi_driver(driver: str, path: str) -> list[FieldError]:
    """upstream ValidateCSIDriverName."""
    if not driver:
        return [required(path)]
    problems = []
    if len(driver) > 63:
        problems.append(FieldError(path, "FieldValueTooLong", "must have at most 63 bytes"))
    problems += [invalid(path, driver, message) for message in names.dns1123_subdomain_messages(driver.lower())]
    return problems


def _volume_node_affinity(affinity: dict, path: str) -> list[FieldError]:
    """upstream validateVolumeNodeAffinity: required terms, each a valid node selector term."""
    required_selector = affinity.get("required")
    if required_selector is None:
        return [required(f"{path}.required", "must specify required node constraints")]
    terms = required_selector.get("nodeSelectorTerms") or []
    if not terms:
        return [required(f"{path}.required.nodeSelectorTerms", "must have at least one node selector term")]
    problems = []
    for index, term in enumerate(terms):
        problems += _node_selector_term(term, f"{path}.required.nodeSelectorTerms[{index}]")
    return problems


def go_diff(type_name: str, old: dict, new: dict) -> str:
    """The changed fields in the shape of the cmp.Diff upstream appends to an immutability error: `-` old, `+` new,
    Go field names; values are rendered as JSON rather than Go literals."""
    lines = [f"  {type_name}{{"]
    for key in sorted(set(old) | set(new)):
        if old.get(key) == new.get(key):
            continue
        field = key[:1].upper() + key[1:]
        if key in old and old[key] is not None:
            lines.append(f"- \t{field}: {json.dumps(old[key], separators=(',', ':'))},")
        if key in new and new[key] is not None:
            lines.append(f"+ \t{field}: {json.dumps(new[key], separators=(',', ':'))},")
    lines.append("  }")
    return "\n".join(lines) + "\n"
