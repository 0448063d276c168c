"""Owner references: who controls an object, and how a controller adopts orphans and releases strays.

A controller owns the objects its selector matches: it adopts an orphan that matches (adding itself as the
controller owner reference) and releases an object it owns that no longer matches, as upstream's
ControllerRefManager does. The references are what the garbage collector follows when the owner goes.
"""

from ..api.errors import ApiError
from ..api.labels import selector_matches

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
    """Index value: the controlling owner's uid, or "orphan/<namespace>" for an object nobody controls."""
    reference = controller_ref(obj)
    return [reference["uid"]] if reference else [f"orphan/{obj['metadata'].get('namespace')}"]


def claim(ctx, owner: dict, kind: str, selector: dict) -> list[dict]:
    """The objects of `kind` `owner` controls after adopting matching orphans and releasing strays.

    Only non-deleted objects are adopted; an owner that is itself being deleted neither adopts nor releases.
    """
    informer = ctx.cache.informer(kind)
    metadata = owner["metadata"]
    claimed = []
    for obj in informer.by_index(CONTROLLER_INDEX, metadata["uid"]):
        labels = obj["metadata"].get("labels")
        if selector_matches(selector, labels):
            claimed.append(obj)
        elif not metadata.get("deletionTimestamp"):
            _release(ctx, kind, obj, metadata["uid"])
    if metadata.get("deletionTimestamp"):
        return claimed
    for obj in informer.by_index(CONTROLLER_INDEX, f"orphan/{metadata.get('namespace')}"):
        if obj["metadata"].get("deletionTimestamp") or not selector_matches(selector, obj["metadata"].get("labels")):
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
