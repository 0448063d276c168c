"""PriorityClass (scheduling.k8s.io/v1) validation and defaults, worded as upstream's
pkg/apis/scheduling/validation and pkg/apis/scheduling/v1/defaults.go."""

from ..priorityclasses import HIGHEST_USER_DEFINABLE_PRIORITY, SYSTEM_CLASSES, SYSTEM_PREFIX
from .errors import FieldError, forbidden, not_supported, required

PREEMPTION_POLICIES = ("PreemptLowerPriority", "Never")


def default_priority_class(obj: dict, server=None) -> None:
    """upstream SetDefaults_PriorityClass; `value`, a plain int32, is zero when left out."""
    obj.setdefault("value", 0)
    obj.setdefault("preemptionPolicy", "PreemptLowerPriority")


def priority_class(obj: dict) -> list[FieldError]:
    """upstream ValidatePriorityClass."""
    problems = []
    name = obj["metadata"].get("name", "")
    value = obj.get("value", 0)  # an int32, zero when left out
    if name.startswith(SYSTEM_PREFIX):
        known = _known_system_class(name, value, bool(obj.get("globalDefault")))
        if known is not None:
            problems.append(
                forbidden(
                    "metadata.name",
                    f"priority class names with '{SYSTEM_PREFIX}' prefix are reserved for system use only. error: "
                    f"{known}",
                )
            )
    elif value > HIGHEST_USER_DEFINABLE_PRIORITY:
        problems.append(
            forbidden("value", f"maximum allowed value of a user defined priority is {HIGHEST_USER_DEFINABLE_PRIORITY}")
        )
    policy = obj.get("preemptionPolicy")
    if policy == "":
        problems.append(required("preemptionPolicy"))
    elif policy is not None and policy not in PREEMPTION_POLICIES:
        problems.append(not_supported("preemptionPolicy", policy, PREEMPTION_POLICIES))
    return problems


def priority_class_update(old: dict, new: dict) -> list[FieldError]:
    """upstream ValidatePriorityClassUpdate: the value and the preemption policy stay as created."""
    problems = []
    if new.get("value") != old.get("value"):
        problems.append(forbidden("value", "may not be changed in an update."))
    if new.get("preemptionPolicy") != old.get("preemptionPolicy"):
        problems.append(forbidden("preemptionPolicy", "may not be changed in an update."))
    return problems


def _known_system_class(name: str, value: int, global_default: bool) -> str | None:
    """upstream IsKnownSystemPriorityClass: why the class is not the system class of that name, or None."""
    if name not in SYSTEM_CLASSES:
        return f"{name} is not a known system priority class"
    expected = SYSTEM_CLASSES[name][0]
    if value != expected:
        return f"value of {name} PriorityClass must be {expected}"
    if global_default:
        return f"globalDefault of {name} PriorityClass must be false"
    return None
