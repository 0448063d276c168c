"""The ORM as the API server's storage (our etcd) for one cluster.

A transaction is a database transaction holding the Cluster row's lock (SELECT ... FOR UPDATE on PostgreSQL; on
SQLite, IMMEDIATE transactions take the database write lock at BEGIN), so a cluster's writers queue one behind the
other: each reads the current object, checks the resourceVersion it was given, and bumps the cluster's counter,
which keeps resourceVersions per-cluster monotonic and turns a concurrent stale write into a 409. Watch events are
sent to the cluster's channel-layer group only once the transaction commits, one message per transaction.

Within a transaction this storage is the cluster's only writer (it holds the lock), so it remembers what it read
and wrote until the transaction ends: a second read of an object, or a list of a kind already listed, is answered
without a query, a write updates the row it already knows by primary key (one statement, no SELECT first), and the
cluster's counter is written once at the end rather than once per bump. A control-plane tick that binds and reports
thousands of pods thus costs about one statement per write. Any exception leaving a (nested) transaction forgets all
of it, since the rollback may have undone what was remembered.

Every kind lives in one table (lab/models/objects.py): a row per object, keyed by (cluster, kind, namespace, name),
holding the object as it was stored. Each write is also recorded in the cluster's history (lab/history), in the
same transaction, stamped with the simulated time of the clock the storage was given (else the stored clock's).
"""

import pickle
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import connection, transaction

from .groups import cluster_group, watch_message
from .history.recording import record, removal
from .models import Cluster, KubeObject
from .publishing import send_to_group
from .serializers import from_kube, new_row, to_kube

_ROW_WHERE = '"cluster_id" = %s AND "kind" = %s AND "namespace" = %s AND "name" = %s'


def _copy(obj: dict) -> dict:
    """A private copy of a remembered object (a pickle round trip: several times faster than copy.deepcopy)."""
    return pickle.loads(pickle.dumps(obj, pickle.HIGHEST_PROTOCOL))


