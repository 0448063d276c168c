"""Recording every committed write in the cluster's history, inside the write's own transaction.

The storage calls `record` once per save or removal, so an entry commits or rolls back with the object it
describes and the history never disagrees with the objects. Every PRUNE_EVERY revisions the cluster's history is
pruned to its newest settings.HISTORY_REVISIONS writes, keeping below them the last write of every object that was
still alive (so the state at the horizon can still be rebuilt) and moving the horizon up: etcd's compaction, with
the compacted revision's state kept.
"""

import json
import zlib

from django.conf import settings
from django.db import connection

from lab.models import HistoryEntry, HistoryHorizon

PRUNE_EVERY = 1000  # revisions between prunings: a few milliseconds each, amortised over a thousand writes
COMPRESSION_LEVEL = 6  # zlib's default: most of level 9's ratio at a fraction of its cost

_TABLE = HistoryEntry._meta.db_table


def encode(obj: dict) -> bytes:
    return zlib.compress(json.dumps(obj, separators=(",", ":")).encode(), COMPRESSION_LEVEL)


def decode(data: bytes) -> dict:
    return json.loads(zlib.decompress(data))


def removal(kind: str, namespace: str | None, name: str, revision: int) -> dict:
    """What a deletion records: the key and the deleting revision, all a watcher needs to drop the object."""
    metadata = {"name": name, "resourceVersion": str(revision)}
    if namespace:
        metadata["namespace"] = namespace
    return {"kind": kind, "metadata": metadata}


def record(cluster_id: int, time: float, change: str, kind: str, obj: dict) -> None:
    """One committed write: `obj` as stored (for a DELETED, at least its key and the deleting revision)."""
    metadata = obj["metadata"]
    revision = int(metadata["resourceVersion"])
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{_TABLE}" ("cluster_id", "revision", "time", "type", "kind", "namespace", "name", "data")'
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            [cluster_id, revision, time, change, kind, metadata.get("namespace") or "", metadata["name"], encode(obj)],
        )
    if revision % PRUNE_EVERY == 0:
        prune(cluster_id, revision - settings.HISTORY_REVISIONS + 1)


def prune(cluster_id: int, keep_from: int) -> None:
    """Forget the writes below revision `keep_from`, except the last one of each object alive at `keep_from - 1`."""
    horizon = keep_from - 1
    current = HistoryHorizon.objects.filter(cluster_id=cluster_id).values_list("revision", flat=True).first()
    if horizon <= (current or 0):
        return
    last = HistoryEntry.objects.filter(cluster_id=cluster_id, revision__lte=horizon).order_by("-revision").first()
    if last is None:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f'DELETE FROM "{_TABLE}" WHERE "cluster_id" = %s AND "revision" <= %s AND ("type" = %s OR EXISTS ('
            f'SELECT 1 FROM "{_TABLE}" AS "newer" WHERE "newer"."cluster_id" = "{_TABLE}"."cluster_id"'
            f' AND "newer"."kind" = "{_TABLE}"."kind" AND "newer"."namespace" = "{_TABLE}"."namespace"'
            f' AND "newer"."name" = "{_TABLE}"."name" AND "newer"."revision" > "{_TABLE}"."revision"'
            ' AND "newer"."revision" <= %s))',
            [cluster_id, horizon, HistoryEntry.Type.DELETED, horizon],
        )
    HistoryHorizon.objects.update_or_create(cluster_id=cluster_id, defaults={"revision": horizon, "time": last.time})
