"""The API server's rules for PodDisruptionBudgets (pkg/apis/policy/validation ValidatePodDisruptionBudgetSpec).

A budget names its pods by selector and says how many must stay up (minAvailable) or may be down
(maxUnavailable), as a number or a percentage; never both. The disruption controller fills in the status that the
Eviction API reads.
"""

from .daemonset import positive_int_or_percent
from .errors import FieldError, invalid, not_supported
from .podspec import label_selector

# upstream policy/v1 UnhealthyPodEvictionPolicyType values, listed sorted as upstream's sets.List does
UNHEALTHY_POD_EVICTION_POLICIES = ("AlwaysAllow", "IfHealthyBudget")
# upstream: PodDisruptionBudgetStatus's counters are not omitempty
STATUS_COUNTERS = ("disruptionsAllowed", "currentHealthy", "desiredHealthy", "expectedPods")


def set_defaults(obj: dict) -> None:
    status = obj.setdefault("status", {})
    for counter in STATUS_COUNTERS:
        status.setdefault(counter, 0)


def validate(obj: dict) -> list[FieldError]:
    spec = obj.get("spec") or {}
    problems = []
    if spec.get("minAvailable") is not None and spec.get("maxUnavailable") is not None:
        problems.append(invalid("spec", spec, "minAvailable and maxUnavailable cannot be both set"))
    for field in ("minAvailable", "maxUnavailable"):
        if spec.get(field) is not None:
            problems += positive_int_or_percent(spec[field], f"spec.{field}")
    if spec.get("selector"):
        problems += label_selector(spec["selector"], "spec.selector")
    policy = spec.get("unhealthyPodEvictionPolicy")
    if policy is not None and policy not in UNHEALTHY_POD_EVICTION_POLICIES:
        problems.append(not_supported("spec.unhealthyPodEvictionPolicy", policy, UNHEALTHY_POD_EVICTION_POLICIES))
    return problems
