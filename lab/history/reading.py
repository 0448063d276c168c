"""The cluster as it stood at a past revision, and the writes that followed: what the time-travel slider shows.

The state at revision R is, for every object, its last write at or before R, unless that write deleted it: a
range read at a revision, as etcd answers one. Below the horizon (pruned history) the answer is upstream's
410 Expired, as for a list at a compacted resourceVersion.
"""

import threading
import zlib
from collections import OrderedDict
from datetime import UTC, datetime

from django.db import connection

from cluster_engine.api import errors
from lab.models import Cluster, HistoryEntry, HistoryHorizon

from .recording import decode

_TABLE = HistoryEntry._meta.db_table
# Decoded writes, shared by every rewind of this process: moments near each other share most of their objects, so a
# drag along the slider decodes only what changed between them. Bounded: a 100-node moment is some 4,000 objects (bench.history says how much memory).
DECODED_MEMORY = 10_000
_decoded: OrderedDict[tuple[int, int, int], dict] = OrderedDict()
_decoded_lock = threading.Lock()


def _object(cluster_id: int, revision: int, data) -> dict:
    """The write's object, decoded once; shared, so callers never change it. Known by its cluster, revision and
    checksum, so a cluster created anew with an old one's id never gets the old one's objects."""
    data = bytes(data)
    key = (cluster_id, revision, zlib.crc32(data))
    with _decoded_lock:
        found = _decoded.get(key)
        if found is not None:
            _decoded.move_to_end(key)
            return found
    obj = decode(data)
    with _decoded_lock:
        _decoded[key] = obj
        if len(_decoded) > DECODED_MEMORY:
            _decoded.popitem(last=False)
    return obj


def horizon(cluster: Cluster) -> tuple[int, float]:
    """The oldest (revision, simulated time) the cluster can be rebuilt at."""
    found = HistoryHorizon.objects.filter(cluster=cluster).values_list("revision", "time").first()
    return found or (0, 0.0)


def revision_at(cluster: Cluster, time: float) -> tuple[int, float]:
    """The last revision written at or before simulated second `time`, and that write's time (the horizon if
    nothing later was written by then)."""
    found = (
        HistoryEntry.objects.filter(cluster=cluster, time__lte=time)
        .order_by("-revision")
        .values_list("revision", "time")
        .first()
    )
    oldest = horizon(cluster)
    return found if found is not None and found[0] >= oldest[0] else oldest


def time_of(cluster: Cluster, revision: int) -> float:
    found = (
        HistoryEntry.objects.filter(cluster=cluster, revision__lte=revision)
        .order_by("-revision")
        .values_list("time", flat=True)
        .first()
    )
    return found if found is not None else horizon(cluster)[1]


def objects_at(cluster: Cluster, revision: int, kinds: tuple[str, ...] | None = None) -> list[dict]:
    """Every object (of `kinds`, else of every kind) as it stood at `revision`, ordered by kind, namespace, name.
    The objects are shared with later rewinds: read them, never change them."""
    oldest = horizon(cluster)[0]
    if revision < oldest:
        raise errors.gone(revision, oldest)
    kind_filter, parameters = "", [cluster.pk, revision, HistoryEntry.Type.DELETED]
    if kinds:
        kind_filter = f' AND "{_TABLE}"."kind" IN ({", ".join(["%s"] * len(kinds))})'
        parameters += list(kinds)
    parameters.append(revision)
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT "revision", "data" FROM "{_TABLE}" WHERE "cluster_id" = %s AND "revision" <= %s AND "type" != %s'
            f"{kind_filter} AND NOT EXISTS ("
            f'SELECT 1 FROM "{_TABLE}" AS "newer" WHERE "newer"."cluster_id" = "{_TABLE}"."cluster_id"'
            f' AND "newer"."kind" = "{_TABLE}"."kind" AND "newer"."namespace" = "{_TABLE}"."namespace"'
            f' AND "newer"."name" = "{_TABLE}"."name" AND "newer"."revision" > "{_TABLE}"."revision"'
            ' AND "newer"."revision" <= %s) ORDER BY "kind", "namespace", "name"',
            parameters,
        )
        return [_object(cluster.pk, number, data) for number, data in cursor.fetchall()]


def changes_after(cluster: Cluster, revision: int, kinds: tuple[str, ...], limit: int) -> list[dict]:
    """The next `limit` writes after `revision` to objects of `kinds`, as watch events with their revision and
    simulated time."""
    rows = (
        HistoryEntry.objects.filter(cluster=cluster, revision__gt=revision, kind__in=kinds)
        .order_by("revision")
        .values_list("revision", "time", "type", "data")[:limit]
    )
    return [
        {"type": change, "object": decode(bytes(data)), "revision": number, "time": time}
        for number, time, change, data in rows
    ]


def clock_at(cluster: Cluster, time: float) -> dict:
    """The clock as it read at simulated second `time`, stopped: the shape of live_snapshot.clock_state."""
    stamp = datetime.fromtimestamp(cluster.epoch + time, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return {"now": time, "time": stamp, "speed": cluster.speed, "paused": True, "next_due": None}
