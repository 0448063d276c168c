"""Where the API server keeps objects: our etcd. The lab stores them in the ORM; the engine's tests in memory.

The contract is small on purpose: reads and writes inside a transaction, a per-cluster revision counter bumped
once per write, and callbacks that run only once the transaction has committed (that is when watchers hear).
A storage may also offer `kind_revision(kind)`, a number that moves whenever an object of that kind is committed:
readers that depend on one or two kinds (the availability gate) then recompute only when those change.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol

from .clone import clone


class Storage(Protocol):
    def transaction(self): ...

    def next_resource_version(self) -> int: ...

    def resource_version(self) -> int: ...

    def get(self, kind: str, namespace: str | None, name: str) -> dict | None: ...

    def list(self, kind: str, namespace: str | None = None) -> list[dict]: ...

    def save(self, kind: str, obj: dict) -> None: ...

    def remove(self, kind: str, namespace: str | None, name: str) -> None: ...

    def on_commit(self, callback: Callable[[], None]) -> None: ...

    def publish(self, event: dict) -> None: ...


class MemoryStorage:
    """Objects in dictionaries; a transaction buffers its writes and applies them only if it completes."""

    def __init__(self):
        # kind -> (namespace, name) -> object, so listing one kind never walks the others
        self._objects: dict[str, dict[tuple[str | None, str], dict]] = {}
        self._revision = 0
        self._kind_revisions: dict[str, int] = {}
        self._pending: dict | None = None
        self._pending_revision = 0
        self._callbacks: list[Callable[[], None]] = []
        self.subscribers: list[Callable[[dict], None]] = []

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._pending is not None:  # nested: join the outer transaction
            yield
            return
        self._pending, self._pending_revision, self._callbacks = {}, self._revision, []
        try:
            yield
        except BaseException:
            self._pending, self._callbacks = None, []
            raise
        pending, callbacks = self._pending, self._callbacks
        self._pending, self._callbacks = None, []
        for (kind, namespace, name), obj in pending.items():
            self._kind_revisions[kind] = self._pending_revision
            objects = self._objects.setdefault(kind, {})
            if obj is None:
                objects.pop((namespace, name), None)
            else:
                objects[(namespace, name)] = obj
        self._revision = self._pending_revision
        for callback in callbacks:
            callback()

    def next_resource_version(self) -> int:
        self._require_transaction()
        self._pending_revision += 1
        return self._pending_revision

    def resource_version(self) -> int:
        return self._revision

    def kind_revision(self, kind: str) -> int:
        """The resourceVersion of the last committed transaction that wrote this kind (0 if none did)."""
        return self._kind_revisions.get(kind, 0)

    def get(self, kind, namespace, name):
        key = (kind, namespace, name)
        if self._pending is not None and key in self._pending:
            found = self._pending[key]
        else:
            found = self._objects.get(kind, {}).get((namespace, name))
        return clone(found) if found is not None else None

    def list(self, kind, namespace=None):
        keys = set(self._objects.get(kind, ()))
        if self._pending:
            keys |= {(key[1], key[2]) for key in self._pending if key[0] == kind}
        found = []
        for key_namespace, name in sorted(keys, key=lambda key: (key[0] or "", key[1])):
            if namespace is not None and key_namespace != namespace:
                continue
            obj = self.get(kind, key_namespace, name)
            if obj is not None:
                found.append(obj)
        return found

    def save(self, kind, obj):
        self._require_transaction()
        metadata = obj["metadata"]
        self._pending[(kind, metadata.get("namespace"), metadata["name"])] = clone(obj)

    def remove(self, kind, namespace, name):
        self._require_transaction()
        self._pending[(kind, namespace, name)] = None

    def on_commit(self, callback):
        self._require_transaction()
        self._callbacks.append(callback)

    def publish(self, event):
        for subscriber in list(self.subscribers):
            subscriber(event)

    def _require_transaction(self):
        if self._pending is None:
            raise RuntimeError("writes happen inside storage.transaction()")
