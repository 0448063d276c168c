"""The disruption controller: how many of a budget's pods may go now (pkg/controller/disruption).

For each PodDisruptionBudget it counts the healthy (ready, not terminating, not just evicted) pods its selector
matches, works out how many must stay healthy (minAvailable, or the controllers' scale less maxUnavailable) and
writes `disruptionsAllowed` with the DisruptionAllowed condition. The Eviction API reads that number and takes
one with each eviction; the controller forgets an eviction once the pod is going, or after two minutes if it never
went.
"""

from ..api.errors import ApiError
from ..api.eviction import set_budget_condition, set_disruption_allowed
from ..api.labels import selector_matches
from ..runtime.cache import key_of
from ..runtime.component import Controller
from . import owners
from .pods import is_ready
from .rollout import scaled_value

# upstream: DeletionTimeout, how long an eviction is trusted to be followed by the pod's deletion
DELETION_TIMEOUT = 120.0
EXPLANATIONS = {
    "NoPods": "The budget's selector matches no pod yet, so it protects nothing.",
    "NoControllers": (
        "The budget counts replicas from the pods' controllers, and one of its pods has no controller it can "
        "read a scale from, so it allows no disruption at all."
    ),
    "NotDeleted": "An evicted pod was never deleted, so the budget counts it as healthy again.",
    "UnmanagedPods": "Some of the budget's pods have no controller, so a percentage cannot be worked out for them.",
}


