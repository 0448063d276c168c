"""Owner references: who controls an object, and how a controller adopts orphans and releases strays.

A controller owns the objects its selector matches: it adopts an orphan that matches (adding itself as the
controller owner reference) and releases an object it owns that no longer matches, as upstream's
ControllerRefManager does. The references are what the garbage collector follows when the owner goes.
"""

from ..api.errors import ApiError
from ..api.labels import matches, requirements_from_selector

CONTROLLER_INDEX = "controllers:controller-uid"


def controller_ref(obj: dict) -> dict | None:
    for reference in obj["metadata"].get("ownerReferences") or []:
        if reference.get("controller"):
            return reference
    return None


def new_controller_ref(owner: dict) -> dict:
    """The reference a controller puts on what it creates: controller=true, blockOwnerDeletion=true."""
    return {
        "apiVersion": owner["apiVersion"],
        "kind": owner["kind"],
        "name": owner["metadata"]["name"],
        "uid": owner["metadata"]["uid"],
        "controller": True,
        "blockOwnerDeletion": True,
    }


def controller_index(obj: dict) -> list[str]:
    """Index values: the controlling owner's uid; for an object nobody controls, "orphan/<namespace>" and one
    "orphan/<namespace>/<label>=<value>" per label, so adoption looks only at orphans that share a selector's label
    instead of every orphan in the namespace."""
    reference = controller_ref(obj)
    if reference:
        return [reference["uid"]]
    namespace = obj["metadata"].get("namespace")
    labels = obj["metadata"].get("labels") or {}
    return [f"orphan/{namespace}", *(f"orphan/{namespace}/{key}={value}" for key, value in labels.items())]


def _orphan_candidates(informer, namespace: str | None, requirements) -> list[dict]:
    """Orphans that could match: those carrying the selector's first exact label, else the whole namespace."""
    for key, operator, values in requirements:
        if operator == "In" and len(values) == 1:
            return informer.by_index(CONTROLLER_INDEX, f"orphan/{namespace}/{key}={values[0]}")
    return informer.by_index(CONTROLLER_INDEX, f"orphan/{namespace}")


def claim(ctx, owner: dict, kind: str, selector: dict, accept=None) -> list[dict]:
    """The objects of `kind` `owner` controls after adopting matching orphans and releasing strays.

    Only non-deleted objects are adopted; an owner that is itself being deleted neither adopts nor releases.
    `accept`, when given, is a further test an object must pass to match (upstream's ClaimPods filters: a
    StatefulSet claims only pods named as its members).
    """
    informer = ctx.cache.informer(kind)
    metadata = owner["metadata"]
    requirements = requirements_from_selector(selector)  # parsed once, matched against every candidate
    claimed = []
    for obj in informer.by_index(CONTROLLER_INDEX, metadata["uid"]):
        labels = obj["metadata"].get("labels")
        if matches(requirements, labels) and (accept is None or accept(obj)):
            claimed.append(obj)
        elif not metadata.get("deletionTimestamp"):
            _release(ctx, kind, obj, metadata["uid"])
    if metadata.get("deletionTimestamp"):
        return claimed
    for obj in _orphan_candidates(informer, metadata.get("namespace"), requirements):
        if obj["metadata"].get("deletionTimestamp") or not matches(requirements, obj["metadata"].get("labels")):
            continue
        if accept is not None and not accept(obj):
            continue
        adopted = _adopt(ctx, owner, kind, obj)
        if adopted is not None:
            claimed.append(adopted)
    return claimed


def _adopt(ctx, owner: dict, kind: str, obj: dict) -> dict | None:
    # upstream re-reads the owner before adopting so a stale cache never adopts on behalf of a deleted owner
    fresh = ctx.client.get(owner["kind"], owner["metadata"].get("namespace"), owner["metadata"]["name"])
    if fresh["metadata"]["uid"] != owner["metadata"]["uid"] or fresh["metadata"].get("deletionTimestamp"):
        return None
    references = [*(obj["metadata"].get("ownerReferences") or []), new_controller_ref(owner)]
    patch = {"metadata": {"ownerReferences": references, "resourceVersion": obj["metadata"]["resourceVersion"]}}
    try:
        return ctx.client.patch(kind, obj["metadata"].get("namespace"), obj["metadata"]["name"], patch)
    except ApiError as error:
        if error.code == 404:
            return None
        raise


def _release(ctx, kind: str, obj: dict, owner_uid: str) -> None:
    references = [ref for ref in obj["metadata"].get("ownerReferences") or [] if ref.get("uid") != owner_uid]
    patch = {"metadata": {"ownerReferences": references, "resourceVersion": obj["metadata"]["resourceVersion"]}}
    try:
        ctx.client.patch(kind, obj["metadata"].get("namespace"), obj["metadata"]["name"], patch)
    except ApiError as error:
        if error.code != 404:
            raise
