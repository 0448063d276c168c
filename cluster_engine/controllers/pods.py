"""Facts about pods that several controllers ask: active, ready, available, and since when.

These mirror upstream's pkg/api/v1/pod (IsPodReady, IsPodAvailable) and pkg/controller (IsPodActive), so a
ReplicaSet, a Deployment and a Service agree on which pods count.
"""

from ..runtime.clock import SimClock

DELETION_COST_ANNOTATION = "controller.kubernetes.io/pod-deletion-cost"


def is_active(pod: dict) -> bool:
    """Not finished and not being deleted: the pods a ReplicaSet counts towards its replicas."""
    phase = (pod.get("status") or {}).get("phase")
    return phase not in ("Succeeded", "Failed") and not pod["metadata"].get("deletionTimestamp")


def is_terminal(pod: dict) -> bool:
    return (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")


def ready_condition(pod: dict) -> dict | None:
    for condition in (pod.get("status") or {}).get("conditions") or []:
        if condition.get("type") == "Ready":
            return condition
    return None


def is_ready(pod: dict) -> bool:
    condition = ready_condition(pod)
    return condition is not None and condition.get("status") == "True"


def ready_since(pod: dict, clock: SimClock) -> float | None:
    """The simulated second the pod last became ready, or None when it is not ready."""
    condition = ready_condition(pod)
    if condition is None or condition.get("status") != "True" or not condition.get("lastTransitionTime"):
        return None
    return clock.seconds_since_epoch(condition["lastTransitionTime"])


def available_in(pod: dict, min_ready_seconds: int, clock: SimClock) -> float | None:
    """Seconds until a ready pod counts as available (0 when it already does); None when it is not ready.

    upstream IsPodAvailable: ready, and ready for strictly more than minReadySeconds.
    """
    if not is_ready(pod):
        return None
    if not min_ready_seconds:
        return 0.0
    since = ready_since(pod, clock)
    if since is None:
        return None
    remaining = since + min_ready_seconds - clock.now
    return 0.0 if remaining < 0 else remaining


def is_available(pod: dict, min_ready_seconds: int, clock: SimClock) -> bool:
    return available_in(pod, min_ready_seconds, clock) == 0.0


def max_restarts(pod: dict) -> int:
    return max(
        (status.get("restartCount", 0) for status in (pod.get("status") or {}).get("containerStatuses") or []),
        default=0,
    )


def deletion_cost(pod: dict) -> int:
    """controller.kubernetes.io/pod-deletion-cost; 0 when absent or not an integer, as upstream."""
    value = (pod["metadata"].get("annotations") or {}).get(DELETION_COST_ANNOTATION)
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
