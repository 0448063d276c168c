"""metadata.managedFields: who set which field, kept on every write as upstream's field manager keeps it
(k8s.io/apimachinery/pkg/util/managedfields/internal).

An entry per manager and operation (`Update` for create, update and patch; `Apply` for server-side apply) holds the
fields that manager last set, with the time it last changed something. A write compares the stored object with the
new one: the fields it adds or changes become the writer's and leave every other entry, removed fields leave every
entry. At most ten `Update` entries are kept; the oldest are merged into an `ancient-changes` entry.
"""

from functools import cache

from . import errors, fieldpath
from .clone import Unchanging
from .kinds import Kind

APPLY, UPDATE = "Apply", "Update"
# upstream: DefaultMaxUpdateManagers
MAX_UPDATE_MANAGERS = 10
ANCIENT_CHANGES = "ancient-changes"
# upstream: validation.FieldManagerMaxLength and MaxSubresourceNameLength
FIELD_MANAGER_MAX_LENGTH = 128
MAX_SUBRESOURCE_NAME_LENGTH = 256
# upstream stripMetaManager: fields no manager ever owns
STRIPPED = {
    "f:apiVersion": {},
    "f:kind": {},
    "f:metadata": {
        ".": {},
        **{
            f"f:{name}": {}
            for name in (
                "name",
                "namespace",
                "creationTimestamp",
                "selfLink",
                "uid",
                "clusterName",
                "generation",
                "managedFields",
                "resourceVersion",
            )
        },
    },
}


class Entry:
    """One manager's fields (a FieldsV1 set) at an API version, with the time it last changed any."""

    __slots__ = ("manager", "operation", "api_version", "subresource", "fields", "time", "stored")

    def __init__(self, manager, operation, api_version, subresource, fields, time, stored=None):
        self.manager, self.operation, self.api_version = manager, operation, api_version
        self.subresource, self.fields, self.time = subresource, fields, time
        # the entry as stored, reused while its fields stay the same: most writes change one manager's set
        self.stored = stored

    @property
    def identity(self) -> tuple:
        """upstream BuildManagerIdentifier: an applier is one manager whatever version it applied at."""
        version = "" if self.operation == APPLY else self.api_version
        return (self.manager, self.operation, version, self.subresource)

    def encoded(self) -> dict:
        """The entry as stored, marked Unchanging: copies of the object share it instead of walking it."""
        if self.stored is not None:
            if self.stored.get("time") == self.time:
                return self.stored
            return Unchanging({**self.stored, "time": self.time})
        entry = Unchanging(manager=self.manager, operation=self.operation, apiVersion=self.api_version)
        if self.time:
            entry["time"] = self.time
        entry["fieldsType"] = "FieldsV1"
        entry["fieldsV1"] = fieldpath.canonical(self.fields)
        if self.subresource:
            entry["subresource"] = self.subresource
        return entry


def decode(entries, stored: bool = False) -> dict | None:
    """upstream DecodeManagedFields: entries by identity, or None when any entry does not decode. Entries read
    from storage were checked when written, so only their shape is trusted without a walk."""
    if not isinstance(entries, list):
        return None
    managed = {}
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("operation") not in (APPLY, UPDATE):
            return None
        if not entry.get("apiVersion") or entry.get("fieldsType") != "FieldsV1":
            return None
        fields = entry.get("fieldsV1") or {}
        if not stored and (
            not fieldpath.valid(fields)
            or not all(isinstance(entry.get(name, ""), str) for name in ("manager", "subresource", "apiVersion"))
        ):
            return None
        decoded = Entry(
            entry.get("manager", ""),
            entry["operation"],
            entry["apiVersion"],
            entry.get("subresource", ""),
            fields,
            entry.get("time"),
            entry if stored else None,
        )
        managed[decoded.identity] = decoded
    return managed


