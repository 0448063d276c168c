"""The Priority admission plugin (plugin/pkg/admission/priority): a new pod gets the priority of its
PriorityClass, or of the cluster's default class, and a second default class is refused.

A pod naming a class gets its `value` as `spec.priority` and its preemption policy; a pod naming none gets the
class marked `globalDefault` (the lowest if several), else priority 0 and PreemptLowerPriority. A pod naming a class
that does not exist, or carrying a priority of its own that differs, is forbidden.
"""

from . import errors

# upstream scheduling.DefaultPriorityWhenNoDefaultClassExists
DEFAULT_PRIORITY = 0
POD, PRIORITY_CLASS = ("", "pods"), ("scheduling.k8s.io", "priorityclasses")


def admit_pod(obj: dict, server) -> None:
    spec = obj["spec"]
    name = spec.get("priorityClassName") or ""
    if not name:
        default = default_class(server.storage.list("PriorityClass", None))
        if default is None:
            priority, policy = DEFAULT_PRIORITY, "PreemptLowerPriority"
        else:
            name, priority, policy = default["metadata"]["name"], default["value"], default.get("preemptionPolicy")
            spec["priorityClassName"] = name
    else:
        found = server.storage.get("PriorityClass", None, name)
        if found is None:
            raise _forbidden(POD, obj, f"no PriorityClass with name {name} was found")
        priority, policy = found.get("value", 0), found.get("preemptionPolicy")
    _computed(obj, "priority", priority, "integer value of priority")
    if policy is not None:
        _computed(obj, "preemptionPolicy", policy, "string value of PreemptionPolicy")


def _computed(obj: dict, field: str, value, what: str) -> None:
    """Set what the plugin computed; a pod that gave another value of its own is forbidden."""
    given = obj["spec"].get(field)
    if given is not None and given != value:
        raise _forbidden(
            POD,
            obj,
            f"the {what} ({given}) must not be provided in pod spec; priority admission controller computed {value} "
            "from the given PriorityClass name",
        )
    obj["spec"][field] = value


def keep_pod_priority(old: dict, new: dict) -> None:
    """upstream: on update the priority set at creation stays (validation refuses any change to it)."""
    old_spec, new_spec = old.get("spec") or {}, new.setdefault("spec", {})
    for field in ("priority", "preemptionPolicy"):
        if new_spec.get(field) is None and old_spec.get(field) is not None:
            new_spec[field] = old_spec[field]


def validate_priority_class(obj: dict, server, old: dict | None = None) -> None:
    """upstream validatePriorityClass: only one class may be the global default."""
    if not obj.get("globalDefault"):
        return
    default = default_class(server.storage.list("PriorityClass", None))
    if default is not None and (old is None or default["metadata"]["name"] != obj["metadata"]["name"]):
        raise _forbidden(
            PRIORITY_CLASS,
            obj,
            f"PriorityClass {default['metadata']['name']} is already marked as default. Only one default can exist",
        )


def default_class(classes: list[dict]) -> dict | None:
    """upstream getDefaultPriorityClass: of the classes marked globalDefault, the lowest value."""
    marked = [item for item in classes if item.get("globalDefault")]
    return min(marked, key=lambda item: item.get("value", 0)) if marked else None


def _forbidden(resource: tuple[str, str], obj: dict, why: str) -> errors.ApiError:
    """admission.NewForbidden: `<resource> "<name>" is forbidden: <why>`."""
    group, plural = resource
    name = obj["metadata"].get("name") or obj["metadata"].get("generateName", "")
    qualified = f"{plural}.{group}" if group else plural
    details = {"name": name, **({"group": group} if group else {}), "kind": plural}
    return errors.ApiError(403, "Forbidden", f'{qualified} "{name}" is forbidden: {why}', details)
