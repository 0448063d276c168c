"""The cluster page's time-travel requests, over its WebSocket: rewind to a moment, replay what followed, fork.

A rewind answers with the cluster as it stood then, in the live snapshot's shape (lab/live_snapshot.py), so the
diagram draws it as it draws the present; a replay hands over the recorded writes that followed as watch events,
each with its simulated time, for the page to play at the speed it likes. Only instructors and admins may ask
(lab/classroom/permissions.py: TIME_TRAVEL_ACTIONS); Secrets never leave, as in the live stream.
"""

from django.urls import reverse

from cluster_engine.api import errors
from lab.live_snapshot import DIAGRAM_KINDS
from lab.models import Cluster

from .forking import fork
from .reading import changes_after, clock_at, horizon, objects_at, revision_at, time_of

MAX_REPLAY_EVENTS = 2000  # one answer's worth of writes: a few hundred kilobytes, a few seconds of a busy 100x class


def perform(cluster_id: int, request: dict) -> dict:
    cluster = Cluster.objects.filter(pk=cluster_id).first()
    if cluster is None:
        raise errors.ApiError(404, "NotFound", f"cluster {cluster_id} not found")
    return ACTIONS[request["action"]](cluster, request)


def _number(request: dict, field: str) -> float | None:
    value = request.get(field)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise errors.bad_request(f'action {request["action"]!r} needs "{field}" to be a number')
    return value


def _revision(cluster: Cluster, request: dict) -> int:
    """The revision asked for, or the last one written by the simulated second asked for."""
    revision = _number(request, "revision")
    if revision is None:
        time = _number(request, "time")
        if time is None:
            raise errors.bad_request(f'action {request["action"]!r} needs "time" (simulated seconds) or "revision"')
        return revision_at(cluster, time)[0]
    if revision > cluster.resource_version:
        raise errors.too_large_resource_version(int(revision), cluster.resource_version)
    return int(revision)


def span(cluster: Cluster) -> dict:
    """How far back and forward the slider reaches: the horizon and the present."""
    oldest, oldest_time = horizon(cluster)
    return {
        "oldest": {"revision": oldest, "time": oldest_time},
        "latest": {"revision": cluster.resource_version, "time": cluster.now},
    }


def rewind(cluster: Cluster, request: dict) -> dict:
    revision = _revision(cluster, request)
    time = _number(request, "time")
    time = time_of(cluster, revision) if time is None else max(min(time, cluster.now), horizon(cluster)[1])
    snapshot = {
        "type": "snapshot",
        "cluster": {"id": cluster.pk, "name": cluster.name, "topology": cluster.topology},
        "objects": objects_at(cluster, revision, DIAGRAM_KINDS),
        "resourceVersion": revision,
        "clock": clock_at(cluster, time),
    }
    return {"snapshot": snapshot, "span": span(cluster)}


def replay(cluster: Cluster, request: dict) -> dict:
    after = _number(request, "after")
    if after is None:
        raise errors.bad_request('action "replay" needs "after", the revision the page stands at')
    oldest = horizon(cluster)[0]
    if after < oldest:
        raise errors.gone(int(after), oldest)
    events = changes_after(cluster, int(after), DIAGRAM_KINDS, MAX_REPLAY_EVENTS)
    return {"events": events, "span": span(cluster)}


def fork_here(cluster: Cluster, request: dict) -> dict:
    forked = fork(cluster, _revision(cluster, request))
    return {"cluster": {"id": forked.pk, "name": forked.name}, "url": reverse("cluster", args=[forked.name])}


ACTIONS = {"rewind": rewind, "replay": replay, "fork": fork_here}
