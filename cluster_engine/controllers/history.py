"""ControllerRevisions: the history a StatefulSet keeps of its pod templates (upstream pkg/controller/history).

Each revision stores a patch that puts a template back (`{"spec": {"template": {..., "$patch": "replace"}}}`),
a revision number, the hash label `controller.kubernetes.io/hash` and a controller reference to its owner. It is
named `<owner>-<hash>`, the hash being FNV-1 32 over the patch (and the collision count, when one was needed),
written in the safe-encode alphabet. `kubectl rollout history` lists these objects and `kubectl rollout undo`
sends one's patch back to the owner.
"""

import json

from ..api.clone import clone
from ..api.errors import ApiError
from . import owners
from .template_hash import FNV32_OFFSET, FNV32_PRIME, safe_encode, without_nulls

HASH_LABEL = "controller.kubernetes.io/hash"
# upstream ControllerRevisionName: a longer owner name is cut so the name stays within 253 characters
MAX_PREFIX = 223


def fnv32(data: bytes) -> int:
    """FNV-1 (multiply, then xor), the hash upstream's history package uses (hash/fnv New32)."""
    value = FNV32_OFFSET
    for byte in data:
        value = (value * FNV32_PRIME) & 0xFFFFFFFF
        value ^= byte
    return value


def encoded(data: dict) -> bytes:
    """The patch as Go's encoding/json writes a map: keys sorted, no spaces."""
    return json.dumps(without_nulls(data), sort_keys=True, separators=(",", ":")).encode()


def revision_hash(data: dict, collision_count: int | None) -> str:
    raw = encoded(data)
    if collision_count is not None:
        raw += str(collision_count).encode()  # upstream writes the probe as a decimal string
    return safe_encode(str(fnv32(raw)))


def template_patch(template: dict) -> dict:
    """upstream getPatch: the set's template, marked to replace the live one wholesale."""
    return {"spec": {"template": {**clone(template), "$patch": "replace"}}}


def template_of(revision: dict) -> dict:
    """upstream ApplyRevision, for the one field a StatefulSet revision records."""
    template = clone(((revision.get("data") or {}).get("spec") or {}).get("template") or {})
    template.pop("$patch", None)
    return template


def new_revision(owner: dict, template: dict, number: int, collision_count: int | None) -> dict:
    """upstream NewControllerRevision (plus newRevision's copy of the owner's annotations)."""
    data = template_patch(template)
    hash_value = revision_hash(data, collision_count)
    labels = dict((template.get("metadata") or {}).get("labels") or {})
    labels[HASH_LABEL] = hash_value
    metadata = {
        "name": f"{owner['metadata']['name'][:MAX_PREFIX]}-{hash_value}",
        "namespace": owner["metadata"]["namespace"],
        "labels": labels,
        "ownerReferences": [owners.new_controller_ref(owner)],
    }
    annotations = owner["metadata"].get("annotations")
    if annotations:
        metadata["annotations"] = dict(annotations)
    return {
        "apiVersion": "apps/v1",
        "kind": "ControllerRevision",
        "metadata": metadata,
        "data": data,
        "revision": number,
    }


def sorted_by_number(revisions: list[dict]) -> list[dict]:
    """upstream SortControllerRevisions: by revision number, then creation, then name."""
    return sorted(
        revisions,
        key=lambda r: (r.get("revision", 0), r["metadata"].get("creationTimestamp", ""), r["metadata"]["name"]),
    )


def equal(left: dict, right: dict) -> bool:
    """upstream EqualRevision: the same recorded data."""
    return without_nulls(left.get("data")) == without_nulls(right.get("data"))


def create(ctx, owner: dict, revision: dict, collision_count: int) -> tuple[dict, int]:
    """upstream CreateControllerRevision: on a name taken by different data, count a collision and rehash."""
    while True:
        candidate = new_revision(owner, template_of(revision), revision["revision"], collision_count)
        try:
            return ctx.client.create("ControllerRevision", candidate), collision_count
        except ApiError as error:
            if error.reason != "AlreadyExists":
                raise
            existing = ctx.client.get(
                "ControllerRevision", owner["metadata"]["namespace"], candidate["metadata"]["name"]
            )
            if equal(existing, candidate):
                return existing, collision_count
            collision_count += 1


def renumber(ctx, revision: dict, number: int) -> dict:
    """upstream UpdateControllerRevision: an older template becomes the newest revision again (a rollback)."""
    if revision.get("revision") == number:
        return revision
    return ctx.client.update("ControllerRevision", {**clone(revision), "revision": number})