class DisruptionController(Controller):
    name = "disruption-controller"
    leader_of = "kube-controller-manager"
    primary_kind = "PodDisruptionBudget"
    resync_period = 30.0  # simulated seconds; upstream resyncs shared informers periodically

    def start(self) -> None:
        self.watch("PodDisruptionBudget")
        self.watch("Pod", self._budgets_of_pod)
        for kind in ("ReplicaSet", "Deployment", "ReplicationController", "StatefulSet"):
            self.watch(kind, self._budgets_in_namespace)
        super().start()

    def _budgets_of_pod(self, pod: dict) -> list[str]:
        labels = pod["metadata"].get("labels")
        return [
            key_of(budget)
            for budget in self.ctx.cache.list("PodDisruptionBudget", pod["metadata"].get("namespace"))
            if selector_matches((budget.get("spec") or {}).get("selector"), labels)
        ]

    def _budgets_in_namespace(self, obj: dict) -> list[str]:
        return [key_of(budget) for budget in self.ctx.cache.list("PodDisruptionBudget", obj["metadata"]["namespace"])]

    def reconcile(self, key: str) -> float | None:
        budget = self.ctx.cache.get("PodDisruptionBudget", key)
        if budget is None:
            return None
        pods = self._pods(budget)
        if not pods:
            self._event(budget, "Normal", "NoPods", "No matching pods found")
        try:
            expected, desired = self._expected_and_desired(budget, pods)
        except LookupError as error:
            self._fail_safe(budget, str(error))
            return None
        disrupted, recheck = self._disrupted_pods(budget, pods)
        healthy = sum(
            1
            for pod in pods
            if not pod["metadata"].get("deletionTimestamp")
            and pod["metadata"]["name"] not in disrupted
            and is_ready(pod)
        )
        allowed = healthy - desired if expected > 0 and healthy > desired else 0
        status = dict(budget.get("status") or {})
        status.update(
            currentHealthy=healthy,
            desiredHealthy=desired,
            expectedPods=expected,
            disruptionsAllowed=allowed,
            observedGeneration=budget["metadata"].get("generation", 1),
        )
        if disrupted:
            status["disruptedPods"] = disrupted
        else:
            status.pop("disruptedPods", None)
        set_disruption_allowed(status, self.ctx.clock.timestamp())
        if status != (budget.get("status") or {}):
            self.ctx.client.update_status("PodDisruptionBudget", {**budget, "status": status})
        return recheck

    def _pods(self, budget: dict) -> list[dict]:
        """upstream getPodsForPdb: the namespace's pods the selector matches; a budget with no selector has none."""
        selector = (budget.get("spec") or {}).get("selector")
        if selector is None:
            return []
        return [
            pod
            for pod in self.ctx.cache.list("Pod", budget["metadata"]["namespace"])
            if selector_matches(selector, pod["metadata"].get("labels"))
        ]

    def _expected_and_desired(self, budget: dict, pods: list[dict]) -> tuple[int, int]:
        """upstream getExpectedPodCount: an integer minAvailable counts the pods there are; maxUnavailable and a
        percentage count the replicas their controllers want (rounding up)."""
        spec = budget.get("spec") or {}
        if spec.get("maxUnavailable") is not None:
            expected = self._expected_scale(budget, pods)
            return expected, max(0, expected - scaled_value(spec["maxUnavailable"], expected, True))
        minimum = spec.get("minAvailable")
        if isinstance(minimum, int):
            return len(pods), minimum
        if isinstance(minimum, str):
            expected = self._expected_scale(budget, pods)
            return expected, scaled_value(minimum, expected, True)
        return 0, 0

    def _expected_scale(self, budget: dict, pods: list[dict]) -> int:
        """upstream getExpectedScale: the sum of the scales of the pods' controllers, each counted once."""
        scales: dict[str, int] = {}
        unmanaged = []
        for pod in pods:
            reference = owners.controller_ref(pod)
            if reference is None:
                unmanaged.append(pod["metadata"]["name"])
                continue
            if reference["uid"] in scales:
                continue
            found = self._controller_scale(reference, pod["metadata"]["namespace"])
            if found is None:
                message = f'found no controllers for pod "{pod["metadata"]["name"]}"'
                self._event(budget, "Warning", "NoControllers", message)
                raise LookupError(message)
            scales[found[0]] = found[1]
        if unmanaged:
            selector = (budget.get("spec") or {}).get("selector")
            self._event(
                budget,
                "Warning",
                "UnmanagedPods",
                f"Pods selected by this PodDisruptionBudget (selector: {selector}) were found to be unmanaged. As a "
                "result, the status of the PDB cannot be calculated correctly, which may result in undefined "
                'behavior. To account for these pods please set ".spec.minAvailable" field of the PDB to an integer '
                "value.",
            )
        return sum(scales.values())

    def _controller_scale(self, reference: dict, namespace: str) -> tuple[str, int] | None:
        """upstream's finders: a ReplicaSet's Deployment (or the set itself), a ReplicationController, a
        StatefulSet; (uid, replicas) of the one whose uid the reference names."""
        kind = reference.get("kind")
        if kind not in ("ReplicaSet", "ReplicationController", "StatefulSet"):
            return None
        owner = self.ctx.cache.get(kind, f"{namespace}/{reference['name']}")
        if owner is None or owner["metadata"]["uid"] != reference["uid"]:
            return None
        if kind == "ReplicaSet":
            parent = owners.controller_ref(owner)
            if parent is not None and parent.get("kind") == "Deployment":
                deployment = self.ctx.cache.get("Deployment", f"{namespace}/{parent['name']}")
                if deployment is None or deployment["metadata"]["uid"] != parent["uid"]:
                    return None
                owner = deployment
        return owner["metadata"]["uid"], (owner.get("spec") or {}).get("replicas", 1)

    def _disrupted_pods(self, budget: dict, pods: list[dict]) -> tuple[dict, float | None]:
        """upstream buildDisruptedPodMap: evictions still expected to end in a deletion, and when to look again."""
        recorded = (budget.get("status") or {}).get("disruptedPods") or {}
        kept, recheck = {}, None
        for pod in pods:
            name = pod["metadata"]["name"]
            if pod["metadata"].get("deletionTimestamp") or name not in recorded:
                continue
            remaining = self.ctx.clock.seconds_since_epoch(recorded[name]) + DELETION_TIMEOUT - self.ctx.clock.now
            if remaining <= 0:  # due now: looking again at this same instant would find it due again
                message = (
                    f"Pod was expected by PDB {budget['metadata']['namespace']}/{budget['metadata']['name']} to be "
                    "deleted but it wasn't"
                )
                self.ctx.events.record(
                    pod, "Warning", "NotDeleted", message, self.name, explanation=EXPLANATIONS["NotDeleted"]
                )
                continue
            kept[name] = recorded[name]
            recheck = remaining if recheck is None else min(recheck, remaining)
        return kept, recheck

    def _fail_safe(self, budget: dict, message: str) -> None:
        """upstream failSafe: when the numbers cannot be worked out, allow no disruption and say why."""
        status = dict(budget.get("status") or {})
        status["disruptionsAllowed"] = 0
        condition = {"type": "DisruptionAllowed", "status": "False", "reason": "SyncFailed", "message": message}
        if status.get("observedGeneration"):
            condition["observedGeneration"] = status["observedGeneration"]
        set_budget_condition(status, condition, self.ctx.clock.timestamp())
        if status != (budget.get("status") or {}):
            try:
                self.ctx.client.update_status("PodDisruptionBudget", {**budget, "status": status})
            except ApiError as error:
                if error.code != 404:
                    raise

    def _event(self, budget: dict, event_type: str, reason: str, message: str) -> None:
        self.ctx.events.record(budget, event_type, reason, message, self.name, explanation=EXPLANATIONS[reason])
