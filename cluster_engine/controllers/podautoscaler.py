"""The horizontal pod autoscaler (pkg/controller/podautoscaler/horizontal.go), autoscaling/v2 metrics.

Every 15 s each HorizontalPodAutoscaler reads its target through the scale subresource, measures its pods' CPU or
memory, whole or of one container (Resource, ContainerResource: the simulated usage model, as metrics-server would
report it) or a per-pod metric (Pods: requests per second from the simulated traffic, as the custom metrics API
would serve it), computes the replicas each metric asks for (`replica_calculator`), keeps the highest, stabilises
it over the behavior's windows (scale-down 300 s by default: the highest recommendation of the window wins), limits
the rate by the behavior's policies, and writes the new size through the scale subresource with a SuccessfulRescale
event. Its status carries the measured metrics and the
conditions AbleToScale, ScalingActive and ScalingLimited with upstream's reasons and messages.
"""

import math

from .. import usage
from ..api.errors import ApiError
from ..api.kinds import KINDS
from ..api.labels import selector_matches
from ..api.quantity import cpu_millis, format_millis, parse_quantity, to_int
from ..api.validation_autoscaling import SCALE_DOWN_DEFAULTS, SCALE_UP_DEFAULTS, rules
from ..runtime.cache import key_of
from ..runtime.component import Controller
from ..traffic import request_rate
from . import replica_calculator as calc
from .pods import ready_condition

COMPONENT = "horizontal-pod-autoscaler"
# upstream: --horizontal-pod-autoscaler-sync-period
SYNC_PERIOD = 15.0
SCALABLE = ("Deployment", "ReplicaSet", "StatefulSet", "ReplicationController")
SCALE_UP, SCALE_DOWN = 1, -1


