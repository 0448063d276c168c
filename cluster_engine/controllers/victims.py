"""Which pods a ReplicaSet deletes first when it scales down (upstream's ActivePodsWithRanks ordering).

The order protects the healthiest, longest-serving pods: unscheduled before scheduled; Pending, then Unknown, then
Running; not ready before ready; lower pod-deletion-cost first; pods doubled up on a node with more pods of the same
workload first; ready for a shorter time first; more restarts first; newer first. Times are compared on a
logarithmic scale (the LogarithmicScaleDown feature, on by default) so pods of similar age are treated alike and
the tie is broken by uid, which spreads deletions randomly among them.
"""

import functools
import math

from ..runtime.clock import SimClock
from .pods import deletion_cost, is_active, is_ready, max_restarts, ready_since

_PHASE_RANK = {"Pending": 0, "Unknown": 1, "Running": 2}


def pods_to_delete(pods: list[dict], related: list[dict], count: int, clock: SimClock) -> list[dict]:
    """The `count` pods to delete from `pods`; `related` are every active pod of the workload (all its sets)."""
    if count >= len(pods):
        return list(pods)
    on_node: dict[str, int] = {}
    for pod in related:
        if is_active(pod):
            node = pod["spec"].get("nodeName", "")
            on_node[node] = on_node.get(node, 0) + 1
    ranked = [(pod, on_node.get(pod["spec"].get("nodeName", ""), 0)) for pod in pods]
    ranked.sort(key=functools.cmp_to_key(lambda a, b: _compare(a, b, clock)))
    return [pod for pod, _ in ranked[:count]]


def _compare(a: tuple[dict, int], b: tuple[dict, int], clock: SimClock) -> int:
    """Negative when pod a should be deleted before pod b."""
    (pod_a, rank_a), (pod_b, rank_b) = a, b
    keys = (
        (bool(pod_a["spec"].get("nodeName")), bool(pod_b["spec"].get("nodeName"))),
        (_phase_rank(pod_a), _phase_rank(pod_b)),
        (is_ready(pod_a), is_ready(pod_b)),
        (deletion_cost(pod_a), deletion_cost(pod_b)),
        (-rank_a, -rank_b),  # more pods of the workload on the same node go first
    )
    for first, second in keys:
        if first != second:
            return -1 if first < second else 1
    if is_ready(pod_a) and is_ready(pod_b):
        order = _newer_first(ready_since(pod_a, clock), ready_since(pod_b, clock), pod_a, pod_b, clock)
        if order:
            return order
    restarts_a, restarts_b = max_restarts(pod_a), max_restarts(pod_b)
    if restarts_a != restarts_b:
        return -1 if restarts_a > restarts_b else 1
    return _newer_first(_created(pod_a, clock), _created(pod_b, clock), pod_a, pod_b, clock)


def _phase_rank(pod: dict) -> int:
    return _PHASE_RANK.get((pod.get("status") or {}).get("phase"), 0)


def _created(pod: dict, clock: SimClock) -> float | None:
    timestamp = pod["metadata"].get("creationTimestamp")
    return clock.seconds_since_epoch(timestamp) if timestamp else None


def _newer_first(time_a: float | None, time_b: float | None, pod_a: dict, pod_b: dict, clock: SimClock) -> int:
    """Order by a time, latest first and missing first; equal log2 buckets of age fall back to uid order."""
    if time_a == time_b:
        return 0
    if time_a is None or time_b is None:
        return -1 if time_a is None else 1
    difference = _log_rank(clock.now - time_a) - _log_rank(clock.now - time_b)
    if difference == 0:
        uid_a, uid_b = pod_a["metadata"]["uid"], pod_b["metadata"]["uid"]
        return -1 if uid_a < uid_b else (1 if uid_a > uid_b else 0)
    return -1 if difference < 0 else 1


def _log_rank(age_seconds: float) -> int:
    """upstream logarithmicRankDiff: int(log2(age in nanoseconds)), -1 for no age."""
    nanoseconds = age_seconds * 1e9
    return int(math.log2(nanoseconds)) if nanoseconds > 0 else -1
