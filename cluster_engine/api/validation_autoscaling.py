"""HorizontalPodAutoscaler (autoscaling/v2) defaults and validation, as upstream's pkg/apis/autoscaling/v2/defaults.go
and pkg/apis/autoscaling/validation word them."""

import copy

from .errors import FieldError, forbidden, invalid, not_supported, required
from .names import dns1123_label
from .quantity import QuantityError, parse_quantity

# upstream: the default metric when none is given, 80 % of the CPU request (DefaultCPUUtilization)
DEFAULT_CPU_UTILIZATION = 80
# upstream: GenerateHPAScaleUpRules / GenerateHPAScaleDownRules (scale-down window: the 300 s downscale stabilisation)
SCALE_UP_DEFAULTS = {
    "stabilizationWindowSeconds": 0,
    "selectPolicy": "Max",
    "policies": [
        {"type": "Pods", "value": 4, "periodSeconds": 15},
        {"type": "Percent", "value": 100, "periodSeconds": 15},
    ],
}
SCALE_DOWN_DEFAULTS = {
    "stabilizationWindowSeconds": 300,
    "selectPolicy": "Max",
    "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}],
}
# upstream: MaxPeriodSeconds, MaxStabilizationWindowSeconds
MAX_PERIOD_SECONDS = 1800
MAX_STABILIZATION_WINDOW_SECONDS = 3600
SELECT_POLICIES = ("Disabled", "Max", "Min")
POLICY_TYPES = ("Percent", "Pods")
TARGET_TYPES = ("AverageValue", "Utilization", "Value")
METRIC_TYPES = ("ContainerResource", "External", "Object", "Pods", "Resource")


def rules(given: dict | None, defaults: dict) -> dict:
    """A scaling rule with every field unset taken from the defaults."""
    filled = copy.deepcopy(defaults)
    for key, value in (given or {}).items():
        if value is not None:
            filled[key] = copy.deepcopy(value)
    return filled


def default_hpa(obj: dict, server=None) -> None:
    spec = obj.setdefault("spec", {})
    spec.setdefault("minReplicas", 1)
    if not spec.get("metrics"):
        spec["metrics"] = [
            {
                "type": "Resource",
                "resource": {
                    "name": "cpu",
                    "target": {"type": "Utilization", "averageUtilization": DEFAULT_CPU_UTILIZATION},
                },
            }
        ]
    behavior = spec.get("behavior")
    if behavior is not None:  # upstream fills a given behavior only
        behavior["scaleUp"] = rules(behavior.get("scaleUp"), SCALE_UP_DEFAULTS)
        behavior["scaleDown"] = rules(behavior.get("scaleDown"), SCALE_DOWN_DEFAULTS)


def hpa(obj: dict) -> list[FieldError]:
    spec = obj.get("spec") or {}
    problems = []
    minimum, maximum = spec.get("minReplicas"), spec.get("maxReplicas", 0)
    if isinstance(minimum, int) and minimum < 1:
        problems.append(invalid("spec.minReplicas", minimum, "must be greater than or equal to 1"))
    if maximum < 1:
        problems.append(invalid("spec.maxReplicas", maximum, "must be greater than 0"))
    if isinstance(minimum, int) and maximum < minimum:
        problems.append(invalid("spec.maxReplicas", maximum, "must be greater than or equal to `minReplicas`"))
    ref = spec.get("scaleTargetRef") or {}
    for field in ("kind", "name"):
        if not ref.get(field):
            problems.append(required(f"spec.scaleTargetRef.{field}"))
        else:
            problems += [invalid(f"spec.scaleTargetRef.{field}", ref[field], m) for m in _path_segment(ref[field])]
    for index, metric in enumerate(spec.get("metrics") or []):
        problems += _metric(metric, f"spec.metrics[{index}]")
    behavior = spec.get("behavior")
    if behavior:
        for direction in ("scaleUp", "scaleDown"):
            if behavior.get(direction):
                problems += _rules(behavior[direction], f"spec.behavior.{direction}")
    return problems


def _path_segment(value: str) -> list[str]:
    """upstream IsValidPathSegmentName."""
    if value in (".", ".."):
        return [f"may not be '{value}'"]
    return [f"may not contain '{bad}'" for bad in ("/", "%") if bad in value]