class HorizontalController(Controller):
    name = COMPONENT
    leader_of = "kube-controller-manager"
    primary_kind = "HorizontalPodAutoscaler"

    def __init__(self, ctx):
        super().__init__(ctx)
        self.recommendations: dict[str, list[tuple[float, int]]] = {}
        self.scale_up_events: dict[str, list[tuple[float, int]]] = {}
        self.scale_down_events: dict[str, list[tuple[float, int]]] = {}

    def start(self) -> None:
        # upstream rate-limits every HPA key to one pass per sync period (FixedItemIntervalRateLimiter): a new HPA is
        # looked at at once, then each pass requeues itself after the period, which also picks up spec changes.
        self.ctx.cache.informer("HorizontalPodAutoscaler").add_handler(lambda hpa: self.queue.add(key_of(hpa)))
        super().start()

    def reconcile(self, key: str) -> float | None:
        hpa = self.ctx.cache.get("HorizontalPodAutoscaler", key)
        if hpa is None:
            for store in (self.recommendations, self.scale_up_events, self.scale_down_events):
                store.pop(key, None)
            return None
        self._sync(key, hpa)
        return SYNC_PERIOD

    # ---- one pass of reconcileAutoscaler ---------------------------------------------------------------------
    def _sync(self, key: str, hpa: dict) -> None:
        now = self.ctx.clock.now
        spec = hpa["spec"]
        namespace = hpa["metadata"]["namespace"]
        ref = spec.get("scaleTargetRef") or {}
        conditions: dict[str, tuple[str, str, str]] = {}
        status = {"currentReplicas": 0, "desiredReplicas": 0}
        target = self._target(namespace, ref)
        if target is None:
            kind = KINDS.get(ref.get("kind", ""))
            what = kind.qualified_plural if kind else (ref.get("kind", "").lower() + "s")
            message = f'{what} "{ref.get("name", "")}" not found'
            self._event(hpa, "Warning", "FailedGetScale", message)
            conditions["AbleToScale"] = (
                "False",
                "FailedGetScale",
                f"the HPA controller was unable to get the target's current scale: {message}",
            )
            self._write_status(hpa, status, conditions, [])
            return
        current = (target.get("spec") or {}).get("replicas", 1)
        conditions["AbleToScale"] = (
            "True",
            "SucceededGetScale",
            "the HPA controller was able to get the target's current scale",
        )
        status["currentReplicas"] = (target.get("status") or {}).get("replicas", 0)
        minimum, maximum = spec.get("minReplicas", 1), spec["maxReplicas"]
        metrics_status: list[dict] = []
        rescale_reason = ""
        if current == 0 and minimum != 0:
            desired = 0
            conditions["ScalingActive"] = (
                "False",
                "ScalingDisabled",
                "scaling is disabled since the replica count of the target is zero",
            )
        elif current > maximum:
            desired, rescale_reason = maximum, "Current number of replicas above Spec.MaxReplicas"
        elif current < minimum:
            desired, rescale_reason = minimum, "Current number of replicas below Spec.MinReplicas"
        else:
            proposal, metric, metrics_status, failure = self._metric_replicas(hpa, target, current, now)
            if failure is not None:
                reason, message = failure
                self._event(hpa, "Warning", reason, message)
                conditions["ScalingActive"] = (
                    "False",
                    reason,
                    f"the HPA was unable to compute the replica count: {message}",
                )
                status["desiredReplicas"] = current
                self._write_status(hpa, status, conditions, metrics_status)
                return
            conditions["ScalingActive"] = (
                "True",
                "ValidMetricFound",
                f"the HPA was able to successfully calculate a replica count from {metric}",
            )
            desired = self._normalize(key, hpa, current, proposal, now, conditions)
            if desired > current:
                rescale_reason = f"{metric} above target"
            elif desired < current:
                rescale_reason = "All metrics below target"
        if rescale_reason and desired != current:
            try:
                self.ctx.client.patch(
                    ref["kind"], namespace, ref["name"], {"spec": {"replicas": desired}}, subresource="scale"
                )
            except ApiError as error:
                self._event(
                    hpa,
                    "Warning",
                    "FailedRescale",
                    f"New size: {desired}; reason: {rescale_reason}; error: {error.message}",
                )
                conditions["AbleToScale"] = (
                    "False",
                    "FailedUpdateScale",
                    f"the HPA controller was unable to update the target scale: {error.message}",
                )
                self._write_status(hpa, status, conditions, metrics_status)
                return
            conditions["AbleToScale"] = (
                "True",
                "SucceededRescale",
                f"the HPA controller was able to update the target scale to {desired}",
            )
            self._event(hpa, "Normal", "SuccessfulRescale", f"New size: {desired}; reason: {rescale_reason}")
            self._record_scale(key, current, desired, now)
            status["lastScaleTime"] = self.ctx.clock.timestamp()
        status["desiredReplicas"] = desired
        self._write_status(hpa, status, conditions, metrics_status)

    def _target(self, namespace: str, ref: dict) -> dict | None:
        if ref.get("kind") not in SCALABLE:
            return None
        return self.ctx.cache.get(ref["kind"], f"{namespace}/{ref.get('name', '')}")

    def _metric_replicas(self, hpa: dict, target: dict, current: int, now: float):
        """upstream computeReplicasForMetrics: (replicas, the metric that asked for them, currentMetrics, failure
        (reason, message) or None)."""
        namespace = hpa["metadata"]["namespace"]
        selector = target["spec"].get("selector")
        if target["kind"] == "ReplicationController":
            selector = {"matchLabels": selector or {}}
        pods = [
            pod
            for pod in self.ctx.cache.list("Pod", namespace)
            if selector_matches(selector, pod["metadata"].get("labels"))
        ]
        best, best_metric, statuses = 0, "", []
        for metric in hpa["spec"].get("metrics") or []:
            kind = metric.get("type")
            try:
                if kind == "Pods":
                    replicas, name, status = self._pods_metric(metric["pods"], pods, current, now)
                elif kind in ("Resource", "ContainerResource"):
                    replicas, name, status = self._resource_metric(metric, pods, current, now)
                else:
                    raise calc.MetricsError(f"{kind} metrics are not served in this cluster")
            except calc.MetricsError as error:
                return 0, "", statuses, (f"FailedGet{kind}Metric", str(error))
            statuses.append(status)
            if replicas > best or not best_metric:
                best, best_metric = replicas, name
        return best, best_metric, statuses, None

    def _resource_metric(self, metric: dict, pods: list[dict], current: int, now: float) -> tuple[int, str, dict]:
        """upstream computeStatusForResourceMetric and computeStatusForContainerResourceMetric."""
        kind = metric["type"]
        source = metric["resource"] if kind == "Resource" else metric["containerResource"]
        resource, goal = source.get("name", "cpu"), source.get("target") or {}
        container = source.get("container", "") if kind == "ContainerResource" else ""
        measured = usage.container_usage(self.ctx.cache.list, pods[0]["metadata"]["namespace"]) if pods else {}
        infos, values = [], {}
        for pod in pods:
            request, missing = calc.pod_request(pod, resource, container)
            infos.append(self._info(pod, request, missing))
            used = measured.get(f"{pod['metadata']['namespace']}/{pod['metadata']['name']}")
            if used is None:
                continue
            if container and container not in used:
                raise calc.MetricsError(
                    f"failed to get {resource} utilization: unable to get metrics for resource {resource}: failed to "
                    f"get container metrics: container {container} not present in metrics for pod "
                    f"{pod['metadata']['namespace']}/{pod['metadata']['name']}"
                )
            values[pod["metadata"]["name"]] = sum(
                cpu if resource == "cpu" else memory
                for name, (cpu, memory) in used.items()
                if not container or name == container
            )
        what = "container resource" if container else "resource"
        try:
            if goal.get("type") == "AverageValue":
                target_value = cpu_millis(goal["averageValue"]) if resource == "cpu" else to_int(goal["averageValue"])
                replicas, average = calc.average_value_replicas(current, target_value, infos, values, resource, now)
                current_value = {"averageValue": _quantity(resource, average)}
                name = f"{resource} resource"
            else:
                replicas, utilization, average = calc.utilization_replicas(
                    current, goal.get("averageUtilization", 80), infos, values, resource, now
                )
                current_value = {"averageUtilization": utilization, "averageValue": _quantity(resource, average)}
                name = f"{resource} {what} utilization (percentage of request)"
        except calc.MetricsError as error:
            measure = "usage" if goal.get("type") == "AverageValue" else "utilization"
            raise calc.MetricsError(f"failed to get {resource} {measure}: {error}") from error
        if kind == "Resource":
            return replicas, name, {"type": kind, "resource": {"name": resource, "current": current_value}}
        status = {"name": resource, "container": container, "current": current_value}
        return replicas, name, {"type": kind, "containerResource": status}

    def _pods_metric(self, source: dict, pods: list[dict], current: int, now: float) -> tuple[int, str, dict]:
        """upstream computeStatusForPodsMetric with GetMetricReplicas: a per-pod metric from the custom metrics API,
        averaged over the pods and compared with the target average value (in thousandths, as upstream's
        MilliValue)."""
        metric = source.get("metric") or {}
        name = metric.get("name", "")
        goal = source.get("target") or {}
        values = {}
        if name == request_rate.METRIC:
            namespace = pods[0]["metadata"]["namespace"] if pods else None
            rates = request_rate.requests_per_second(self.ctx.cache.list, namespace) if pods else {}
            for pod in pods:
                key = f"{pod['metadata']['namespace']}/{pod['metadata']['name']}"
                if key in rates and selector_matches(metric.get("selector"), pod["metadata"].get("labels")):
                    values[pod["metadata"]["name"]] = round(rates[key] * 1000)
        if not values:
            raise calc.MetricsError(
                f"unable to get metric {name}: unable to fetch metrics from custom metrics API: the server could not "
                f"find the metric {name} for pods"
            )
        infos = [self._info(pod, None, "") for pod in pods]
        target_value = math.ceil(parse_quantity(goal.get("averageValue", "0")) * 1000)  # upstream MilliValue
        replicas, average = calc.average_value_replicas(current, target_value, infos, values, "", now)
        identifier = {"name": name, **({"selector": metric["selector"]} if metric.get("selector") else {})}
        status = {"metric": identifier, "current": {"averageValue": format_millis(average)}}
        return replicas, f"pods metric {name}", {"type": "Pods", "pods": status}

    def _info(self, pod: dict, request: int | None, missing: str) -> calc.PodInfo:
        status = pod.get("status") or {}
        condition = ready_condition(pod) or {}
        started = status.get("startTime")
        changed = condition.get("lastTransitionTime")
        return calc.PodInfo(
            name=pod["metadata"]["name"],
            phase=status.get("phase", "Pending"),
            ready=condition.get("status") == "True",
            deleted=bool(pod["metadata"].get("deletionTimestamp")),
            started=self._seconds(started),
            ready_changed=self._seconds(changed) if condition else None,
            request=request,
            missing_request_container=missing,
        )

    def _seconds(self, timestamp: str | None) -> float | None:
        if not timestamp:
            return None
        return self.ctx.clock.seconds_since_epoch(timestamp)

    # ---- behaviors: stabilisation and rate limits (normalizeDesiredReplicasWithBehaviors) ---------------------
    def _normalize(self, key: str, hpa: dict, current: int, proposal: int, now: float, conditions: dict) -> int:
        up, down = _behavior(hpa)
        up_window, down_window = up["stabilizationWindowSeconds"], down["stabilizationWindowSeconds"]
        # upstream: a newly seen HPA starts its history with the current size, so it never scales down at once
        history = self.recommendations.setdefault(key, [(now, current)])
        up_rec = down_rec = proposal
        for when, replicas in history:
            if when > now - up_window:
                up_rec = min(up_rec, replicas)
            if when > now - down_window:
                down_rec = max(down_rec, replicas)
        stabilized = current
        if stabilized < up_rec:
            stabilized = up_rec
        if stabilized > down_rec:
            stabilized = down_rec
        longest = max(up_window, down_window)
        history[:] = [(when, replicas) for when, replicas in history if when > now - longest]
        history.append((now, proposal))
        if stabilized != proposal:
            if proposal < stabilized:
                conditions["AbleToScale"] = (
                    "True",
                    "ScaleDownStabilized",
                    "recent recommendations were higher than current one, applying the highest recent recommendation",
                )
            else:
                conditions["AbleToScale"] = (
                    "True",
                    "ScaleUpStabilized",
                    "recent recommendations were lower than current one, applying the lowest recent recommendation",
                )
        else:
            conditions["AbleToScale"] = ("True", "ReadyForNewScale", "recommended size matches current size")
        return self._rate_limited(key, hpa, current, stabilized, now, conditions)

    def _rate_limited(self, key: str, hpa: dict, current: int, desired: int, now: float, conditions: dict) -> int:
        """upstream convertDesiredReplicasWithBehaviorRate, with its ScalingLimited reasons."""
        up, down = _behavior(hpa)
        minimum, maximum = hpa["spec"].get("minReplicas", 1), hpa["spec"]["maxReplicas"]
        reason, message = "DesiredWithinRange", "the desired count is within the acceptable range"
        result = desired
        if desired > current:
            # upstream: no further scale-up until past scale-ups leave the policies' periods
            limit = max(self._policy_limit(key, current, up, now, SCALE_UP), current)
            allowed = min(limit, maximum)
            if allowed < desired:
                result = allowed
                if limit < maximum:
                    reason, message = (
                        "ScaleUpLimit",
                        "the desired replica count is increasing faster than the maximum scale rate",
                    )
                else:
                    reason, message = (
                        "TooManyReplicas",
                        "the desired replica count is more than the maximum replica count",
                    )
        elif desired < current:
            limit = min(self._policy_limit(key, current, down, now, SCALE_DOWN), current)
            allowed = max(limit, minimum)
            if allowed > desired:
                result = allowed
                if limit > minimum:
                    reason, message = (
                        "ScaleDownLimit",
                        "the desired replica count is decreasing faster than the maximum scale rate",
                    )
                else:
                    reason, message = (
                        "TooFewReplicas",
                        "the desired replica count is less than the minimum replica count",
                    )
        conditions["ScalingLimited"] = ("True" if reason != "DesiredWithinRange" else "False", reason, message)
        return result

    def _policy_limit(self, key: str, current: int, rules: dict, now: float, direction: int) -> int:
        events = (self.scale_up_events.get(key, []), self.scale_down_events.get(key, []))
        return policy_limit(current, rules, *events, now, direction)

    def _record_scale(self, key: str, current: int, desired: int, now: float) -> None:
        store = self.scale_up_events if desired > current else self.scale_down_events
        events = store.setdefault(key, [])
        events[:] = [(when, change) for when, change in events if when > now - 1800]  # upstream: longest policy period
        events.append((now, abs(desired - current)))

    # ---- writes ----------------------------------------------------------------------------------------------
    def _write_status(self, hpa: dict, status: dict, conditions: dict, metrics: list[dict]) -> None:
        previous = hpa.get("status") or {}
        timestamp = self.ctx.clock.timestamp()
        new_status = {**status, "observedGeneration": hpa["metadata"].get("generation", 1)}
        if "lastScaleTime" not in new_status and previous.get("lastScaleTime"):
            new_status["lastScaleTime"] = previous["lastScaleTime"]
        if metrics:
            new_status["currentMetrics"] = metrics
        old_conditions = {c["type"]: c for c in previous.get("conditions") or []}
        new_conditions = []
        for kind in ("AbleToScale", "ScalingActive", "ScalingLimited"):
            if kind not in conditions:
                if kind in old_conditions:
                    new_conditions.append(old_conditions[kind])
                continue
            value, reason, message = conditions[kind]
            old = old_conditions.get(kind)
            since = old["lastTransitionTime"] if old and old["status"] == value else timestamp
            new_conditions.append(
                {"type": kind, "status": value, "lastTransitionTime": since, "reason": reason, "message": message}
            )
        new_status["conditions"] = new_conditions
        if new_status != previous:
            self.ctx.client.update_status("HorizontalPodAutoscaler", {**hpa, "status": new_status})

    def _event(self, hpa: dict, type_: str, reason: str, message: str) -> None:
        self.ctx.events.record(hpa, type_, reason, message, COMPONENT)