def encode(managed: dict) -> list:
    """upstream sortEncodedManagedFields: by operation, time, manager, apiVersion, subresource."""
    ordered = sorted(
        managed.values(),
        key=lambda e: (e.operation, e.time or "", e.manager, e.api_version, e.subresource),
    )
    return [entry.encoded() for entry in ordered]


def store(obj: dict, managed: dict) -> None:
    encoded = encode(managed)
    if encoded:
        obj["metadata"]["managedFields"] = encoded
    else:
        obj["metadata"].pop("managedFields", None)


def _is_reset(entries) -> bool:
    """upstream isResetManagedFields: `[]` or `[{}]` asks to forget every manager."""
    return isinstance(entries, list) and (entries == [] or entries == [{}])


def starting_managers(live: dict | None, new: dict, subresource: str | None) -> tuple[dict, bool]:
    """upstream decodeLiveOrNew: a subresource keeps the stored managers; otherwise managers the request sent,
    if they decode, replace them (`[]` clears them), else the stored ones stay. Says whether the sent ones won."""
    stored_entries = (live or {}).get("metadata", {}).get("managedFields") or []
    stored = decode(stored_entries, stored=True) or {}
    sent = new["metadata"].get("managedFields")
    if subresource or sent is stored_entries or sent == stored_entries:
        return stored, False
    if _is_reset(sent):
        return {}, False
    decoded = decode(sent) if sent is not None else None
    return (decoded, True) if decoded else (stored, False)


# ---- what a write tracks ------------------------------------------------------------------------------------------
def tracked(kind: Kind, obj: dict | None, subresource: str | None):
    """The part of an object a write through this endpoint can own: only status through /status; all but status
    through the main resource of a kind that has a status subresource (upstream's reset fields)."""
    if obj is None:
        return None
    if subresource == "status":
        return {"status": obj["status"]} if "status" in obj else {}
    view = {key: value for key, value in obj.items() if key != "metadata"}
    if "status" in kind.subresources:
        view.pop("status", None)
    metadata = obj.get("metadata")
    if metadata is not None:
        view["metadata"] = {key: value for key, value in metadata.items() if key != "managedFields"}
    return view


def changes(kind: Kind, live: dict | None, new: dict, subresource: str | None) -> tuple[dict, dict, dict]:
    """(added, modified, removed) fields between the stored object and the one about to be written."""
    shape = fieldpath.root_shape(kind.api_version, kind.kind)
    old = tracked(kind, live, subresource)
    if old is None:
        old = _zero(shape)
    return fieldpath.compare(old, tracked(kind, new, subresource), shape)


@cache
def _zero(shape: fieldpath.Shape, depth: int = 0) -> dict:
    """The object a create starts from, as upstream's empty typed object serialises: structs nested in structs
    are there (empty) and required lists are null, so only what the create adds beneath them counts as added
    whole. Built once per kind and only ever read."""
    zero = {}
    if depth > 4:
        return zero
    for name, schema in shape.fields.items():
        child = fieldpath.shape_of(schema)
        if child.form == "struct" and not child.atomic and not (depth == 0 and name == "status"):
            zero[name] = _zero(child, depth + 1)
        elif child.form == "list" and name in shape.required:
            zero[name] = None
    return zero


def track_update(kind: Kind, live: dict | None, new: dict, manager: str, subresource: str | None, now: str) -> None:
    """Record an Update by `manager` in `new`'s managedFields (upstream managedFieldsUpdater + capManagers)."""
    managed, sent = starting_managers(live, new, subresource)
    if sent:
        refused = problems(new["metadata"]["managedFields"])
        if refused:
            raise errors.invalid_object(kind, new["metadata"].get("name", ""), refused)
    added, modified, removed = changes(kind, live, new, subresource)
    taken = fieldpath.union(added, modified)
    mine = (manager, UPDATE, kind.api_version, subresource or "")
    if taken or removed:
        for identity, entry in list(managed.items()):
            # what this write takes stays with its manager's own entry (upstream takes it away and gives it back)
            kept = entry.fields if identity == mine else fieldpath.difference(entry.fields, taken)
            entry_fields = fieldpath.difference(kept, removed)
            if entry_fields is not entry.fields:  # difference hands back the very set when it takes nothing
                if not entry_fields:
                    del managed[identity]
                    continue
                managed[identity] = Entry(
                    entry.manager, entry.operation, entry.api_version, entry.subresource, entry_fields, entry.time
                )
    own = fieldpath.difference(taken, STRIPPED)
    if own:
        entry = Entry(manager, UPDATE, kind.api_version, subresource or "", own, now)
        previous = managed.get(mine)
        if previous is not None:
            if not fieldpath.difference(own, previous.fields):
                entry.fields, entry.stored = previous.fields, previous.stored  # only its time moves
            else:
                entry.fields = fieldpath.union(previous.fields, own)
        managed[mine] = entry
        _cap_update_managers(managed)
    store(new, managed)


