"""The ReplicaSet controller: keep `spec.replicas` active pods that match the selector (pkg/controller/replicaset).

Too few pods: create them from the template, in slow-start batches of 1, 2, 4, ... so a template that cannot work
(a missing service account, a terminating namespace) fails once rather than hundreds of times. Too many: delete
the ones upstream's ranking says matter least. The status counts what the pods report; the Deployment controller
reads it to pace a rollout. The replication controller (replication.py) is this controller run over
ReplicationControllers, as upstream's is: the kind it watches and owns pods as, and how it reads a selector, are
what a subclass changes.
"""

from ..api.clone import clone
from ..api.errors import ApiError
from ..api.labels import selector_matches
from ..runtime.cache import key_of
from ..runtime.component import Controller
from . import owners
from .pods import available_in, is_active, is_ready
from .victims import pods_to_delete

# upstream: BurstReplicas=500 creations or deletions per sync; slow start begins with a batch of 1
BURST_REPLICAS = 500
SLOW_START_INITIAL_BATCH = 1
COMPONENT = "replicaset-controller"
# What each kind this controller runs over tells a learner; ReplicationControllers reuse it (replication.py).
EXPLANATIONS = {
    "ReplicaSet": {
        "SuccessfulCreate": "The ReplicaSet had fewer pods than it wants, so it made another from its template.",
        "SuccessfulDelete": "The ReplicaSet had more pods than it wants, so it removed the one that mattered least.",
        "FailedCreate": "The ReplicaSet tried to make a pod and the API server refused; it will try again.",
        "FailedDelete": "The ReplicaSet tried to remove a pod and the API server refused; it will try again.",
    },
    "ReplicationController": {
        "SuccessfulCreate": (
            "The ReplicationController had fewer pods than it wants, so it made another from its template."
        ),
        "SuccessfulDelete": (
            "The ReplicationController had more pods than it wants, so it removed the one that mattered least."
        ),
        "FailedCreate": "The ReplicationController tried to make a pod and the API server refused; it will try again.",
        "FailedDelete": (
            "The ReplicationController tried to remove a pod and the API server refused; it will try again."
        ),
    },
}


