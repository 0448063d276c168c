"""Informer caches: the control plane's local copy of the cluster, fed by watch events.

Like client-go's shared informers, one cache per kind is shared by every component; handlers run when an object is
added, changed or removed; indexes answer "pods on node X" without a scan. Events carry the cluster-wide
resourceVersion, so an event older than what the cache holds (a replay, or a watch event arriving after our own
write was already applied) is ignored: applying the same history twice never moves the cache backwards. Deleted
keys leave a tombstone with their last resourceVersion, so a late event about an object we already saw deleted
cannot bring it back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

Handler = Callable[..., None]
# How many tombstones an informer keeps; the oldest are forgotten first (a late event that old is not expected).
TOMBSTONES = 50_000
IndexFunction = Callable[[dict], Iterable[str]]


def key_of(obj: dict) -> str:
    """`namespace/name` for namespaced objects, `name` otherwise (client-go's MetaNamespaceKeyFunc)."""
    metadata = obj["metadata"]
    namespace = metadata.get("namespace")
    return f"{namespace}/{metadata['name']}" if namespace else metadata["name"]


def split_key(key: str) -> tuple[str | None, str]:
    namespace, _, name = key.rpartition("/")
    return (namespace or None), name


def resource_version(obj: dict) -> int:
    return int(obj["metadata"].get("resourceVersion") or 0)


class Informer:
    """The cached objects of one kind, with event handlers and named indexes."""

    def __init__(self, kind: str):
        self.kind = kind
        self._objects: dict[str, dict] = {}
        self._handlers: list[tuple[Handler | None, Handler | None, Handler | None]] = []
        self._index_functions: dict[str, IndexFunction] = {}
        self._indexes: dict[str, dict[str, set[str]]] = {}
        self._tombstones: dict[str, int] = {}

    def add_handler(
        self, on_add: Handler | None = None, on_update: Handler | None = None, on_delete: Handler | None = None
    ):
        """on_add(obj), on_update(old, new), on_delete(obj); a late handler is told about what is cached already."""
        self._handlers.append((on_add, on_update, on_delete))
        if on_add:
            for obj in list(self._objects.values()):
                on_add(obj)

    def add_index(self, name: str, function: IndexFunction) -> None:
        self._index_functions[name] = function
        index = self._indexes[name] = defaultdict(set)
        for key, obj in self._objects.items():
            for value in function(obj):
                index[value].add(key)

    def get(self, key: str) -> dict | None:
        return self._objects.get(key)

    def items(self) -> list[dict]:
        return list(self._objects.values())

    def keys(self) -> list[str]:
        return list(self._objects)

    def by_index(self, name: str, value: str) -> list[dict]:
        return [self._objects[key] for key in self._indexes[name].get(value, ())]

    def has_indexed(self, name: str, value: str) -> bool:
        """Whether any object holds `value` in the named index: cheaper than `by_index` where the answer is mostly no."""
        return value in self._indexes[name]

    def index_values(self, name: str) -> list[str]:
        """Every value the named index holds for at least one object (e.g. each node some pod is bound to)."""
        return list(self._indexes[name])

    def __len__(self) -> int:
        return len(self._objects)

    def upsert(self, obj: dict) -> bool:
        """Store a newer version of an object; returns False (and does nothing) for a stale one."""
        key = key_of(obj)
        old = self._objects.get(key)
        if old is not None and resource_version(old) >= resource_version(obj):
            return False
        if old is None and self._tombstones.get(key, -1) >= resource_version(obj):
            return False
        self._tombstones.pop(key, None)
        self._reindex(key, old, obj)
        self._objects[key] = obj
        for on_add, on_update, _ in list(self._handlers):
            if old is None and on_add:
                on_add(obj)
            elif old is not None and on_update:
                on_update(old, obj)
        return True

    def remove(self, obj: dict) -> bool:
        key = key_of(obj)
        old = self._objects.get(key)
        if old is None or resource_version(old) > resource_version(obj):
            return False
        self._reindex(key, old, None)
        del self._objects[key]
        self._tombstones[key] = resource_version(obj)
        if len(self._tombstones) > TOMBSTONES:
            del self._tombstones[next(iter(self._tombstones))]
        for _, _, on_delete in list(self._handlers):
            if on_delete:
                on_delete(old)
        return True

    def _reindex(self, key: str, old: dict | None, new: dict | None) -> None:
        for name, function in self._index_functions.items():
            index = self._indexes[name]
            if old is not None:
                for value in function(old):
                    index[value].discard(key)
                    if not index[value]:
                        del index[value]
            if new is not None:
                for value in function(new):
                    index[value].add(key)


class Cache:
    """Every kind's informer, plus the newest resourceVersion seen (where a re-watch resumes from)."""

    def __init__(self):
        self._informers: dict[str, Informer] = {}
        self.resource_version = 0

    def informer(self, kind: str) -> Informer:
        if kind not in self._informers:
            self._informers[kind] = Informer(kind)
        return self._informers[kind]

    def get(self, kind: str, key: str) -> dict | None:
        return self.informer(kind).get(key)

    def list(self, kind: str, namespace: str | None = None) -> list[dict]:
        items = self.informer(kind).items()
        if namespace is None:
            return items
        return [obj for obj in items if obj["metadata"].get("namespace") == namespace]

    def apply(self, event_type: str, obj: dict) -> bool:
        """Apply one watch event (ADDED, MODIFIED, DELETED); returns whether it changed the cache."""
        self.resource_version = max(self.resource_version, resource_version(obj))
        informer = self.informer(obj["kind"])
        if event_type == "DELETED":
            return informer.remove(obj)
        return informer.upsert(obj)

    def replace(self, kind: str, objects: list[dict], list_resource_version: int) -> None:
        """Load a fresh list (after start-up or a 410 Gone): upsert what is newer, remove what is gone."""
        informer = self.informer(kind)
        seen = set()
        for obj in objects:
            seen.add(key_of(obj))
            informer.upsert(obj)
        for key in set(informer.keys()) - seen:
            gone = dict(informer.get(key))
            gone["metadata"] = {**gone["metadata"], "resourceVersion": str(list_resource_version)}
            informer.remove(gone)
        self.resource_version = max(self.resource_version, list_resource_version)
