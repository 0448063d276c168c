"""The Eviction API (`pods/<name>/eviction`): a delete that first asks the pod's PodDisruptionBudget.

As upstream's EvictionREST (pkg/registry/core/pod/storage/eviction.go): a pod that is not running, or already
going, is deleted at once; so is one no budget covers. Otherwise the budget must allow a disruption: its
`disruptionsAllowed` is decremented and the pod named in `disruptedPods` (so the disruption controller does not
count it as healthy while it terminates), or the request is refused with 429 and nothing changes. Before the
delete the pod gets the DisruptionTarget condition saying why it goes.
"""

from . import admission, errors
from .clone import clone
from .labels import selector_matches

# upstream: MaxDisruptedPodSize, the most evictions a budget may hold unconfirmed by its controller
MAX_DISRUPTED_PODS = 2000
VIOLATION_MESSAGE = "Cannot evict pod as it would violate the pod's disruption budget."
DISRUPTION_BUDGET_CAUSE = "DisruptionBudget"  # upstream policyv1.DisruptionBudgetCause


def evict(server, namespace: str, name: str, delete_options: dict | None = None, dry_run: bool = False) -> dict:
    """Evict the pod or raise the ApiError upstream answers with; returns the pod as its deletion left it."""
    options = delete_options or {}
    with server.storage.transaction():
        pod = server.get("Pod", namespace, name)
        if not _can_ignore_budget(pod):
            budgets = _budgets_of(server, pod)
            if len(budgets) > 1:
                raise errors.ApiError(
                    500,
                    "InternalError",
                    "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
                )
            if budgets and not _unhealthy_may_go(pod, budgets[0]):
                _check_and_decrement(server, pod, budgets[0], dry_run)
        return _mark_and_delete(server, pod, options, dry_run)


def _can_ignore_budget(pod: dict) -> bool:
    """upstream canIgnorePDB: finished, pending and terminating pods disrupt nothing."""
    phase = (pod.get("status") or {}).get("phase")
    return phase in ("Succeeded", "Failed", "Pending") or bool(pod["metadata"].get("deletionTimestamp"))


def _budgets_of(server, pod: dict) -> list[dict]:
    """upstream getPodDisruptionBudgets: budgets in the pod's namespace whose non-empty selector matches it."""
    budgets, _ = server.list("PodDisruptionBudget", pod["metadata"]["namespace"])
    labels = pod["metadata"].get("labels") or {}
    return [
        budget
        for budget in budgets
        if (budget.get("spec") or {}).get("selector") and selector_matches(budget["spec"]["selector"], labels)
    ]


def _is_ready(pod: dict) -> bool:
    return any(
        condition.get("type") == "Ready" and condition.get("status") == "True"
        for condition in (pod.get("status") or {}).get("conditions") or []
    )


def _unhealthy_may_go(pod: dict, budget: dict) -> bool:
    """An unready pod counts against no budget: with AlwaysAllow always, with IfHealthyBudget (the default) while
    the budget's healthy pods already meet what it desires."""
    if _is_ready(pod):
        return False
    if (budget.get("spec") or {}).get("unhealthyPodEvictionPolicy") == "AlwaysAllow":
        return True
    status = budget.get("status") or {}
    desired = status.get("desiredHealthy", 0)
    return desired > 0 and status.get("currentHealthy", 0) >= desired


def _too_many_requests(cause: str) -> errors.ApiError:
    return errors.ApiError(
        429, "TooManyRequests", VIOLATION_MESSAGE, {"causes": [{"reason": DISRUPTION_BUDGET_CAUSE, "message": cause}]}
    )


def _check_and_decrement(server, pod: dict, budget: dict, dry_run: bool) -> None:
    """upstream checkAndDecrement: refuse unless the budget is current and allows a disruption, then take one."""
    name, status = budget["metadata"]["name"], dict(budget.get("status") or {})
    if status.get("observedGeneration", 0) < budget["metadata"].get("generation", 1):
        raise _too_many_requests(f"The disruption budget {name} is still being processed by the server.")
    allowed = status.get("disruptionsAllowed", 0)
    if allowed < 0:
        raise _forbidden_budget(name, "pdb disruptions allowed is negative")
    if len(status.get("disruptedPods") or {}) > MAX_DISRUPTED_PODS:
        raise _forbidden_budget(name, "DisruptedPods map too big - too many evictions not confirmed by PDB controller")
    if allowed == 0:
        raise _too_many_requests(
            f"The disruption budget {name} needs {status.get('desiredHealthy', 0)} healthy pods "
            f"and has {status.get('currentHealthy', 0)} currently"
        )
    status["disruptionsAllowed"] = allowed - 1
    if status["disruptionsAllowed"] == 0:
        set_disruption_allowed(status, server.clock.timestamp())
    if dry_run:
        return
    status["disruptedPods"] = {**(status.get("disruptedPods") or {}), pod["metadata"]["name"]: server.clock.timestamp()}
    server.update("PodDisruptionBudget", {**budget, "status": status}, subresource="status", manager="kube-apiserver")


def _forbidden_budget(name: str, why: str) -> errors.ApiError:
    message = f'poddisruptionbudgets.policy "{name}" is forbidden: {why}'
    return errors.ApiError(403, "Forbidden", message, {"name": name, "group": "policy", "kind": "poddisruptionbudgets"})


def set_disruption_allowed(status: dict, now: str) -> None:
    """upstream UpdateDisruptionAllowedCondition: DisruptionAllowed True (SufficientPods) while a disruption is
    allowed, else False (InsufficientPods); the transition time moves only when the status does."""
    allowed = status.get("disruptionsAllowed", 0) > 0
    condition = {
        "type": "DisruptionAllowed",
        "status": "True" if allowed else "False",
        "reason": "SufficientPods" if allowed else "InsufficientPods",
        "message": "",
    }
    set_budget_condition(status, condition, now)


def set_budget_condition(status: dict, condition: dict, now: str) -> None:
    """apimeta.SetStatusCondition for a budget's metav1.Conditions."""
    conditions = list(status.get("conditions") or [])
    for index, existing in enumerate(conditions):
        if existing.get("type") == condition["type"]:
            moved = existing.get("status") != condition["status"]
            since = now if moved else existing.get("lastTransitionTime", now)
            conditions[index] = {**existing, **condition, "lastTransitionTime": since}
            break
    else:
        conditions.append({**condition, "lastTransitionTime": now})
    status["conditions"] = conditions


def _mark_and_delete(server, pod: dict, options: dict, dry_run: bool) -> dict:
    """upstream addConditionAndDeletePod: DisruptionTarget True (EvictionByEvictionAPI), then the delete."""
    namespace, name = pod["metadata"]["namespace"], pod["metadata"]["name"]
    if not dry_run:
        marked = clone(pod)
        now = server.clock.timestamp()
        admission.set_condition(
            marked, "DisruptionTarget", "True", now, "EvictionByEvictionAPI", "Eviction API: evicting"
        )
        server.update("Pod", marked, subresource="status", manager="kube-apiserver")
    result = server.delete(
        "Pod",
        namespace,
        name,
        grace_period_seconds=options.get("gracePeriodSeconds"),
        preconditions=options.get("preconditions"),
        dry_run=dry_run,
    )
    return result.object
