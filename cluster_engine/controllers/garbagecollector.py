"""The garbage collector: objects whose owners are gone are deleted (pkg/controller/garbagecollector).

Ownership is the `ownerReferences` list, matched by uid. Deleting an owner cascades in one of three ways:
- background (the default): the owner goes at once; its dependents, now dangling, are deleted afterwards;
- foreground: the owner stays with the `foregroundDeletion` finalizer while its dependents are deleted, and goes
  once no dependent that blocks owner deletion remains;
- orphan: the owner stays with the `orphan` finalizer until its dependents no longer reference it, then goes.
Before deleting a dependent the owner's absence is confirmed with the API server, as upstream does, so a cache
that has not yet heard of a new owner never causes a deletion.
"""

from ..api.errors import ApiError
from ..api.kinds import ALL_KINDS, kind_named
from ..api.server import FOREGROUND, ORPHAN
from ..runtime.cache import key_of
from ..runtime.component import Controller

COMPONENT = "garbage-collector-controller"
OWNER_INDEX = "controllers:owner-uid"
# Events are never owned; everything else may be (a node's Lease is owned by its Node)
KINDS = [kind.kind for kind in ALL_KINDS if kind.kind != "Event"]


def owner_uids(obj: dict) -> list[str]:
    return [reference["uid"] for reference in obj["metadata"].get("ownerReferences") or [] if reference.get("uid")]


def _tracked(obj: dict) -> bool:
    """Whether the collector has anything to decide about an object: it has owners or a cascade in progress."""
    metadata = obj["metadata"]
    return bool(metadata.get("ownerReferences")) or bool(set(metadata.get("finalizers") or []) & {FOREGROUND, ORPHAN})