def policy_limit(
    current: int,
    rules: dict,
    scale_ups: list[tuple[float, int]],
    scale_downs: list[tuple[float, int]],
    now: float,
    direction: int,
) -> int:
    """upstream calculateScaleUpLimitWithScalingRules (direction SCALE_UP) and
    calculateScaleDownLimitWithBehaviors (SCALE_DOWN): each policy allows its change from the size the target had
    when the policy's period began; `Min` picks the smallest change, `Max` (the default) the largest."""
    if rules.get("selectPolicy") == "Disabled":
        return current
    proposals = []
    for policy in rules.get("policies") or []:
        period = policy.get("periodSeconds", 15)
        added = sum(change for when, change in scale_ups if when > now - period)
        deleted = sum(change for when, change in scale_downs if when > now - period)
        start = current - added + deleted
        if policy["type"] == "Pods":
            proposals.append(start + direction * policy["value"])
        else:
            # rounded away from the start, so a small percentage still changes the size by one
            proposed = start * (1 + direction * policy["value"] / 100)
            proposals.append(math.ceil(proposed) if direction == SCALE_UP else math.floor(proposed))
    if not proposals:
        return current
    smallest_change = rules.get("selectPolicy") == "Min"
    return min(proposals) if (direction == SCALE_UP) == smallest_change else max(proposals)


def _behavior(hpa: dict) -> tuple[dict, dict]:
    """The scale-up and scale-down rules, upstream's defaults for what the HPA leaves out."""
    behavior = hpa["spec"].get("behavior") or {}
    return rules(behavior.get("scaleUp"), SCALE_UP_DEFAULTS), rules(behavior.get("scaleDown"), SCALE_DOWN_DEFAULTS)


def _quantity(resource: str, amount: int) -> str:
    return format_millis(amount) if resource == "cpu" else str(amount)
