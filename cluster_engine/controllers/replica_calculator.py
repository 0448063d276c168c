"""How many replicas a metric asks for: upstream's ReplicaCalculator (pkg/controller/podautoscaler/
replica_calculator.go), for CPU and memory (of whole pods or of one container), as utilization of the request or as
an average value, and for a per-pod metric (a Pods metric) as an average value.

The ratio of measured use to target decides; within the tolerance (10 %) nothing changes. Pods that are not ready
yet (still starting, for CPU) or have no metrics are counted the conservative way: when scaling up, as using
nothing; when scaling down, missing pods as using exactly the target. If counting them would flip the direction,
the replica count stays.
"""

import math
from dataclasses import dataclass

from ..api.quantity import cpu_millis, to_int

# upstream: --horizontal-pod-autoscaler-tolerance
TOLERANCE = 0.1
# upstream: --horizontal-pod-autoscaler-cpu-initialization-period and --horizontal-pod-autoscaler-initial-readiness-delay
CPU_INITIALIZATION_PERIOD = 300.0
INITIAL_READINESS_DELAY = 30.0


class MetricsError(Exception):
    """Why no replica count could be computed; the message is upstream's."""


@dataclass
class PodInfo:
    """What the calculator needs of one pod: its name, phase, readiness, timing, and summed request."""

    name: str
    phase: str = "Running"
    ready: bool = True
    deleted: bool = False
    started: float | None = 0.0  # simulated seconds
    ready_changed: float | None = 0.0
    request: int | None = None  # millicores or bytes, summed over containers; None when a container has none
    missing_request_container: str = ""


def group_pods(pods: list[PodInfo], metrics: dict[str, int], resource: str, now: float) -> tuple[list, set, set, set]:
    """upstream groupPods: (ready pods with metrics, unready, missing, ignored)."""
    ready, unready, missing, ignored = [], set(), set(), set()
    for pod in pods:
        if pod.deleted or pod.phase == "Failed":
            ignored.add(pod.name)
            continue
        if pod.phase == "Pending":
            unready.add(pod.name)
            continue
        if pod.name not in metrics:
            missing.add(pod.name)
            continue
        if resource == "cpu":
            if pod.ready_changed is None or pod.started is None:
                unready.add(pod.name)
                continue
            if pod.started + CPU_INITIALIZATION_PERIOD > now:
                starting = not pod.ready
            else:
                starting = not pod.ready and pod.started + INITIAL_READINESS_DELAY > pod.ready_changed
            if starting:
                unready.add(pod.name)
                continue
        ready.append(pod)
    return ready, unready, missing, ignored


def utilization_replicas(
    current: int, target_utilization: int, pods: list[PodInfo], metrics: dict[str, int], resource: str, now: float
) -> tuple[int, int, int]:
    """upstream GetResourceReplicas: (replicas, utilization percent, average raw use)."""
    if not pods:
        raise MetricsError("no pods returned by selector while calculating replica count")
    ready, unready, missing, ignored = group_pods(pods, metrics, resource, now)
    requests = {}
    for pod in pods:  # upstream calculatePodRequests: every pod the selector matches needs a request
        if pod.request is None:
            raise MetricsError(
                f"missing request for {resource} in container {pod.missing_request_container} of Pod {pod.name}"
            )
        requests[pod.name] = pod.request
    usable = {name: value for name, value in metrics.items() if name in requests and name not in unready | ignored}
    if not usable:
        raise MetricsError("did not receive metrics for targeted pods (pods might be unready)")
    ratio, utilization, raw = _utilization_ratio(usable, requests, target_utilization)
    scale_up_with_unready = bool(unready) and ratio > 1.0
    if not scale_up_with_unready and not missing:
        if abs(1.0 - ratio) <= TOLERANCE:
            return current, utilization, raw
        return math.ceil(ratio * len(ready)), utilization, raw
    filled = dict(usable)
    for name in missing:
        filled[name] = requests[name] if ratio < 1.0 else 0
    if scale_up_with_unready:
        for name in unready:
            filled[name] = 0
    new_ratio, _, _ = _utilization_ratio(filled, requests, target_utilization)
    return _settled(current, ratio, new_ratio, len(filled)), utilization, raw


def average_value_replicas(
    current: int, target_value: int, pods: list[PodInfo], metrics: dict[str, int], resource: str, now: float
) -> tuple[int, int]:
    """upstream GetRawResourceReplicas (calcPlainMetricReplicas): (replicas, average raw use)."""
    if not pods:
        raise MetricsError("no pods returned by selector while calculating replica count")
    ready, unready, missing, ignored = group_pods(pods, metrics, resource, now)
    known = {pod.name for pod in pods}
    usable = {name: value for name, value in metrics.items() if name in known and name not in unready | ignored}
    if not usable:
        raise MetricsError("did not receive metrics for targeted pods (pods might be unready)")
    total = sum(usable.values())
    ratio = total / (target_value * len(usable))
    average = total // len(usable)
    scale_up_with_unready = bool(unready) and ratio > 1.0
    if not scale_up_with_unready and not missing:
        if abs(1.0 - ratio) <= TOLERANCE:
            return current, average
        return math.ceil(ratio * len(ready)), average
    filled = dict(usable)
    for name in missing:
        filled[name] = target_value if ratio < 1.0 else 0
    if scale_up_with_unready:
        for name in unready:
            filled[name] = 0
    new_ratio = sum(filled.values()) / (target_value * len(filled))
    return _settled(current, ratio, new_ratio, len(filled)), average


def _utilization_ratio(usage: dict[str, int], requests: dict[str, int], target: int) -> tuple[float, int, int]:
    """upstream GetResourceUtilizationRatio: (ratio to target, utilization percent, average use)."""
    total_use = sum(usage.values())
    total_request = sum(requests[name] for name in usage if name in requests)
    if total_request == 0:
        raise MetricsError("no metrics returned matched known pods")
    utilization = int(total_use * 100 / total_request)
    return utilization / target, utilization, total_use // len(usage)


def _settled(current: int, ratio: float, new_ratio: float, count: int) -> int:
    """upstream: no change within tolerance, nor when counting the uncertain pods flips the direction."""
    if abs(1.0 - new_ratio) <= TOLERANCE or (ratio < 1.0 < new_ratio) or (ratio > 1.0 > new_ratio):
        return current
    replicas = math.ceil(new_ratio * count)
    if (new_ratio < 1.0 and replicas > current) or (new_ratio > 1.0 and replicas < current):
        return current
    return replicas


def pod_request(pod: dict, resource: str, container: str = "") -> tuple[int | None, str]:
    """upstream calculatePodRequests: a pod's summed request for `resource` (only `container`'s when named), or
    (None, the first container without one)."""
    total = 0
    for spec in pod["spec"].get("containers") or []:
        if container and spec["name"] != container:
            continue
        value = ((spec.get("resources") or {}).get("requests") or {}).get(resource)
        if value is None:
            return None, spec["name"]
        total += cpu_millis(value) if resource == "cpu" else to_int(value)
    return total, ""
