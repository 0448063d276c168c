"""Server-side apply (`PATCH` with `application/apply-patch+yaml`), as sigs.k8s.io/structured-merge-diff's Updater.

The applied configuration merges into the stored object field by field: scalars and atomic lists or maps are
replaced, keyed lists merge item by item (`x-kubernetes-list-map-keys`), sets merge by value. The applier then owns
exactly the fields of its configuration; fields it applied last time and no longer applies are removed unless some
other manager owns them. Changing a field another manager owns is a conflict (409 naming each field and manager)
unless the request forces it, which moves the field to the applier.
"""

import json

from . import errors, fieldpath, managedfields
from .clone import clone
from .kinds import Kind
from .managedfields import APPLY, Entry

MISSING = fieldpath.MISSING
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
# upstream lastAppliedManager and lastAppliedUpdater: only `kubectl apply --server-side` (whose manager is
# "kubectl") takes over from client-side apply, and keeps its annotation up to date
KUBECTL = "kubectl"


def apply(
    kind: Kind,
    live: dict,
    config: dict,
    manager: str,
    force: bool,
    now: str,
    sent: dict | None = None,
    subresource: str | None = None,
) -> dict:
    """The object after `manager` applies `config` to `live` (an empty object when creating), with its managers.

    `sent` is the configuration as the client sent it, which kubectl's last-applied annotation records; through
    the status subresource only the status is applied and owned (`subresource: status`)."""
    if config["metadata"].get("managedFields") is not None:
        raise errors.bad_request("metadata.managedFields must be nil")
    try:
        merged = _apply(kind, live, config, manager, force, now, subresource)
    except Conflicts as conflicts:
        if manager != KUBECTL:
            raise conflict_error(conflicts.found) from None
        allowed = _upgradable_from_client_side(kind, live)
        remaining = [(entry, path) for entry, path in conflicts.found if not _has(allowed, path)]
        if remaining:
            raise conflict_error(remaining) from None
        merged = _apply(kind, live, config, manager, True, now, subresource)
    if manager == KUBECTL and LAST_APPLIED in (merged["metadata"].get("annotations") or {}):
        merged["metadata"]["annotations"][LAST_APPLIED] = _last_applied(sent if sent is not None else config)
    return merged


class Conflicts(Exception):
    """The (entry, path) pairs an apply would take from other managers, before deciding whether it may."""

    def __init__(self, found: list):
        super().__init__(found)
        self.found = found


def _apply(kind: Kind, live: dict, config: dict, manager: str, force: bool, now: str, subresource: str | None):
    shape = fieldpath.root_shape(kind.api_version, kind.kind)
    managed = managedfields.decode(live["metadata"].get("managedFields") or [], stored=True) or {}
    tracked_config = managedfields.tracked(kind, config, subresource)
    merged = merge(live, tracked_config, shape)
    applied = fieldpath.difference(fieldpath.to_field_set(tracked_config, shape), managedfields.STRIPPED)
    mine = Entry(manager, APPLY, kind.api_version, subresource or "", applied, now)
    previous = managed.get(mine.identity)
    managed[mine.identity] = mine
    if previous is not None:
        merged = _prune(merged, shape, previous.fields, managed)
    added, modified, removed = managedfields.changes(kind, live, merged, subresource)
    taken = fieldpath.union(added, modified)
    conflicts = []
    for identity, entry in list(managed.items()):
        if identity == mine.identity:
            continue
        clash = fieldpath.intersection(entry.fields, taken)
        if clash:
            conflicts += [(entry, path) for path in fieldpath.members(clash)]
        kept = fieldpath.difference(fieldpath.difference(entry.fields, clash), removed)
        if kept is entry.fields:
            continue
        if kept:
            managed[identity] = Entry(
                entry.manager, entry.operation, entry.api_version, entry.subresource, kept, entry.time
            )
        else:
            del managed[identity]
    if conflicts and not force:
        raise Conflicts(conflicts)
    if not applied:
        del managed[mine.identity]
    elif not (added or modified or removed):
        # upstream returns no object for an apply that changes nothing, so the applier's time does not move
        mine.time = previous.time if previous is not None else None
    managedfields.store(merged, managed)
    return merged


# ---- taking over from client-side apply -------------------------------------------------------------------------
def _upgradable_from_client_side(kind: Kind, live: dict) -> dict:
    """upstream allowedConflictsFromLastApplied: the fields of the last-applied configuration whose values the
    object still holds, which `kubectl apply --server-side` may take over without a conflict."""
    recorded = (live["metadata"].get("annotations") or {}).get(LAST_APPLIED)
    if not recorded:
        return {}
    try:
        last = json.loads(recorded)
    except ValueError:
        return {}
    if not isinstance(last, dict) or last.get("apiVersion") != kind.api_version:
        return {}
    shape = fieldpath.root_shape(kind.api_version, kind.kind)
    fields = fieldpath.to_field_set(last, shape)
    added, modified, removed = fieldpath.compare(last, live, shape)
    for changed in (modified, added, removed):
        fields = fieldpath.difference(fields, changed)
    return fields


def _has(fields: dict, path: tuple) -> bool:
    for element in path[:-1]:
        fields = fieldpath.below(fields.get(element) or {})
    node = fields.get(path[-1])
    return node is not None and fieldpath.is_member(node)