def _cap_update_managers(managed: dict) -> None:
    """upstream capManagersManager: past ten Update entries, the oldest merge into `ancient-changes` per version."""
    updaters = [identity for identity, entry in managed.items() if entry.operation == UPDATE]
    if len(updaters) <= MAX_UPDATE_MANAGERS:
        return
    updaters.sort(key=lambda identity: (managed[identity].time or "", identity))
    first_of_version: dict[str, tuple] = {}
    length = len(updaters)
    for identity in updaters:
        if length <= MAX_UPDATE_MANAGERS:
            break
        entry = managed[identity]
        bucket = (ANCIENT_CHANGES, UPDATE, entry.api_version, "")
        first = first_of_version.get(entry.api_version)
        if first is None:
            first_of_version[entry.api_version] = identity
            continue
        if bucket not in managed:
            oldest = managed.pop(first)
            managed[bucket] = Entry(ANCIENT_CHANGES, UPDATE, oldest.api_version, "", oldest.fields, oldest.time)
        merged = managed[bucket]
        managed[bucket] = Entry(
            ANCIENT_CHANGES, UPDATE, entry.api_version, "", fieldpath.union(entry.fields, merged.fields), entry.time
        )
        del managed[identity]
        length -= 1


# ---- names and validation -----------------------------------------------------------------------------------------
def manager_from_user_agent(user_agent: str) -> str:
    """upstream prefixFromUserAgent: the user agent up to its first `/`, printable characters only, 128 bytes."""
    prefix = (user_agent or "").split("/")[0]
    kept = ""
    for character in prefix:
        if not character.isprintable():
            continue
        if len((kept + character).encode()) > FIELD_MANAGER_MAX_LENGTH:
            break
        kept += character
    return kept


def field_manager_problems(manager: str, path: str) -> list[errors.FieldError]:
    """upstream ValidateFieldManager."""
    problems = []
    if len(manager.encode()) > FIELD_MANAGER_MAX_LENGTH:
        problems.append(errors.too_long(path, FIELD_MANAGER_MAX_LENGTH))
    for character in manager:
        if not character.isprintable():
            problems.append(errors.invalid(path, manager, f"invalid character U+{ord(character):04X}"))
    return problems


def problems(entries) -> list[errors.FieldError]:
    """upstream ValidateManagedFields, for the managers a request sends."""
    if not isinstance(entries, list):
        return []
    found = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            continue
        path = f"metadata.managedFields[{index}]"
        if entry.get("operation") not in (APPLY, UPDATE):
            found.append(errors.invalid(f"{path}.operation", entry.get("operation", ""), "must be `Apply` or `Update`"))
        if entry.get("fieldsType") and entry["fieldsType"] != "FieldsV1":
            found.append(errors.invalid(f"{path}.fieldsType", entry["fieldsType"], "must be `FieldsV1`"))
        found += field_manager_problems(str(entry.get("manager") or ""), f"{path}.manager")
        if len(str(entry.get("subresource") or "")) > MAX_SUBRESOURCE_NAME_LENGTH:
            found.append(errors.too_long(f"{path}.subresource", MAX_SUBRESOURCE_NAME_LENGTH))
    return found
