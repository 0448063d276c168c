"""The ORM as the API server's storage (our etcd) for one cluster.

A transaction is a database transaction holding the Cluster row's lock (SELECT ... FOR UPDATE on PostgreSQL; on
SQLite, IMMEDIATE transactions take the database write lock at BEGIN), so a cluster's writers queue one behind the
other: each reads the current object, checks the resourceVersion it was given, and bumps the cluster's counter,
which keeps resourceVersions per-cluster monotonic and turns a concurrent stale write into a 409. Watch events are
sent to the cluster's channel-layer group only once the transaction commits, one message per transaction.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from .groups import cluster_group, watch_message
from .models import Cluster, model_for
from .serializers import from_kube, new_row, to_kube


class OrmStorage:
    """Storage for one cluster; one instance per thread (it tracks the transaction it is in)."""

    def __init__(self, cluster: Cluster):
        self.cluster = cluster
        self._depth = 0
        self._revision = 0
        self._outbox: list[dict] = []

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with transaction.atomic():
            outermost = self._depth == 0
            if outermost:
                locked = Cluster.objects.select_for_update().only("resource_version").get(pk=self.cluster.pk)
                self._revision = locked.resource_version
            revision_before = self._revision
            self._depth += 1
            try:
                yield
            except BaseException:
                self._revision = revision_before  # the savepoint (or transaction) undoes the counter's bumps too
                raise
            finally:
                self._depth -= 1
            if outermost:
                # Registered last, so it runs after the events' own callbacks have queued them in the outbox.
                transaction.on_commit(self._flush)

    def next_resource_version(self) -> int:
        self._require_transaction()
        self._revision += 1
        Cluster.objects.filter(pk=self.cluster.pk).update(resource_version=self._revision)
        self.cluster.resource_version = self._revision
        return self._revision

    def resource_version(self) -> int:
        if self._depth:
            return self._revision
        return Cluster.objects.values_list("resource_version", flat=True).get(pk=self.cluster.pk)

    def get(self, kind: str, namespace: str | None, name: str) -> dict | None:
        row = self._rows(kind).filter(namespace=namespace or "", name=name).first()
        return to_kube(row) if row is not None else None

    def list(self, kind: str, namespace: str | None = None) -> list[dict]:
        rows = self._rows(kind)
        if namespace is not None:
            rows = rows.filter(namespace=namespace)
        return [to_kube(row) for row in rows.order_by("namespace", "name")]

    def save(self, kind: str, obj: dict) -> None:
        self._require_transaction()
        metadata = obj["metadata"]
        row = self._rows(kind).filter(namespace=metadata.get("namespace") or "", name=metadata["name"]).first()
        (new_row(self.cluster, obj) if row is None else from_kube(obj, row)).save()

    def remove(self, kind: str, namespace: str | None, name: str) -> None:
        self._require_transaction()
        self._rows(kind).filter(namespace=namespace or "", name=name).delete()

    def on_commit(self, callback: Callable[[], None]) -> None:
        self._require_transaction()
        transaction.on_commit(callback)

    def publish(self, event: dict) -> None:
        """Called from the after-commit callbacks: queue the event; the transaction's last callback sends them."""
        self._outbox.append(event)

    def _flush(self) -> None:
        events, self._outbox = self._outbox, []
        if events:
            async_to_sync(get_channel_layer().group_send)(cluster_group(self.cluster.pk), watch_message(events))

    def _rows(self, kind: str):
        return model_for(kind).objects.filter(cluster=self.cluster)

    def _require_transaction(self) -> None:
        if not self._depth:
            raise RuntimeError("writes happen inside storage.transaction()")
