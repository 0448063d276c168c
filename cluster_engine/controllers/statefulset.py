"""The StatefulSet controller: pods with stable names, in order, each with its own claims (pkg/controller/statefulset).

Pod `<set>-N` exists for each ordinal below spec.replicas. OrderedReady creates them one at a time, each waiting
for the one before to be Running and Ready, and removes surplus pods from the highest ordinal down, one at a time;
Parallel does both at once. A pod that is being deleted blocks an OrderedReady set until its Pod object is gone:
on a dead node that is never, until the node is deleted, the pod is force-deleted, or the node is tainted
`node.kubernetes.io/out-of-service` (pod GC then force-deletes it). Only then is `<set>-N` created again, with
the same name and the same claims. With whenScaled=Delete, an ordinal whose claim still belongs to an earlier pod
of its name (about to be garbage-collected with it) is not created until that claim is gone (PodClaimIsStale).

Every template the set has had is a ControllerRevision; pods carry the revision they were made from. RollingUpdate
replaces pods at or above the partition whose revision is not the update revision, highest ordinal first, never
more than maxUnavailable unavailable at once; when every pod is updated, the update revision becomes current.
"""

from ..api.clone import clone
from ..api.errors import ApiError
from ..api.labels import selector_matches
from ..runtime.cache import key_of
from ..runtime.component import Controller
from . import history, owners
from . import statefulset_pods as identity
from .pods import available_in, is_ready

COMPONENT = "statefulset-controller"
EXPLANATIONS = {
    "SuccessfulCreate": "The StatefulSet made the next pod (or one of its claims) under its fixed name.",
    "SuccessfulDelete": "The StatefulSet removed a pod: scaled down from the highest ordinal, or replaced for an update.",
    "SuccessfulUpdate": "The StatefulSet fixed a pod's identity or the owners of its claims.",
    "FailedCreate": "The StatefulSet tried to create a pod or claim and the API server refused; it will try again.",
    "FailedDelete": "The StatefulSet tried to remove a pod and the API server refused; it will try again.",
    "FailedUpdate": "The StatefulSet tried to update a pod or claim and the API server refused; it will try again.",
}