class ReplicaSetController(Controller):
    name = COMPONENT
    leader_of = "kube-controller-manager"
    primary_kind = "ReplicaSet"
    resync_period = 30.0  # simulated seconds; upstream resyncs shared informers periodically

    def start(self) -> None:
        self.ctx.cache.informer("Pod").add_index(owners.CONTROLLER_INDEX, owners.controller_index)
        self.watch(self.primary_kind)
        self.watch("Pod", self._replica_sets_of)
        super().start()

    def selector(self, rs: dict) -> dict | None:
        """The LabelSelector the set's pods must match."""
        return rs["spec"].get("selector")

    def _replica_sets_of(self, pod: dict) -> list[str]:
        """The owning set, or for an orphan every set that could adopt it."""
        reference = owners.controller_ref(pod)
        namespace = pod["metadata"].get("namespace")
        if reference:
            return [f"{namespace}/{reference['name']}"] if reference.get("kind") == self.primary_kind else []
        labels = pod["metadata"].get("labels")
        return [
            key_of(rs)
            for rs in self.ctx.cache.list(self.primary_kind, namespace)
            if selector_matches(self.selector(rs), labels)
        ]

    def reconcile(self, key: str) -> float | None:
        rs = self.ctx.cache.get(self.primary_kind, key)
        if rs is None:
            return None  # its pods go with it: the garbage collector follows their owner references
        pods = [pod for pod in owners.claim(self.ctx, rs, "Pod", self.selector(rs)) if is_active(pod)]
        failure = None
        if not rs["metadata"].get("deletionTimestamp"):
            failure = self._manage_replicas(rs, pods)
            pods = [pod for pod in owners.claim(self.ctx, rs, "Pod", self.selector(rs)) if is_active(pod)]
        rs = self._update_status(rs, pods, failure)
        if failure is not None:
            raise failure[1]
        return self._next_availability_check(rs, pods)

    # ---- replicas --------------------------------------------------------------------------------------------
    def _manage_replicas(self, rs: dict, pods: list[dict]) -> tuple[str, ApiError] | None:
        """Create or delete pods towards spec.replicas; returns (condition reason, error) when a write failed."""
        diff = len(pods) - rs["spec"].get("replicas", 1)
        if diff < 0:
            error = self._create_pods(rs, min(-diff, BURST_REPLICAS))
            return ("FailedCreate", error) if error else None
        if diff > 0:
            related = self._related_pods(rs)
            victims = pods_to_delete(pods, related, min(diff, BURST_REPLICAS), self.ctx.clock)
            error = self._delete_pods(rs, victims)
            return ("FailedDelete", error) if error else None
        return None

    def _create_pods(self, rs: dict, count: int) -> ApiError | None:
        """upstream slowStartBatch: batches of 1, 2, 4, ... stopping after the first batch with a failure."""
        remaining, batch = count, min(count, SLOW_START_INITIAL_BATCH)
        while batch > 0:
            failure = None
            for _ in range(batch):
                try:
                    pod = self.ctx.client.create("Pod", self._pod_from_template(rs))
                except ApiError as error:
                    failure = failure or error
                    self._event(rs, "Warning", "FailedCreate", f"Error creating: {error.message}")
                    continue
                self._event(rs, "Normal", "SuccessfulCreate", f"Created pod: {pod['metadata']['name']}")
            if failure is not None:
                return failure
            remaining -= batch
            batch = min(2 * batch, remaining)
        return None

    def _delete_pods(self, rs: dict, victims: list[dict]) -> ApiError | None:
        failure = None
        for pod in victims:
            name = pod["metadata"]["name"]
            try:
                self.ctx.client.delete("Pod", pod["metadata"]["namespace"], name)
            except ApiError as error:
                if error.code == 404:
                    continue
                failure = failure or error
                self._event(rs, "Warning", "FailedDelete", f"Error deleting: {error.message}")
                continue
            self._event(rs, "Normal", "SuccessfulDelete", f"Deleted pod: {name}")
        return failure

    def _pod_from_template(self, rs: dict) -> dict:
        """upstream GetPodFromTemplate: the template's labels, annotations and spec, named `<rs>-<random>`."""
        template = rs["spec"].get("template") or {}
        template_meta = template.get("metadata") or {}
        metadata = {
            "generateName": f"{rs['metadata']['name']}-",
            "namespace": rs["metadata"]["namespace"],
            "labels": dict(template_meta.get("labels") or {}),
            "ownerReferences": [owners.new_controller_ref(rs)],
        }
        for field in ("annotations", "finalizers"):
            if template_meta.get(field):
                metadata[field] = clone(template_meta[field])
        return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": clone(template.get("spec"))}

    def _related_pods(self, rs: dict) -> list[dict]:
        """Active pods of every set with the same controlling owner (a Deployment's old and new sets)."""
        owner = owners.controller_ref(rs)
        if owner is None:
            siblings = [rs]
        else:
            siblings = [
                other
                for other in self.ctx.cache.list(self.primary_kind, rs["metadata"]["namespace"])
                if (owners.controller_ref(other) or {}).get("uid") == owner["uid"]
            ]
        pod_informer = self.ctx.cache.informer("Pod")
        return [
            pod
            for sibling in siblings
            for pod in pod_informer.by_index(owners.CONTROLLER_INDEX, sibling["metadata"]["uid"])
            if is_active(pod)
        ]

    # ---- status ----------------------------------------------------------------------------------------------
    def _update_status(self, rs: dict, pods: list[dict], failure: tuple[str, ApiError] | None) -> dict:
        status = clone(rs.get("status") or {})
        template_labels = ((rs["spec"].get("template") or {}).get("metadata") or {}).get("labels") or {}
        min_ready = rs["spec"].get("minReadySeconds", 0)
        status["replicas"] = len(pods)
        status["fullyLabeledReplicas"] = sum(
            1
            for pod in pods
            if all((pod["metadata"].get("labels") or {}).get(k) == v for k, v in template_labels.items())
        )
        status["readyReplicas"] = sum(1 for pod in pods if is_ready(pod))
        status["availableReplicas"] = sum(1 for pod in pods if available_in(pod, min_ready, self.ctx.clock) == 0.0)
        status["observedGeneration"] = rs["metadata"].get("generation", 1)
        for field in ("fullyLabeledReplicas", "readyReplicas", "availableReplicas"):
            if not status[field]:
                del status[field]  # omitempty in the API, as upstream serialises them
        self._set_failure_condition(status, failure)
        if status == (rs.get("status") or {}):
            return rs
        return self.ctx.client.update_status(self.primary_kind, {**rs, "status": status})

    def _set_failure_condition(self, status: dict, failure: tuple[str, ApiError] | None) -> None:
        """upstream: a ReplicaFailure condition when creating or deleting pods first fails, removed once it works.

        An existing condition is left as it is, so repeated failures do not rewrite the status each time.
        """
        conditions = status.get("conditions") or []
        existing = next((c for c in conditions if c.get("type") == "ReplicaFailure"), None)
        if failure is not None and existing is None:
            reason, error = failure
            condition = {
                "type": "ReplicaFailure",
                "status": "True",
                "lastTransitionTime": self.ctx.clock.timestamp(),
                "reason": reason,
                "message": error.message,
            }
            status["conditions"] = [*conditions, condition]
        elif failure is None and existing is not None:
            remaining = [c for c in conditions if c.get("type") != "ReplicaFailure"]
            if remaining:
                status["conditions"] = remaining
            else:
                status.pop("conditions", None)

    def _next_availability_check(self, rs: dict, pods: list[dict]) -> float | None:
        """With minReadySeconds, come back when the next ready pod becomes available (upstream requeues then)."""
        min_ready = rs["spec"].get("minReadySeconds", 0)
        if not min_ready:
            return None
        waits = [available_in(pod, min_ready, self.ctx.clock) for pod in pods]
        pending = [wait for wait in waits if wait]
        # IsPodAvailable needs strictly more than minReadySeconds; object times have whole-second resolution
        return min(pending) + 1 if pending else None

    def _event(self, rs: dict, event_type: str, reason: str, message: str) -> None:
        explanations = EXPLANATIONS[self.primary_kind]
        self.ctx.events.record(rs, event_type, reason, message, self.name, explanation=explanations[reason])
