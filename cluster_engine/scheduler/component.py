"""kube-scheduler as a control-plane component: informers in, bindings, events and conditions out.

It keeps the Snapshot from pod and node events, queues pending pods (no node yet, schedulerName
default-scheduler), schedules them one at a time through the algorithm, assumes each placement at once, and
writes through the API server: the decision annotation, the binding, a `Scheduled` event; or, when nothing fits,
a `FailedScheduling` event and the PodScheduled=False/Unschedulable condition; victims of preemption are deleted.
"""

import math

from ..api.errors import ApiError
from ..runtime.component import Component
from .algorithm import Algorithm
from .decision import ANNOTATION, Decision
from .framework import Framework
from .podinfo import PodInfo, pod_info
from .queue import FLUSH_BACKOFF_PERIOD, FLUSH_UNSCHEDULABLE_PERIOD, SchedulingQueue
from .snapshot import Snapshot
from .volume_prebind import VolumePreBinder
from .volumes import ATTACHMENT_NODE_INDEX, VolumeCatalog, attachment_node
from .workloads import default_selector

SCHEDULER_NAME = "default-scheduler"
# How often per-selector pod counts nobody asked for lately are dropped (a KubeLab bound on memory, not upstream's)
PRUNE_COUNTS_PERIOD = 60.0
TERMINAL_PHASES = ("Succeeded", "Failed")
# upstream: assigned pod events that may help pods rejected by these plugins (EventsToRegister)
ON_ASSIGNED_POD_ADD = ("InterPodAffinity", "PodTopologySpread")
NAMESPACE_LABEL_CHANGE = ("InterPodAffinity",)
# upstream: storage events that may help pods the volume plugins rejected (their EventsToRegister)
ON_STORAGE_CHANGE = ("VolumeBinding", "VolumeZone", "VolumeRestrictions", "NodeVolumeLimits")
ON_ATTACHMENT_DELETE = ("NodeVolumeLimits",)


def is_terminal(pod: dict) -> bool:
    # upstream: the scheduler's pod informer excludes Succeeded and Failed pods
    return (pod.get("status") or {}).get("phase") in TERMINAL_PHASES


def is_pending_for_us(pod: dict) -> bool:
    spec = pod.get("spec") or {}
    return (
        not spec.get("nodeName")
        and (spec.get("schedulerName") or SCHEDULER_NAME) == SCHEDULER_NAME
        and not pod["metadata"].get("deletionTimestamp")
        and not is_terminal(pod)
    )


