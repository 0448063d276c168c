"""A DaemonSet's ControllerRevisions: one per pod template it has had (pkg/controller/daemon/update.go).

Each revision stores the template as the strategic merge patch upstream's getPatch makes (`spec.template` with
`$patch: replace`), named `<daemonset>-<hash>` and numbered. `kubectl rollout history` lists them and `rollout undo`
applies an old one's patch to the DaemonSet; the template that matches an old revision takes the next number.
"""

from ..api.clone import clone
from ..api.errors import ApiError
from . import owners
from .daemon_pods import REVISION_HASH_LABEL
from .template_hash import pod_template_hash, without_nulls


def revision_patch(ds: dict) -> dict:
    """upstream getPatch: only spec.template, which replaces the DaemonSet's whole template when applied."""
    template = without_nulls(clone(ds["spec"].get("template") or {}))
    return {"spec": {"template": {**template, "$patch": "replace"}}}


def revision_number(revision: dict) -> int:
    return int(revision.get("revision") or 0)


def construct_history(ctx, ds: dict) -> tuple[dict, list[dict]]:
    """upstream constructHistory: the current revision (created or renumbered as needed) and the old ones."""
    revisions = owners.claim(ctx, ds, "ControllerRevision", ds["spec"].get("selector"))
    patch = revision_patch(ds)
    current = [revision for revision in revisions if revision.get("data") == patch]
    old = [revision for revision in revisions if revision.get("data") != patch]
    next_number = max((revision_number(revision) for revision in old), default=0) + 1
    if not current:
        return _create(ctx, ds, patch, next_number), old
    current.sort(key=revision_number)
    keep, duplicates = current[-1], current[:-1]
    for duplicate in duplicates:  # upstream dedupCurRevisions keeps the newest
        _delete(ctx, duplicate)
    if revision_number(keep) < next_number:
        keep = ctx.client.update("ControllerRevision", {**keep, "revision": next_number})
    return keep, old


def revision_hash(revision: dict) -> str:
    return (revision["metadata"].get("labels") or {}).get(REVISION_HASH_LABEL, "")


def _create(ctx, ds: dict, patch: dict, number: int) -> dict:
    collision_count = (ds.get("status") or {}).get("collisionCount")
    template_hash = pod_template_hash(ds["spec"].get("template") or {}, collision_count)
    template_labels = ((ds["spec"].get("template") or {}).get("metadata") or {}).get("labels") or {}
    revision = {
        "apiVersion": "apps/v1",
        "kind": "ControllerRevision",
        "metadata": {
            "name": f"{ds['metadata']['name']}-{template_hash}",
            "namespace": ds["metadata"]["namespace"],
            "labels": {**template_labels, REVISION_HASH_LABEL: template_hash},
            "ownerReferences": [owners.new_controller_ref(ds)],
        },
        "data": patch,
        "revision": number,
    }
    if ds["metadata"].get("annotations"):
        revision["metadata"]["annotations"] = dict(ds["metadata"]["annotations"])
    return ctx.client.create("ControllerRevision", revision)


def cleanup_history(ctx, ds: dict, old: list[dict], live_hashes: set[str]) -> None:
    """upstream cleanupHistory: past revisionHistoryLimit, delete the oldest revisions no live pod runs."""
    limit = ds["spec"].get("revisionHistoryLimit", 10)  # upstream default: 10
    unused = sorted((rev for rev in old if revision_hash(rev) not in live_hashes), key=revision_number)
    for revision in unused[: max(0, len(old) - limit)]:
        _delete(ctx, revision)


def _delete(ctx, revision: dict) -> None:
    try:
        ctx.client.delete("ControllerRevision", revision["metadata"]["namespace"], revision["metadata"]["name"])
    except ApiError as error:
        if error.code != 404:
            raise