class OrmStorage:
    """Storage for one cluster; one instance per thread (it tracks the transaction it is in)."""

    def __init__(self, cluster: Cluster, clock=None):
        self.cluster = cluster
        self.clock = clock
        self._depth = 0
        self._revision = 0
        self._outbox: list[dict] = []
        self._row_query: tuple[str, list] | None = None
        self._forget()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with transaction.atomic():
            outermost = self._depth == 0
            if outermost:
                locked = Cluster.objects.select_for_update().only("resource_version").get(pk=self.cluster.pk)
                self._revision = self._stored_revision = locked.resource_version
                self._forget()
            revision_before = self._revision
            self._depth += 1
            try:
                yield
            except BaseException:
                self._revision = revision_before  # the savepoint (or transaction) undoes the counter's bumps too
                self._forget()
                raise
            finally:
                self._depth -= 1
            if outermost:
                self._forget()
                if self._revision != self._stored_revision:
                    Cluster.objects.filter(pk=self.cluster.pk).update(resource_version=self._revision)
                    self.cluster.resource_version = self._revision
                # Registered last, so it runs after the events' own callbacks have queued them in the outbox.
                transaction.on_commit(self._flush)

    def next_resource_version(self) -> int:
        self._require_transaction()
        self._revision += 1
        return self._revision

    def resource_version(self) -> int:
        if self._depth:
            return self._revision
        return Cluster.objects.values_list("resource_version", flat=True).get(pk=self.cluster.pk)

    def get(self, kind: str, namespace: str | None, name: str) -> dict | None:
        key = (namespace or "", name)
        known = self._known.get(kind)
        if known is not None and key in known:
            found = known[key]
            return _copy(found) if found is not None else None
        row = self._row(kind, key)
        obj = to_kube(row) if row is not None else None
        if self._depth:
            self._remember(kind, key, obj, row)
            return _copy(obj) if obj is not None else None
        return obj

    def list(self, kind: str, namespace: str | None = None) -> list[dict]:
        if kind in self._listed:
            known = self._known[kind]
            keys = sorted(key for key, obj in known.items() if obj is not None and namespace in (None, key[0]))
            return [_copy(known[key]) for key in keys]
        rows = self._rows(kind)
        if namespace is not None:
            rows = rows.filter(namespace=namespace)
        found = [(row, to_kube(row)) for row in rows.order_by("namespace", "name")]
        if not self._depth:
            return [obj for _, obj in found]
        if namespace is None:
            self._known[kind] = {}
            self._listed.add(kind)
        for row, obj in found:
            self._remember(kind, (row.namespace, row.name), obj, row)
        return [_copy(obj) for _, obj in found]

    def save(self, kind: str, obj: dict) -> None:
        self._require_transaction()
        metadata = obj["metadata"]
        key = (metadata.get("namespace") or "", metadata["name"])
        known = self._known.get(kind, {})
        if key in known:
            row = self._row_of.get((kind, key))  # None: known to be absent, so this is an insert
        else:
            row = self._row(kind, key)
        change = "ADDED" if row is None else "MODIFIED"
        row = new_row(self.cluster, obj) if row is None else from_kube(obj, row)
        row.save()
        record(self.cluster.pk, self._now(), change, kind, obj)
        self._remember(kind, key, _copy(obj), row)

    def remove(self, kind: str, namespace: str | None, name: str) -> None:
        self._require_transaction()
        self._rows(kind).filter(namespace=namespace or "", name=name).delete()
        record(self.cluster.pk, self._now(), "DELETED", kind, removal(kind, namespace, name, self._revision))
        self._remember(kind, (namespace or "", name), None, None)

    def on_commit(self, callback: Callable[[], None]) -> None:
        self._require_transaction()
        transaction.on_commit(callback)

    def publish(self, event: dict) -> None:
        """Called from the after-commit callbacks: queue the event; the transaction's last callback sends them."""
        self._outbox.append(event)

    def _flush(self) -> None:
        events, self._outbox = self._outbox, []
        if events:
            send_to_group(cluster_group(self.cluster.pk), watch_message(events))

    def _now(self) -> float:
        return self.clock.now if self.clock is not None else self.cluster.now

    def _remember(self, kind: str, key: tuple[str, str], obj: dict | None, row) -> None:
        self._known.setdefault(kind, {})[key] = obj
        if row is None:
            self._row_of.pop((kind, key), None)
        else:
            self._row_of[(kind, key)] = row

    def _forget(self) -> None:
        """Drop what this transaction remembered: objects by kind and key (None: known absent), their rows, and
        the kinds listed whole."""
        self._known: dict[str, dict[tuple[str, str], dict | None]] = {}
        self._row_of: dict[tuple[str, tuple[str, str]], KubeObject] = {}
        self._listed: set[str] = set()

    def _row(self, kind: str, key: tuple[str, str]) -> KubeObject | None:
        """One row by kind, namespace and name. Plain SQL on the unique (cluster, kind, namespace, name) index, read
        with a cursor and turned into a model as the ORM would: its query building (a raw() queryset's too) costs
        more than SQLite's lookup, and this is the storage's most frequent read."""
        if self._row_query is None:
            self._row_query = _row_query()
        sql, converters = self._row_query
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.cluster.pk, kind, key[0], key[1]])
            found = cursor.fetchone()
        if found is None:
            return None
        values = list(found)
        for index, column, field_converters in converters:
            for converter in field_converters:
                values[index] = converter(values[index], column, connection)
        return KubeObject.from_db(connection.alias, None, values)

    def _rows(self, kind: str):
        return KubeObject.objects.filter(cluster=self.cluster, kind=kind)

    def _require_transaction(self) -> None:
        if not self._depth:
            raise RuntimeError("writes happen inside storage.transaction()")


def _row_query() -> tuple[str, list]:
    """The SELECT of one row by its key, every column in model order, and the converters the ORM would apply to
    each column's value (JSON decoding, SQLite's datetimes) for this thread's connection."""
    fields = KubeObject._meta.concrete_fields
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(KubeObject._meta.db_table)
    converters = []
    for index, field in enumerate(fields):
        column = field.cached_col
        found = [*connection.ops.get_db_converters(column), *column.get_db_converters(connection)]
        if found:
            converters.append((index, column, found))
    return f"SELECT {columns} FROM {table} WHERE {_ROW_WHERE}", converters