class Scheduler(Component):
    name = SCHEDULER_NAME
    leader_of = "kube-scheduler"

    def __init__(self, ctx):
        super().__init__(ctx)
        self.snapshot = Snapshot()
        self.queue = SchedulingQueue(lambda: ctx.clock.now)
        framework = Framework(
            default_spread_selector=lambda pod: default_selector(ctx.cache, pod), catalog=VolumeCatalog(ctx.cache)
        )
        self.algorithm = Algorithm(self.snapshot, ctx.rng, framework)
        self.prebind = VolumePreBinder(self)
        self.decisions: dict[str, Decision] = {}
        self._backoff_timer = None

    def start(self) -> None:
        cache = self.ctx.cache
        cache.informer("Node").add_handler(self._node_added, self._node_updated, self._node_deleted)
        cache.informer("Pod").add_handler(self._pod_added, self._pod_updated, self._pod_deleted)
        cache.informer("Namespace").add_handler(self._namespace_changed, lambda old, new: self._namespace_changed(new))
        for kind in ("PersistentVolume", "StorageClass", "CSINode"):
            cache.informer(kind).add_handler(self._storage_changed, lambda old, new: self._storage_changed(new))
        cache.informer("PersistentVolumeClaim").add_handler(
            self._claim_changed, lambda old, new: self._claim_changed(new)
        )
        attachments = cache.informer("VolumeAttachment")
        attachments.add_index(ATTACHMENT_NODE_INDEX, attachment_node)
        # upstream NodeVolumeLimits EventsToRegister: a deleted VolumeAttachment frees a slot on its node
        attachments.add_handler(on_delete=lambda attachment: self._move(ON_ATTACHMENT_DELETE))
        self.every(FLUSH_UNSCHEDULABLE_PERIOD, self.queue.flush_unschedulable_leftover)
        self.every(PRUNE_COUNTS_PERIOD, self.snapshot.matching.prune)

    def pending(self) -> int:
        return self.queue.active_count() + self.prebind.pending() if self.acting() else 0

    def process(self) -> int:
        handled, bindings = self.prebind.process() if self.acting() else 0, []
        while self.acting() and (pod := self.queue.pop()) is not None:
            handled += 1
            decision = self.algorithm.schedule(pod)
            self.decisions[pod.key] = decision
            if decision.node:
                self.snapshot.add_pod(pod, decision.node)  # assume: later pods see it at once
                self.queue.done(pod.key)
                # Reserve: the claims still to bind on the chosen node go through PreBind first
                steps = self.algorithm.framework.volume_binding.plan(pod.pod, self.snapshot.node_info(decision.node))
                if steps:
                    self.prebind.start(pod, decision, steps)
                else:
                    bindings.append((pod, decision))
            else:
                self._unschedulable(pod, decision)
        self._bind(bindings)
        self._arm_backoff_timer()
        return handled

    def _arm_backoff_timer(self) -> None:
        """Wake up when the next backoff expires (upstream polls every second; a timer keeps `step` meaningful)."""
        expiry = self.queue.next_backoff_expiry()
        if expiry is None:
            return
        # upstream flushBackoffQCompleted runs on a 1 s tick, so a pod leaves backoff on the next whole tick
        due = FLUSH_BACKOFF_PERIOD * math.ceil(expiry / FLUSH_BACKOFF_PERIOD)
        timer = self._backoff_timer
        if timer is not None and not timer.cancelled and timer.at <= due:
            return
        if timer is not None:
            timer.cancel()

        def flush():
            self._backoff_timer = None
            self.queue.flush_backoff_completed()
            self._arm_backoff_timer()

        self._backoff_timer = self.ctx.clock.call_at(due, flush, f"{self.name}:backoff")

    def _move(self, plugins: tuple | None = None) -> None:
        self.queue.move_all_to_active_or_backoff(plugins)
        self._arm_backoff_timer()

    # ---- writes ------------------------------------------------------------------------------------------------

    def bind_now(self, pod: PodInfo, decision: Decision) -> None:
        """Bind a pod whose PreBind (its claims' binding) has finished."""
        self._bind([(pod, decision)])

    def _bind(self, bindings: list[tuple[PodInfo, Decision]]) -> None:
        """Bind the pass's placements in one request; each Binding carries the decision annotation, as upstream's
        binding storage copies a Binding's annotations onto the pod."""
        if not bindings:
            return
        requests = [
            (pod.namespace, pod.name, decision.node, {ANNOTATION: decision.to_json()}) for pod, decision in bindings
        ]
        results = self.ctx.client.bind_many(requests)
        for (pod, decision), result in zip(bindings, results, strict=True):
            if isinstance(result, ApiError):
                self.binding_failed(
                    pod,
                    f'running Bind plugin "DefaultBinder": {result.message}',
                    "The API server refused to place the pod on the chosen node; the scheduler will try again.",
                )
                continue
            message = f"Successfully assigned {pod.namespace}/{pod.name} to {decision.node}"
            best = decision.scores[0]["total"] if decision.scores else None
            args = {"evaluated": decision.evaluated, "total": decision.total_nodes, "feasible": decision.feasible}
            args["node"] = decision.node
            if best is not None:
                args["points"] = best
            self.ctx.events.record(
                pod.pod,
                "Normal",
                "Scheduled",
                message,
                SCHEDULER_NAME,
                explanation=(
                    "The scheduler checked {evaluated} of {total} node(s); {feasible} could run the pod and {node} "
                    "was chosen and was the only one."
                    if best is None
                    else "The scheduler checked {evaluated} of {total} node(s); {feasible} could run the pod and "
                    "{node} was chosen; it scored highest with {points} points."
                ),
                explanation_args=args,
            )

    def binding_failed(self, pod: PodInfo, message: str, explanation: str) -> None:
        """Upstream handleBindingCycleError: forget the assumption (an assigned pod's delete, which may help pods
        waiting for room), then handleSchedulingFailure with an error status: the event, PodScheduled=False with
        reason SchedulerError, the nominated node cleared, and a retry after backoff if the pod is still pending.
        Unlike upstream, a pod some other binder placed meanwhile keeps its conditions."""
        self.snapshot.remove_pod(pod.key)
        self._move()
        self.ctx.events.record(pod.pod, "Warning", "FailedScheduling", message, SCHEDULER_NAME, explanation)
        self.algorithm.nominated.pop(pod.key, None)
        current = self.ctx.cache.get("Pod", pod.key)
        if current is None or not is_pending_for_us(current):
            return
        self.queue.add_after_error(pod_info(current))
        try:
            self._set_not_scheduled(current, "SchedulerError", message, nominated="")
        except ApiError:
            return  # the pod changed or went away; its informer event requeues or forgets it

    def _unschedulable(self, pod: PodInfo, decision: Decision) -> None:
        self.queue.add_unschedulable(pod.key, self.queue.scheduling_cycle, decision.rejected_by)
        self.ctx.events.record(
            pod.pod,
            "Warning",
            "FailedScheduling",
            decision.message,
            SCHEDULER_NAME,
            explanation="None of the {total} node(s) can run this pod right now, so it stays Pending. The scheduler "
            "retries when the cluster changes (a node joins, a pod leaves), waiting 1 s after the first failure, "
            "doubling up to 10 s.",
            explanation_args={"total": decision.total_nodes},
        )
        current = self.ctx.cache.get("Pod", pod.key)
        if current is None:
            return
        try:
            current = self._annotate(current, decision)
            self._set_not_scheduled(current, "Unschedulable", decision.message, nominated=decision.nominated_node)
        except ApiError:
            return  # the pod changed or went away; its informer event requeues or forgets it
        for victim in decision.victims:
            self._preempt(victim, pod, decision.nominated_node)

    def _annotate(self, current: dict, decision: Decision) -> dict:
        """Record the decision on the pod for the browser's "why?" views; returns the pod as now stored."""
        document = decision.to_json()
        if (current["metadata"].get("annotations") or {}).get(ANNOTATION) == document:
            return current
        return self.ctx.client.patch(
            "Pod",
            current["metadata"]["namespace"],
            current["metadata"]["name"],
            {"metadata": {"annotations": {ANNOTATION: document}}},
        )

    def _set_not_scheduled(self, current: dict, reason: str, message: str, nominated: str | None) -> None:
        """Upstream updatePod: PodScheduled=False with `reason` and `message` (lastTransitionTime moves only when
        the status does), and nominatedNodeName set to `nominated` unless that is None (leave it as it is)."""
        status = dict(current.get("status") or {})
        conditions = [dict(condition) for condition in status.get("conditions") or []]
        wanted = {"type": "PodScheduled", "status": "False", "reason": reason, "message": message}
        existing = next((condition for condition in conditions if condition["type"] == "PodScheduled"), None)
        nominated = status.get("nominatedNodeName") if nominated is None else nominated
        if (
            existing
            and all(existing.get(key) == value for key, value in wanted.items())
            and (nominated or None) == status.get("nominatedNodeName")
        ):
            return
        if existing is None:
            conditions.append({**wanted, "lastProbeTime": None, "lastTransitionTime": self.ctx.clock.timestamp()})
        else:
            if existing.get("status") != "False":
                existing["lastTransitionTime"] = self.ctx.clock.timestamp()
            existing.update(wanted)
        status["conditions"] = conditions
        if nominated:
            status["nominatedNodeName"] = nominated
        else:
            status.pop("nominatedNodeName", None)
        self.ctx.client.update_status("Pod", {**current, "status": status})

    def _preempt(self, victim_key: str, preemptor: PodInfo, node_name: str) -> None:
        victim = self.ctx.cache.get("Pod", victim_key)
        if victim is None or victim["metadata"].get("deletionTimestamp"):
            return
        namespace, _, name = victim_key.partition("/")
        try:
            self.ctx.client.delete("Pod", namespace, name)
        except ApiError:
            return
        message = f"Preempted by pod {preemptor.uid} on node {node_name}"
        self.ctx.events.record(
            victim,
            "Normal",
            "Preempted",
            message,
            SCHEDULER_NAME,
            explanation="{preemptor} has a higher priority and needed this pod's room on {node}.",
            explanation_args={"preemptor": preemptor.key, "node": node_name},
        )

    # ---- informer events ---------------------------------------------------------------------------------------

    def _node_added(self, node: dict) -> None:
        self.snapshot.add_node(node)
        self._move()

    def _node_updated(self, old: dict, new: dict) -> None:
        self.snapshot.update_node(new)
        if (
            old.get("spec") != new.get("spec")
            or old["metadata"].get("labels") != new["metadata"].get("labels")
            or ((old.get("status") or {}).get("allocatable") != (new.get("status") or {}).get("allocatable"))
        ):
            self._move()

    def _node_deleted(self, node: dict) -> None:
        self.snapshot.remove_node(node["metadata"]["name"])

    def _pod_added(self, pod: dict) -> None:
        if is_terminal(pod):
            return
        if pod["spec"].get("nodeName"):
            self.snapshot.add_pod(pod_info(pod), pod["spec"]["nodeName"])
            self._move(ON_ASSIGNED_POD_ADD)
        elif is_pending_for_us(pod):
            info = pod_info(pod)
            self.queue.add(info)
            self._nominate(info)

    def _pod_updated(self, old: dict, new: dict) -> None:
        key = f"{new['metadata'].get('namespace')}/{new['metadata']['name']}"
        if is_terminal(new) or (not new["spec"].get("nodeName") and not is_pending_for_us(new)):
            self._pod_deleted(old)
            return
        if new["spec"].get("nodeName"):
            self.queue.delete(key)
            self.algorithm.nominated.pop(key, None)
            self.snapshot.add_pod(pod_info(new), new["spec"]["nodeName"])
            if old["spec"].get("nodeName"):
                self._move()
        elif old.get("spec") != new.get("spec") or old["metadata"].get("labels") != new["metadata"].get("labels"):
            info = pod_info(new)
            self.queue.update(info)
            self._nominate(info)
        else:
            self._nominate(pod_info(new))

    def _pod_deleted(self, pod: dict) -> None:
        key = f"{pod['metadata'].get('namespace')}/{pod['metadata']['name']}"
        self.queue.delete(key)
        self.prebind.forget(key)
        self.decisions.pop(key, None)
        self.algorithm.nominated.pop(key, None)
        if self.snapshot.remove_pod(key) is not None:
            self._move()

    def _storage_changed(self, obj: dict) -> None:
        self._move(ON_STORAGE_CHANGE)

    def _claim_changed(self, claim: dict) -> None:
        self.prebind.claim_changed(claim)
        self._move(ON_STORAGE_CHANGE)

    def _nominate(self, pod: PodInfo) -> None:
        """Track status.nominatedNodeName of pending pods: later, less important pods must leave that room free."""
        node_name = (pod.pod.get("status") or {}).get("nominatedNodeName")
        if node_name:
            self.algorithm.nominated[pod.key] = (pod, node_name)
        else:
            self.algorithm.nominated.pop(pod.key, None)

    def _namespace_changed(self, namespace: dict) -> None:
        metadata = namespace["metadata"]
        if self.snapshot.set_namespace_labels(metadata["name"], metadata.get("labels") or {}):
            # upstream: a namespace label change may satisfy pod affinity terms with a namespaceSelector
            self._move(NAMESPACE_LABEL_CHANGE)