def _last_applied(config: dict) -> str:
    """upstream buildLastApplied: the applied configuration as JSON (Go's sorted keys), without the annotation."""
    recorded = clone(config)
    annotations = (recorded.get("metadata") or {}).get("annotations")
    if annotations is not None:
        annotations.pop(LAST_APPLIED, None)
        if not annotations:
            del recorded["metadata"]["annotations"]
    return json.dumps(recorded, separators=(",", ":"), sort_keys=True) + "\n"


# ---- merging ------------------------------------------------------------------------------------------------------
def merge(live, config, shape: fieldpath.Shape):
    """upstream TypedValue.Merge: the configuration's values win; containers merge field by field, item by item."""
    if config is MISSING:
        return live
    if live is MISSING or live is None or config is None or shape.is_leaf(config) or shape.is_leaf(live):
        return clone(config)
    if isinstance(config, list):
        return _merge_list(live, config, shape)
    merged = dict(live)
    for name, value in config.items():
        merged[name] = merge(live.get(name, MISSING), value, shape.child(name))
    return merged


def _merge_list(live: list, config: list, shape: fieldpath.Shape) -> list:
    """Items present on both sides merge; order follows upstream's merge walk: the stored order, with the
    configuration's items placed in its own order."""
    live_items = fieldpath.list_items(shape, live)
    config_items = fieldpath.list_items(shape, config)
    element = shape.element or fieldpath.UNTYPED
    live_order, config_order = list(live_items), list(config_items)
    shared = [key for key in config_order if key in live_items]
    merged = []
    li = ci = 0
    next_shared = shared.pop(0) if shared else None
    while li < len(live_order) or ci < len(config_order):
        if li < len(live_order) and ci < len(config_order):
            key = live_order[li]
            if key == config_order[ci]:
                merged.append(merge(live_items[key], config_items[key], element))
                li += 1
                ci += 1
                next_shared = shared.pop(0) if shared else None
                continue
            if key in config_items and next_shared is not None and next_shared != key:
                li += 1
                continue
        if li < len(live_order):
            key = live_order[li]
            if key not in config_items:
                merged.append(live_items[key])
                li += 1
                continue
        if ci < len(config_order):
            key = config_order[ci]
            merged.append(merge(live_items.get(key, MISSING), config_items[key], element))
            ci += 1
            if next_shared is not None and next_shared == key:
                next_shared = shared.pop(0) if shared else None
    return merged


# ---- pruning ------------------------------------------------------------------------------------------------------
def _prune(merged: dict, shape: fieldpath.Shape, last_applied: dict, managed: dict) -> dict:
    """upstream Updater.prune: what the applier set last time, no longer sets, and nobody else owns, goes."""
    owned = {}
    for entry in managed.values():
        owned = fieldpath.union(owned, entry.fields)
    gone = fieldpath.difference(last_applied, owned)
    return _remove(merged, gone, shape) if gone else merged


def _remove(value, fields: dict, shape: fieldpath.Shape):
    """A copy of a container without the member fields in `fields`; a map or list that empties goes too."""
    if isinstance(value, list):
        kept = []
        for index, item in enumerate(value):
            element = fieldpath.item_element(shape, index, item)
            node = fields.get(element)
            if node is None:
                kept.append(item)
            elif not fieldpath.is_member(node):
                kept.append(_remove(item, node, shape.element or fieldpath.UNTYPED))
        return kept
    if not isinstance(value, dict):
        return value
    kept = {}
    for name, item in value.items():
        node = fields.get(f"f:{name}")
        if node is None:
            kept[name] = item
        elif not fieldpath.is_member(node):
            child_shape = shape.child(name)
            pruned = _remove(item, node, child_shape)
            if pruned or child_shape.form == "struct" or not isinstance(pruned, (dict, list)):
                kept[name] = pruned
    return kept


# ---- conflicts ----------------------------------------------------------------------------------------------------
def describe_manager(entry: Entry) -> str:
    """upstream printManager: `"kubectl" with subresource "scale" using apps/v1`; the manager identifier it prints
    never carries a time."""
    text = f'"{entry.manager}"'
    if entry.subresource:
        text += f' with subresource "{entry.subresource}"'
    if entry.operation == managedfields.UPDATE:
        text += f" using {entry.api_version}"
    return text


def conflict_error(conflicts: list[tuple[Entry, tuple]]) -> errors.ApiError:
    """upstream NewConflictError: a 409 whose message and causes list every conflicting field by manager."""
    conflicts = sorted(conflicts, key=lambda pair: describe_manager(pair[0]))
    causes = [
        {
            "reason": "FieldManagerConflict",
            "message": f"conflict with {describe_manager(entry)}",
            "field": fieldpath.path_string(path),
        }
        for entry, path in conflicts
    ]
    if len(conflicts) == 1:
        entry, path = conflicts[0]
        message = (
            f"Apply failed with 1 conflict: conflict with {describe_manager(entry)}: {fieldpath.path_string(path)}"
        )
    else:
        lines = []
        by_manager: dict[str, list[str]] = {}
        for entry, path in conflicts:
            by_manager.setdefault(describe_manager(entry), []).append(fieldpath.path_string(path))
        for described in sorted(by_manager):
            lines.append(f"conflicts with {described}:")
            lines += [f"- {path}" for path in by_manager[described]]
        message = f"Apply failed with {len(conflicts)} conflicts: " + "\n".join(lines)
    return errors.ApiError(409, "Conflict", message, {"causes": causes})