class GarbageCollector(Controller):
    name = COMPONENT
    leader_of = "kube-controller-manager"

    def start(self) -> None:
        self._informers = [(kind, self.ctx.cache.informer(kind)) for kind in KINDS]
        for _, informer in self._informers:
            informer.add_index(OWNER_INDEX, owner_uids)
        for kind in KINDS:
            self.watch(kind, lambda obj, kind=kind: self._keys_for(kind, obj))
        self.every(30.0, self._resync)  # simulated seconds: a missed event costs time, never correctness

    def _keys_for(self, kind: str, obj: dict) -> list[str]:
        """The object itself when it has owners or a cascade finalizer, and every object it owns."""
        keys = [f"{kind}|{key_of(obj)}"] if _tracked(obj) else []
        keys += [f"{dependent_kind}|{key_of(d)}" for dependent_kind, d in self._dependents(obj["metadata"].get("uid"))]
        keys += self._owners_waiting_on(obj)
        return keys

    def _owners_waiting_on(self, dependent: dict) -> list[str]:
        """Owners deleted in the foreground, which a change to this dependent may let go."""
        keys = []
        for reference in dependent["metadata"].get("ownerReferences") or []:
            try:
                owner_kind = kind_named(reference.get("kind", ""))
            except KeyError:
                continue
            namespace = dependent["metadata"].get("namespace") if owner_kind.namespaced else None
            key = f"{namespace}/{reference['name']}" if namespace else reference["name"]
            owner = self.ctx.cache.get(owner_kind.kind, key)
            if owner is not None and FOREGROUND in (owner["metadata"].get("finalizers") or []):
                keys.append(f"{owner_kind.kind}|{key}")
        return keys

    def _resync(self) -> None:
        for kind in KINDS:
            for obj in self.ctx.cache.informer(kind).items():
                if _tracked(obj):
                    self.queue.add(f"{kind}|{key_of(obj)}")

    def _dependents(self, uid: str | None) -> list[tuple[str, dict]]:
        if not uid:
            return []
        # Asked on every event of every kind, and nearly always answered "none": test each index before listing it.
        return [
            (kind, obj)
            for kind, informer in self._informers
            if informer.has_indexed(OWNER_INDEX, uid)
            for obj in informer.by_index(OWNER_INDEX, uid)
        ]

    def reconcile(self, key: str) -> float | None:
        kind, _, object_key = key.partition("|")
        obj = self.ctx.cache.get(kind, object_key)
        if obj is None:
            return None
        metadata = obj["metadata"]
        finalizers = metadata.get("finalizers") or []
        if metadata.get("deletionTimestamp"):
            if ORPHAN in finalizers:
                return self._orphan_dependents(kind, obj)
            if FOREGROUND in finalizers:
                self._delete_dependents_first(kind, obj)
                return None
            return None
        if metadata.get("ownerReferences"):
            self._collect_if_dangling(kind, obj)
        return None

    # ---- a dependent -------------------------------------------------------------------------------------------
    def _collect_if_dangling(self, kind: str, obj: dict) -> None:
        """upstream attemptToDeleteItem: classify owners as solid, dangling or waiting on their dependents."""
        solid, gone_or_waiting, waiting = [], [], []
        for reference in obj["metadata"]["ownerReferences"]:
            owner = self._owner(obj, reference)
            if owner is None:
                gone_or_waiting.append(reference)
            elif owner["metadata"].get("deletionTimestamp") and FOREGROUND in (
                owner["metadata"].get("finalizers") or []
            ):
                gone_or_waiting.append(reference)
                waiting.append(reference)
            else:
                solid.append(reference)
        if solid:
            if gone_or_waiting:  # keep the object for its remaining owners; drop the references to the others
                uids = {reference["uid"] for reference in gone_or_waiting}
                self._set_owner_references(
                    kind, obj, [r for r in obj["metadata"]["ownerReferences"] if r["uid"] not in uids]
                )
            return
        if waiting and self._dependents(obj["metadata"]["uid"]):
            policy = "Foreground"  # an owner deleted in the foreground waits for grandchildren too
        elif ORPHAN in (obj["metadata"].get("finalizers") or []):
            policy = "Orphan"
        elif FOREGROUND in (obj["metadata"].get("finalizers") or []):
            policy = "Foreground"
        else:
            policy = "Background"
        self._delete(kind, obj, policy)

    def _owner(self, dependent: dict, reference: dict) -> dict | None:
        """The owner a reference names, confirmed with the API server when the cache lacks it; None when gone."""
        try:
            owner_kind = kind_named(reference.get("kind", ""))
        except KeyError:
            return None
        namespace = dependent["metadata"].get("namespace") if owner_kind.namespaced else None
        key = f"{namespace}/{reference['name']}" if namespace else reference["name"]
        owner = self.ctx.cache.get(owner_kind.kind, key)
        if owner is None:
            try:
                owner = self.ctx.client.get(owner_kind.kind, namespace, reference["name"])
            except ApiError as error:
                if error.code != 404:
                    raise
                return None
        return owner if owner["metadata"].get("uid") == reference["uid"] else None

    def _delete(self, kind: str, obj: dict, policy: str) -> None:
        metadata = obj["metadata"]
        try:
            self.ctx.client.delete(
                kind,
                metadata.get("namespace"),
                metadata["name"],
                propagation_policy=policy,
                preconditions={"uid": metadata["uid"]},
            )
        except ApiError as error:
            if error.code not in (404, 409):  # gone already, or replaced by a new object of the same name
                raise

    # ---- an owner being deleted --------------------------------------------------------------------------------
    def _delete_dependents_first(self, kind: str, owner: dict) -> None:
        """Foreground: dependents are deleted; the owner's finalizer goes once no blocking dependent remains."""
        dependents = self._dependents(owner["metadata"]["uid"])
        for dependent_kind, dependent in dependents:
            self.queue.add(f"{dependent_kind}|{key_of(dependent)}")
        blocking = [
            dependent
            for _, dependent in dependents
            if any(
                reference["uid"] == owner["metadata"]["uid"] and reference.get("blockOwnerDeletion")
                for reference in dependent["metadata"].get("ownerReferences") or []
            )
        ]
        if not blocking:
            self._remove_finalizer(kind, owner, FOREGROUND)

    def _orphan_dependents(self, kind: str, owner: dict) -> None:
        """Orphan: strip the owner from every dependent's references, then let the owner go."""
        uid = owner["metadata"]["uid"]
        for dependent_kind, dependent in self._dependents(uid):
            references = [r for r in dependent["metadata"].get("ownerReferences") or [] if r.get("uid") != uid]
            self._set_owner_references(dependent_kind, dependent, references)
        self._remove_finalizer(kind, owner, ORPHAN)

    def _set_owner_references(self, kind: str, obj: dict, references: list[dict]) -> None:
        patch = {"metadata": {"ownerReferences": references, "resourceVersion": obj["metadata"]["resourceVersion"]}}
        try:
            self.ctx.client.patch(kind, obj["metadata"].get("namespace"), obj["metadata"]["name"], patch)
        except ApiError as error:
            if error.code != 404:
                raise

    def _remove_finalizer(self, kind: str, obj: dict, finalizer: str) -> None:
        finalizers = [f for f in obj["metadata"].get("finalizers") or [] if f != finalizer]
        patch = {"metadata": {"finalizers": finalizers, "resourceVersion": obj["metadata"]["resourceVersion"]}}
        try:
            self.ctx.client.patch(kind, obj["metadata"].get("namespace"), obj["metadata"]["name"], patch)
        except ApiError as error:
            if error.code != 404:
                raise
