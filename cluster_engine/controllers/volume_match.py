"""Which PersistentVolume suits a claim: upstream's findBestMatchForClaim (pkg/controller/volume/persistentvolume
index.go) and the checks behind it (component-helpers/storage/volume).

Volumes are tried by access modes, the smallest set that holds every mode the claim asks for first; among them
the volume already meant for this claim wins outright, else the smallest one that is big enough, free, of the
claim's class, matching its selector and volume mode. A claim whose class waits for its first consumer is matched
only with a volume pre-bound to it: the scheduler chooses for the others, knowing the node.
"""

from ..api.labels import selector_matches
from ..api.quantity import parse_quantity

BETA_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class"


def claim_class(claim: dict) -> str:
    """GetPersistentVolumeClaimClass: the beta annotation, else spec.storageClassName, else ""."""
    annotations = claim["metadata"].get("annotations") or {}
    if BETA_CLASS_ANNOTATION in annotations:
        return annotations[BETA_CLASS_ANNOTATION]
    return (claim.get("spec") or {}).get("storageClassName") or ""


def volume_class(volume: dict) -> str:
    annotations = volume["metadata"].get("annotations") or {}
    if BETA_CLASS_ANNOTATION in annotations:
        return annotations[BETA_CLASS_ANNOTATION]
    return (volume.get("spec") or {}).get("storageClassName") or ""


def storage_of(obj: dict, field: str):
    """A quantity of storage: spec.capacity of a volume, spec.resources.requests of a claim (0 when missing)."""
    spec = obj.get("spec") or {}
    amounts = spec.get("capacity") if field == "capacity" else (spec.get("resources") or {}).get("requests")
    return parse_quantity((amounts or {}).get("storage", 0))


def bound_to_claim(volume: dict, claim: dict) -> bool:
    """IsVolumeBoundToClaim: the volume's claimRef names this claim (and its uid, once known)."""
    ref = (volume.get("spec") or {}).get("claimRef")
    if not ref:
        return False
    metadata = claim["metadata"]
    if ref.get("name") != metadata["name"] or ref.get("namespace") != metadata.get("namespace"):
        return False
    return not ref.get("uid") or ref["uid"] == metadata.get("uid")


def volume_mode_mismatch(claim: dict, volume: dict) -> bool:
    """CheckVolumeModeMismatches: an unset mode means Filesystem on either side."""
    claim_mode = (claim.get("spec") or {}).get("volumeMode") or "Filesystem"
    return claim_mode != ((volume.get("spec") or {}).get("volumeMode") or "Filesystem")


def access_modes_fit(claim: dict, volume: dict) -> bool:
    """CheckAccessModes: every mode the claim asks for is one the volume offers."""
    offered = set((volume.get("spec") or {}).get("accessModes") or [])
    return set((claim.get("spec") or {}).get("accessModes") or []) <= offered


def satisfy_problem(volume: dict, claim: dict) -> str:
    """checkVolumeSatisfyClaim: why a volume the claim names cannot serve it (VolumeMismatch), or ""."""
    if volume["metadata"].get("deletionTimestamp"):
        return f'the volume is marked for deletion "{volume["metadata"]["name"]}"'
    if storage_of(volume, "capacity") < storage_of(claim, "requests"):
        return "requested PV is too small"
    if volume_class(volume) != claim_class(claim):
        return "storageClassName does not match"
    if volume_mode_mismatch(claim, volume):
        return "incompatible volumeMode"
    if not access_modes_fit(claim, volume):
        return "incompatible accessMode"
    return ""


def find_best_match(volumes: list[dict], claim: dict, delay_binding: bool) -> dict | None:
    """findBestMatchForClaim, from the PV controller (no node: the scheduler's own path is not ours)."""
    wanted = set((claim.get("spec") or {}).get("accessModes") or [])
    mode_sets = sorted(
        {frozenset((volume.get("spec") or {}).get("accessModes") or []) for volume in volumes},
        key=lambda modes: (len(modes), sorted(modes)),
    )
    for modes in mode_sets:
        if not wanted <= modes:
            continue
        match = _find_matching(
            [volume for volume in volumes if frozenset(volume["spec"].get("accessModes") or []) == modes],
            claim,
            delay_binding,
        )
        if match is not None:
            return match
    return None


def _find_matching(volumes: list[dict], claim: dict, delay_binding: bool) -> dict | None:
    """FindMatchingVolume with no node."""
    requested = storage_of(claim, "requests")
    wanted_class = claim_class(claim)
    selector = (claim.get("spec") or {}).get("selector")
    smallest, smallest_size = None, None
    for volume in sorted(volumes, key=lambda item: item["metadata"]["name"]):
        if volume_mode_mismatch(claim, volume) or volume["metadata"].get("deletionTimestamp"):
            continue
        if bound_to_claim(volume, claim):
            return volume
        if delay_binding:
            continue  # the scheduler binds a claim that waits for its first consumer
        if volume["spec"].get("claimRef") or (volume.get("status") or {}).get("phase") != "Available":
            continue
        if selector is not None and not selector_matches(selector, volume["metadata"].get("labels") or {}):
            continue
        if volume_class(volume) != wanted_class:
            continue
        size = storage_of(volume, "capacity")
        if size >= requested and (smallest_size is None or size < smallest_size):
            smallest, smallest_size = volume, size
    return smallest