def _metric(metric: dict, path: str) -> list[FieldError]:
    kind = metric.get("type")
    if not kind:
        return [required(f"{path}.type", "must specify a metric source type")]
    if kind not in METRIC_TYPES:
        return [not_supported(f"{path}.type", kind, METRIC_TYPES)]
    field = kind[0].lower() + kind[1:]
    source = metric.get(field)
    if source is None:
        return [required(f"{path}.{field}", "must populate information for the given metric source")]
    problems = [
        forbidden(f"{path}.{other}", "must populate the given metric source only")
        for other in ("containerResource", "external", "object", "pods", "resource")
        if other != field and metric.get(other) is not None
    ]
    if kind == "Pods":
        problems += _pods_source(source, f"{path}.pods")
    if kind == "ContainerResource":
        container = source.get("container")
        if not container:
            problems.append(required(f"{path}.{field}.container", "must specify a container"))
        else:
            problems += dns1123_label(container, f"{path}.{field}.container")
    if kind in ("Resource", "ContainerResource"):
        if not source.get("name"):
            problems.append(required(f"{path}.{field}.name", "must specify a resource name"))
        target = source.get("target") or {}
        problems += _target(target, f"{path}.{field}.target")
        if target.get("averageUtilization") is None and target.get("averageValue") is None:
            problems.append(
                required(
                    f"{path}.{field}.target.averageUtilization",
                    "must set either a target raw value or a target utilization",
                )
            )
        if target.get("averageUtilization") is not None and target.get("averageValue") is not None:
            problems.append(
                forbidden(
                    f"{path}.{field}.target.averageValue",
                    "may not set both a target raw value and a target utilization",
                )
            )
    return problems


def _pods_source(source: dict, path: str) -> list[FieldError]:
    """upstream validatePodsSource, with validateMetricIdentifier."""
    name = (source.get("metric") or {}).get("name")
    if not name:
        problems = [required(f"{path}.metric.name", "must specify a metric name")]
    else:
        problems = [invalid(f"{path}.metric.name", name, message) for message in _path_segment(name)]
    target = source.get("target") or {}
    problems += _target(target, f"{path}.target")
    if target.get("averageValue") is None:
        problems.append(required(f"{path}.target.averageValue", "must specify a positive target averageValue"))
    return problems


def _target(target: dict, path: str) -> list[FieldError]:
    """upstream validateMetricTarget."""
    problems = []
    kind = target.get("type")
    if not kind:
        problems.append(required(f"{path}.type", "must specify a metric target type"))
    elif kind not in TARGET_TYPES:
        problems.append(invalid(f"{path}.type", kind, "must be either Utilization, Value, or AverageValue"))
    for field in ("value", "averageValue"):
        if target.get(field) is not None:
            try:
                positive = parse_quantity(target[field]) > 0
            except QuantityError:
                positive = False
            if not positive:
                problems.append(invalid(f"{path}.{field}", target[field], "must be positive"))
    utilization = target.get("averageUtilization")
    if utilization is not None and utilization < 1:
        problems.append(invalid(f"{path}.averageUtilization", utilization, "must be greater than 0"))
    return problems


def _rules(rules_: dict, path: str) -> list[FieldError]:
    """upstream validateScalingRules."""
    problems = []
    window = rules_.get("stabilizationWindowSeconds")
    if window is not None:
        if window < 0:
            problems.append(
                invalid(f"{path}.stabilizationWindowSeconds", window, "must be greater than or equal to zero")
            )
        elif window > MAX_STABILIZATION_WINDOW_SECONDS:
            problems.append(
                invalid(
                    f"{path}.stabilizationWindowSeconds",
                    window,
                    f"must be less than or equal to {MAX_STABILIZATION_WINDOW_SECONDS}",
                )
            )
    select = rules_.get("selectPolicy")
    if select is not None and select not in SELECT_POLICIES:
        problems.append(not_supported(f"{path}.selectPolicy", select, SELECT_POLICIES))
    policies = rules_.get("policies")
    if policies is not None and not policies and select != "Disabled":
        problems.append(required(f"{path}.policies", "must specify at least one Policy"))
    for index, policy in enumerate(policies or []):
        policy_path = f"{path}.policies[{index}]"
        if policy.get("type") not in POLICY_TYPES:
            problems.append(not_supported(f"{policy_path}.type", policy.get("type"), POLICY_TYPES))
        if policy.get("value", 0) <= 0:
            problems.append(invalid(f"{policy_path}.value", policy.get("value", 0), "must be greater than zero"))
        period = policy.get("periodSeconds", 0)
        if period <= 0:
            problems.append(invalid(f"{policy_path}.periodSeconds", period, "must be greater than zero"))
        elif period > MAX_PERIOD_SECONDS:
            problems.append(
                invalid(f"{policy_path}.periodSeconds", period, f"must be less than or equal to {MAX_PERIOD_SECONDS}")
            )
    return problems