class StatefulSetController(Controller):
    name = COMPONENT
    leader_of = "kube-controller-manager"
    primary_kind = "StatefulSet"
    resync_period = 30.0  # simulated seconds; upstream resyncs shared informers periodically

    def start(self) -> None:
        for kind in ("Pod", "ControllerRevision"):
            self.ctx.cache.informer(kind).add_index(owners.CONTROLLER_INDEX, owners.controller_index)
        self.watch("StatefulSet")
        self.watch("Pod", self._sets_of)
        super().start()

    def _sets_of(self, pod: dict) -> list[str]:
        """The owning set, or for an orphan every set it could be a member of (upstream getPodStatefulSets)."""
        reference = owners.controller_ref(pod)
        namespace = pod["metadata"].get("namespace")
        if reference:
            return [f"{namespace}/{reference['name']}"] if reference.get("kind") == "StatefulSet" else []
        labels = pod["metadata"].get("labels")
        return [
            key_of(sts)
            for sts in self.ctx.cache.list("StatefulSet", namespace)
            if identity.is_member(sts, pod) and selector_matches(sts["spec"].get("selector"), labels)
        ]

    def reconcile(self, key: str) -> float | None:
        sts = self.ctx.cache.get("StatefulSet", key)
        if sts is None:
            return None  # pods and revisions go with it: the garbage collector follows their owner references
        selector = sts["spec"].get("selector")
        pods = owners.claim(self.ctx, sts, "Pod", selector, accept=lambda pod: identity.is_member(sts, pod))
        revisions = owners.claim(self.ctx, sts, "ControllerRevision", selector)
        current, update, collisions = self._revisions(sts, revisions)
        status, pods = StatefulSetSync(self, sts, current, update, pods).run()
        status["collisionCount"] = collisions
        self._update_status(sts, status)
        self._truncate_history(sts, pods, revisions, current, update)
        return self._next_availability_check(sts, pods)

    # ---- revisions -----------------------------------------------------------------------------------------------
    def _revisions(self, sts: dict, revisions: list[dict]) -> tuple[dict, dict, int]:
        """upstream getStatefulSetRevisions: the current and update revisions, creating or renumbering one."""
        revisions = history.sorted_by_number(revisions)
        collisions = (sts.get("status") or {}).get("collisionCount") or 0
        next_number = revisions[-1].get("revision", 0) + 1 if revisions else 1
        wanted = history.new_revision(sts, sts["spec"]["template"], next_number, collisions)
        equal = [revision for revision in revisions if history.equal(revision, wanted)]
        if equal and equal[-1]["metadata"]["uid"] == revisions[-1]["metadata"]["uid"]:
            update = revisions[-1]
        elif equal:
            update = history.renumber(self.ctx, equal[-1], next_number)
        else:
            update, collisions = history.create(self.ctx, sts, wanted, collisions)
        current_name = (sts.get("status") or {}).get("currentRevision")
        current = next((r for r in revisions if r["metadata"]["name"] == current_name), update)
        if current["metadata"]["name"] == update["metadata"]["name"]:
            current = update
        return current, update, collisions

    def _truncate_history(self, sts, pods, revisions, current, update) -> None:
        """upstream truncateHistory: keep revisions in use, and at most revisionHistoryLimit others (oldest go)."""
        live = {current["metadata"]["name"], update["metadata"]["name"], *(identity.revision_of(p) for p in pods)}
        old = [r for r in history.sorted_by_number(revisions) if r["metadata"]["name"] not in live]
        limit = sts["spec"].get("revisionHistoryLimit", 10)
        if limit < 0 or len(old) <= limit:
            return
        for revision in old[: len(old) - limit]:
            try:
                self.ctx.client.delete(
                    "ControllerRevision", revision["metadata"]["namespace"], revision["metadata"]["name"]
                )
            except ApiError as error:
                if error.code != 404:
                    raise

    # ---- status --------------------------------------------------------------------------------------------------
    def _update_status(self, sts: dict, status: dict) -> None:
        """upstream updateStatefulSetStatus: complete a finished rolling update, write only what changed."""
        replicas = sts["spec"].get("replicas", 1)
        strategy = (sts["spec"].get("updateStrategy") or {}).get("type", "RollingUpdate")
        if strategy == "RollingUpdate" and status["updatedReplicas"] == status["readyReplicas"] == replicas:
            if status["replicas"] == replicas:
                status["currentReplicas"] = status["updatedReplicas"]
                status["currentRevision"] = status["updateRevision"]
        new_status = {**clone(sts.get("status") or {}), **status}
        for field in ("readyReplicas", "currentReplicas", "updatedReplicas"):
            if not new_status.get(field):
                new_status.pop(field, None)  # omitempty in the API, as upstream serialises them
        if new_status == (sts.get("status") or {}):
            return
        self.ctx.client.update_status("StatefulSet", {**sts, "status": new_status})

    def _next_availability_check(self, sts: dict, pods: list[dict]) -> float | None:
        min_ready = sts["spec"].get("minReadySeconds", 0)
        if not min_ready:
            return None
        waits = [available_in(pod, min_ready, self.ctx.clock) for pod in pods]
        pending = [wait for wait in waits if wait]
        return min(pending) + 1 if pending else None

    def event(self, sts: dict, event_type: str, reason: str, message: str) -> None:
        self.ctx.events.record(sts, event_type, reason, message, self.name, explanation=EXPLANATIONS[reason])


def is_running_and_ready(pod: dict) -> bool:
    return (pod.get("status") or {}).get("phase") == "Running" and is_ready(pod)


def is_terminating(pod: dict) -> bool:
    return bool(pod["metadata"].get("deletionTimestamp"))


