"""TaintEvictionController: deletes pods from nodes with NoExecute taints they do not tolerate.

As upstream's pkg/controller/tainteviction: a pod that does not tolerate every NoExecute taint of its node is
deleted at once; one that tolerates them all, some with tolerationSeconds, is deleted after the smallest of those
seconds, counted from when the controller saw the taint (upstream counts from its own clock, which in the
simulation is the taint's timeAdded to the second); one that tolerates them forever stays. Removing the taint
cancels a scheduled deletion. Each deletion records TaintManagerEviction and marks the pod with the
DisruptionTarget condition before the (graceful) delete, so the pod's controller replaces it.
"""

from ..api.admission import set_condition
from ..api.clone import clone
from ..api.errors import ApiError
from ..runtime.cache import key_of, split_key
from ..runtime.component import Controller
from . import taints as t
from .kubelet import POD_NODE_INDEX, pod_node


def no_execute_taints(node: dict | None) -> list[dict]:
    return [taint for taint in t.node_taints(node or {}) if taint.get("effect") == t.NO_EXECUTE]


def toleration_seconds(tolerations: list[dict], taints: list[dict]) -> float | None:
    """upstream getMatchingTolerations + getMinTolerationTime: None if some taint is not tolerated, else the
    seconds the pod may stay (inf when it tolerates every taint forever)."""
    used = []
    for taint in taints:
        match = next((toleration for toleration in tolerations if t.tolerates(toleration, taint)), None)
        if match is None:
            return None
        used.append(match)
    limits = [
        max(0, toleration["tolerationSeconds"])
        for toleration in used
        if toleration.get("tolerationSeconds") is not None
    ]
    return float(min(limits)) if limits else float("inf")


class TaintEvictionController(Controller):
    name = "taint-eviction-controller"
    leader_of = "kube-controller-manager"

    def __init__(self, ctx):
        super().__init__(ctx)
        self.scheduled: dict[str, tuple[float, float, object]] = {}  # pod key -> (created, trigger, timer)
        self.firing: set[str] = set()

    def start(self) -> None:
        super().start()
        cache = self.ctx.cache
        cache.informer("Pod").add_index(POD_NODE_INDEX, pod_node)
        cache.informer("Node").add_handler(
            lambda node: self._node_changed(None, node), self._node_changed, lambda node: None
        )
        cache.informer("Pod").add_handler(self._pod_added, self._pod_updated, self._pod_deleted)

    # ---- what enqueues work (upstream NodeUpdated / PodUpdated filters) -------------------------------------
    def _node_changed(self, old: dict | None, new: dict) -> None:
        if no_execute_taints(old) != no_execute_taints(new) or (old is None and no_execute_taints(new)):
            self.queue.add(f"node/{new['metadata']['name']}")

    def _pod_added(self, pod: dict) -> None:
        if pod["spec"].get("nodeName"):
            self.queue.add(f"pod/{key_of(pod)}")

    def _pod_updated(self, old: dict, new: dict) -> None:
        same_tolerations = old["spec"].get("tolerations") == new["spec"].get("tolerations")
        if not (same_tolerations and old["spec"].get("nodeName") == new["spec"].get("nodeName")):
            self._pod_added(new)

    def _pod_deleted(self, pod: dict) -> None:
        self._cancel(key_of(pod))

    # ---- reconcile -----------------------------------------------------------------------------------------
    def reconcile(self, key: str) -> None:
        kind, _, rest = key.partition("/")
        if kind == "evict":
            self._evict(rest)
            return
        now = self.ctx.clock.now
        if kind == "node":
            node = self.ctx.cache.get("Node", rest)
            taints = no_execute_taints(node)
            for pod in self.ctx.cache.informer("Pod").by_index(POD_NODE_INDEX, rest):
                self._process(pod, taints, now)
            return
        pod = self.ctx.cache.get("Pod", rest)
        if pod is None:
            self._cancel(rest)
            return
        node = self.ctx.cache.get("Node", pod["spec"].get("nodeName") or "")
        if node is not None:
            self._process(pod, no_execute_taints(node), now)

    def _process(self, pod: dict, taints: list[dict], now: float) -> None:
        """upstream processPodOnNode."""
        key = key_of(pod)
        if not taints:
            self._cancel(key, with_event=True)
            return
        seconds = toleration_seconds(pod["spec"].get("tolerations") or [], taints)
        if seconds is None:
            self._cancel(key, with_event=True)
            self._schedule(key, now, now)
            return
        if seconds == float("inf"):
            self._cancel(key, with_event=True)
            return
        created, trigger = now, now + seconds
        existing = self.scheduled.get(key)
        if existing is not None:
            created = existing[0]
            if created + seconds < trigger:
                return
            self._cancel(key, with_event=True)
        self._schedule(key, created, trigger)

    def _schedule(self, key: str, created: float, trigger: float) -> None:
        if key in self.scheduled or key in self.firing:
            return

        def fire():
            if self.scheduled.pop(key, None) is not None:
                self.firing.add(key)
                self.queue.add(f"evict/{key}")

        timer = self.ctx.clock.call_at(trigger, fire, f"{self.name}:{key}")
        self.scheduled[key] = (created, trigger, timer)
        if trigger <= self.ctx.clock.now:
            timer.cancel()
            fire()

    def _cancel(self, key: str, with_event: bool = False) -> None:
        entry = self.scheduled.pop(key, None)
        was_firing = key in self.firing
        self.firing.discard(key)
        if entry is not None:
            entry[2].cancel()
        pod = self.ctx.cache.get("Pod", key)
        if with_event and (entry is not None or was_firing) and pod is not None:
            self.ctx.events.record(
                pod,
                "Normal",
                "TaintManagerEviction",
                f"Cancelling deletion of Pod {key}",
                self.name,
                "The taint that was going to evict this pod is gone, so the pod stays.",
            )

    def _evict(self, key: str) -> None:
        """upstream deletePodHandler: event, DisruptionTarget condition, then a normal (graceful) delete."""
        if key not in self.firing:
            return
        pod = self.ctx.cache.get("Pod", key)
        if pod is None:
            self.firing.discard(key)
            return
        self.ctx.events.record(
            pod,
            "Normal",
            "TaintManagerEviction",
            f"Marking for deletion Pod {key}",
            self.name,
            "The pod's node has a NoExecute taint the pod does not tolerate (any longer), so it is evicted.",
        )
        namespace, name = split_key(key)
        updated = clone(pod)
        set_condition(
            updated,
            "DisruptionTarget",
            "True",
            self.ctx.clock.timestamp(),
            "DeletionByTaintManager",
            "Taint manager: deleting due to NoExecute taint",
        )
        try:
            self.ctx.client.update_status("Pod", updated)
            self.ctx.client.delete("Pod", namespace, name)
        except ApiError as error:
            if error.code != 404:
                raise
        self.firing.discard(key)