class StatefulSetSync:
    """One pass of upstream updateStatefulSet over one StatefulSet."""

    def __init__(self, controller: StatefulSetController, sts: dict, current: dict, update: dict, pods: list[dict]):
        self.controller = controller
        self.ctx = controller.ctx
        self.sts = sts
        self.current = current
        self.update = update
        self.pods = pods
        self.monotonic = sts["spec"].get("podManagementPolicy", "OrderedReady") != "Parallel"
        self.min_ready = sts["spec"].get("minReadySeconds", 0)

    def run(self) -> tuple[dict, list[dict]]:
        sts = self.sts
        start = identity.start_ordinal(sts)
        count = sts["spec"].get("replicas", 1)
        replicas: list[dict | None] = [None] * count
        condemned = []
        for pod in self.pods:
            ordinal = identity.ordinal(pod)
            if identity.in_range(sts, ordinal):
                replicas[ordinal - start] = pod
            elif ordinal >= 0:
                condemned.append(pod)
        condemned.sort(key=identity.ordinal, reverse=True)
        unavailable = [pod for pod in [*replicas, *reversed(condemned)] if pod is not None and self._unavailable(pod)]
        first_unavailable = unavailable[0] if unavailable else None
        if not sts["metadata"].get("deletionTimestamp") and not self._converge(replicas, condemned, first_unavailable):
            self._roll(replicas)
        pods = list(self._live_pods())
        return self._status(pods), pods

    def _converge(self, replicas: list, condemned: list, first_unavailable) -> bool:
        """Create, repair and condemn pods; True when an OrderedReady set must wait before going further."""
        start = identity.start_ordinal(self.sts)
        for index in range(len(replicas)):
            # Parallel goes on past a pod that is not ready yet, or that it is replacing (upstream's burst)
            if self._process_replica(replicas, index, start + index) and self.monotonic:
                return True
        for pod in condemned:
            self._sync_claims(pod)
        return any(self._process_condemned(pod, first_unavailable) for pod in condemned)

    def _process_replica(self, replicas: list, index: int, ordinal: int) -> bool:
        """upstream processReplica; True means stop here (OrderedReady waits, or a write failed)."""
        pod = replicas[index]
        if pod is not None and (pod.get("status") or {}).get("phase") in ("Failed", "Succeeded"):
            if not is_terminating(pod):
                self._delete_pod(pod)
            return True  # the replacement comes on a later pass, once this Pod object is gone
        if pod is None:
            if self._claim_is_stale(ordinal):
                return True  # upstream: no more work this round; the garbage collector removes the old claim
            pod = self._create_pod(ordinal)
            if pod is None:
                return True
            replicas[index] = pod
            if self.monotonic:
                return True
        if (pod.get("status") or {}).get("phase") == "Pending":
            self._create_claims(pod)
        if self.monotonic and is_terminating(pod):
            return True
        if self.monotonic and not is_running_and_ready(pod):
            return True
        if self.monotonic and available_in(pod, self.min_ready, self.ctx.clock) != 0.0:
            return True
        self._sync_claims(pod)
        return False

    def _process_condemned(self, pod: dict, first_unavailable) -> bool:
        """upstream processCondemned: OrderedReady removes one pod at a time, healthy ones after the unhealthy."""
        if is_terminating(pod):
            return self.monotonic
        if self.monotonic and pod is not first_unavailable and self._unavailable(pod):
            return True
        self._delete_pod(pod)
        return self.monotonic

    def _roll(self, replicas: list) -> None:
        """upstream updateStatefulSetAfterInvariantEstablished: replace outdated pods from the highest ordinal."""
        strategy = self.sts["spec"].get("updateStrategy") or {}
        if strategy.get("type", "RollingUpdate") != "RollingUpdate":
            return  # OnDelete: a pod takes the new template when someone deletes it
        rolling = strategy.get("rollingUpdate") or {}
        partition = rolling.get("partition", 0)
        max_unavailable = _scaled(rolling.get("maxUnavailable", 1), len(replicas))
        unavailable = sum(1 for pod in replicas if pod is None or self._unavailable(pod))
        budget = max_unavailable - unavailable
        for index in range(len(replicas) - 1, partition - 1, -1):
            if budget <= 0:
                return
            pod = replicas[index]
            if pod is None or is_terminating(pod) or identity.revision_of(pod) == self.update["metadata"]["name"]:
                continue
            self._delete_pod(pod)
            budget -= 1

    def _unavailable(self, pod: dict) -> bool:
        """upstream isUnavailable: not running and ready, being deleted, or not yet ready for minReadySeconds."""
        return (
            not is_running_and_ready(pod)
            or is_terminating(pod)
            or available_in(pod, self.min_ready, self.ctx.clock) != 0.0
        )

    # ---- pods and claims -----------------------------------------------------------------------------------------
    def _create_pod(self, ordinal: int) -> dict | None:
        """upstream CreateStatefulPod: the claims first, then the pod at the revision its ordinal should have."""
        revision = self._revision_for(ordinal)
        pod = identity.new_pod(self.sts, history.template_of(revision), ordinal, revision["metadata"]["name"])
        problem = self._create_claims(pod)
        if problem is not None:
            self._pod_event("create", pod, problem)
            return None
        try:
            created = self.ctx.client.create("Pod", pod)
        except ApiError as error:
            if error.reason != "AlreadyExists":
                self._pod_event("create", pod, error.message)
            return None
        self._sync_claims(created)
        self._pod_event("create", created)
        return created

    def _claim_is_stale(self, ordinal: int) -> bool:
        namespace = self.sts["metadata"]["namespace"]
        pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": identity.pod_name(self.sts, ordinal)}}
        return identity.pod_claim_is_stale(
            self.sts, pod, lambda name: self.ctx.cache.get("PersistentVolumeClaim", f"{namespace}/{name}")
        )

    def _revision_for(self, ordinal: int) -> dict:
        """upstream newVersionedStatefulSetPod: below the partition a new pod keeps the current revision."""
        rolling = (self.sts["spec"].get("updateStrategy") or {}).get("rollingUpdate")
        strategy = (self.sts["spec"].get("updateStrategy") or {}).get("type", "RollingUpdate")
        start = identity.start_ordinal(self.sts)
        if strategy == "RollingUpdate":
            if rolling is None:
                below = ordinal < start + (self.sts.get("status") or {}).get("currentReplicas", 0)
            else:
                below = ordinal < start + rolling.get("partition", 0)
            if below:
                return self.current
        return self.update

    def _create_claims(self, pod: dict) -> str | None:
        """upstream createPersistentVolumeClaims: create each missing claim; returns why a claim is not usable
        (a claim being deleted blocks its pod), worded as upstream's aggregated error, or None."""
        problems = []
        for _, claim in identity.claims_for(self.sts, identity.ordinal(pod)):
            name = claim["metadata"]["name"]
            existing = self.ctx.cache.get("PersistentVolumeClaim", f"{claim['metadata']['namespace']}/{name}")
            if existing is not None:
                if is_terminating(existing):
                    problems.append(f"pvc {name} is being deleted")
                continue
            try:
                self.ctx.client.create("PersistentVolumeClaim", claim)
            except ApiError as error:
                if error.reason == "AlreadyExists":
                    continue
                problems.append(f"failed to create PVC {name}: {error.message}")
                self._claim_event(claim, pod, error.message)
                continue
            self._claim_event(claim, pod)
        if not problems:
            return None
        return problems[0] if len(problems) == 1 else f"[{', '.join(problems)}]"

    def _sync_claims(self, pod: dict) -> None:
        """upstream UpdatePodClaimForRetentionPolicy: set each claim's owners as the retention policy says."""
        for _, claim in identity.claims_for(self.sts, identity.ordinal(pod)):
            existing = self.ctx.cache.get(
                "PersistentVolumeClaim", f"{claim['metadata']['namespace']}/{claim['metadata']['name']}"
            )
            if existing is None or is_terminating(existing):
                continue
            wanted = identity.claim_owners(existing, self.sts, pod)
            if wanted is None or wanted == (existing["metadata"].get("ownerReferences") or []):
                continue
            updated = clone(existing)
            if wanted:
                updated["metadata"]["ownerReferences"] = wanted
            else:
                updated["metadata"].pop("ownerReferences", None)
            try:
                self.ctx.client.update("PersistentVolumeClaim", updated)
            except ApiError as error:
                self._pod_event("update", pod, error.message)

    def _delete_pod(self, pod: dict) -> None:
        try:
            self.ctx.client.delete("Pod", pod["metadata"]["namespace"], pod["metadata"]["name"])
        except ApiError as error:
            if error.code != 404:
                self._pod_event("delete", pod, error.message)
            return
        self._pod_event("delete", pod)

    def _live_pods(self) -> list[dict]:
        """The set's pods as the cache now has them (this pass created and deleted some)."""
        informer = self.ctx.cache.informer("Pod")
        return [
            pod
            for pod in informer.by_index(owners.CONTROLLER_INDEX, self.sts["metadata"]["uid"])
            if identity.is_member(self.sts, pod)
        ]

    def _pod_event(self, verb: str, pod: dict, error: str | None = None) -> None:
        """upstream recordPodEvent: "create Pod db-0 in StatefulSet db successful"."""
        name, set_name = pod["metadata"]["name"], self.sts["metadata"]["name"]
        if error is None:
            message = f"{verb} Pod {name} in StatefulSet {set_name} successful"
            self.controller.event(self.sts, "Normal", f"Successful{verb.title()}", message)
        else:
            message = f"{verb} Pod {name} in StatefulSet {set_name} failed error: {error}"
            self.controller.event(self.sts, "Warning", f"Failed{verb.title()}", message)

    def _claim_event(self, claim: dict, pod: dict, error: str | None = None) -> None:
        """upstream recordClaimEvent: "create Claim data-db-0 Pod db-0 in StatefulSet db success"."""
        claim_name, pod_name, set_name = (
            claim["metadata"]["name"],
            pod["metadata"]["name"],
            self.sts["metadata"]["name"],
        )
        if error is None:
            message = f"create Claim {claim_name} Pod {pod_name} in StatefulSet {set_name} success"
            self.controller.event(self.sts, "Normal", "SuccessfulCreate", message)
        else:
            message = f"create Claim {claim_name} for Pod {pod_name} in StatefulSet {set_name} failed error: {error}"
            self.controller.event(self.sts, "Warning", "FailedCreate", message)

    # ---- status --------------------------------------------------------------------------------------------------
    def _status(self, pods: list[dict]) -> dict:
        """upstream computeReplicaStatus over the pods that exist after this pass."""
        current_name, update_name = self.current["metadata"]["name"], self.update["metadata"]["name"]
        status = {
            "observedGeneration": self.sts["metadata"].get("generation", 1),
            "replicas": 0,
            "readyReplicas": 0,
            "availableReplicas": 0,
            "currentReplicas": 0,
            "updatedReplicas": 0,
            "currentRevision": current_name,
            "updateRevision": update_name,
        }
        for pod in pods:
            created = bool((pod.get("status") or {}).get("phase"))
            status["replicas"] += created
            if is_running_and_ready(pod):
                status["readyReplicas"] += 1
                status["availableReplicas"] += available_in(pod, self.min_ready, self.ctx.clock) == 0.0
            if created and not is_terminating(pod):
                status["currentReplicas"] += identity.revision_of(pod) == current_name
                status["updatedReplicas"] += identity.revision_of(pod) == update_name
        return status


def _scaled(value, total: int) -> int:
    """upstream getStatefulSetMaxUnavailable: an int or a percentage of replicas rounded down, at least 1."""
    if isinstance(value, str) and value.endswith("%"):
        value = int(value[:-1]) * total // 100
    return max(int(value), 1)
