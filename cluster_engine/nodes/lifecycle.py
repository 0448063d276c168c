"""NodeLifecycleController: notices nodes that stop reporting, marks them Unknown and taints them.

As upstream's pkg/controller/nodelifecycle, every 5 s (--node-monitor-period) it compares each node's last sign of
life (a renewed Lease or a new status heartbeat, stamped with the controller's own clock when it noticed it, the
upstream probeTimestamp) with the grace period: 50 s (--node-monitor-grace-period), 60 s for a node that never
reported (--node-startup-grace-period). Past it, Ready/MemoryPressure/DiskPressure/PIDPressure become Unknown
(NodeStatusUnknown, "Kubelet stopped posting node status."), the node gets a NodeNotReady event and its pods'
Ready condition turns False. On the next pass the node is queued for the NoExecute taint unreachable (Ready
Unknown) or not-ready (Ready False), applied at 0.1 nodes/s per zone (--node-eviction-rate); a zone with >= 55 %
of at least 3 nodes not ready (--unhealthy-zone-threshold) slows to 0.01/s if it has more than 50 nodes
(--large-cluster-size-threshold, --secondary-node-eviction-rate) and stops otherwise; a zone with no ready node
keeps the normal rate, and when every zone has no ready node all NoExecute taints are lifted and tainting stops
(the control plane is more likely cut off than every node dead). Ready True removes the taints. The NoSchedule
taints of TaintNodesByCondition and spec.unschedulable follow the conditions at once, on every node update.
"""

from dataclasses import dataclass

from ..api.clone import clone
from ..api.errors import ApiError
from ..runtime.cache import key_of
from ..runtime.component import Controller
from . import taints as t
from .kubelet import LEASE_NAMESPACE, POD_NODE_INDEX, pod_node
from .zone_tainter import ZoneTainter

MONITOR_PERIOD = 5.0  # upstream: --node-monitor-period=5s
GRACE_PERIOD = 50.0  # upstream: --node-monitor-grace-period=50s (since 1.32)
STARTUP_GRACE_PERIOD = 60.0  # upstream: --node-startup-grace-period=60s
EVICTION_QPS = 0.1  # upstream: --node-eviction-rate=0.1
SECONDARY_EVICTION_QPS = 0.01  # upstream: --secondary-node-eviction-rate=0.01
LARGE_CLUSTER_THRESHOLD = 50  # upstream: --large-cluster-size-threshold=50
UNHEALTHY_ZONE_THRESHOLD = 0.55  # upstream: --unhealthy-zone-threshold=0.55
EXCLUDE_DISRUPTION_LABEL = "node.kubernetes.io/exclude-disruption"
MONITORED_CONDITIONS = ("Ready", "MemoryPressure", "DiskPressure", "PIDPressure")
UNREACHABLE_TAINT = {"key": t.UNREACHABLE, "effect": t.NO_EXECUTE}
NOT_READY_TAINT = {"key": t.NOT_READY, "effect": t.NO_EXECUTE}
NORMAL, PARTIAL, FULL = "Normal", "PartialDisruption", "FullDisruption"


@dataclass
class NodeHealth:
    probe_timestamp: float
    ready_transition_timestamp: float
    ready: dict | None  # the Ready condition as last observed
    lease_renew: float | None = None


class NodeLifecycleController(Controller):
    name = "node-controller"
    leader_of = "kube-controller-manager"

    def __init__(self, ctx):
        super().__init__(ctx)
        self._reset()
        self._pass_timer = None

    def _reset(self) -> None:
        """A newly elected leader starts from nothing, as a freshly started controller does upstream."""
        self.health: dict[str, NodeHealth] = {}
        self.known: set[str] = set()
        self.zone_states: dict[str, str] = {}
        self.tainters: dict[str, ZoneTainter] = {}
        self.retry: set[str] = set()
        self._leading = False

    def start(self) -> None:
        super().start()
        pods = self.ctx.cache.informer("Pod")
        pods.add_index(POD_NODE_INDEX, pod_node)
        self.watch("Node", lambda node: f"node/{node['metadata']['name']}")
        pods.add_handler(
            lambda pod: self._pod_assigned(None, pod),
            lambda old, new: self._pod_assigned(old, new),
        )
        self.every(MONITOR_PERIOD, self.monitor, first=0)

    def _pod_assigned(self, old: dict | None, new: dict) -> None:
        node_name = new["spec"].get("nodeName")
        if node_name and (old is None or old["spec"].get("nodeName") != node_name):
            self.queue.add(f"pod/{key_of(new)}")

    # ---- helpers -------------------------------------------------------------------------------------------
    @property
    def now(self) -> float:
        return self.ctx.clock.now

    def _seconds(self, timestamp: str | None) -> float | None:
        return self.ctx.clock.seconds_since_epoch(timestamp) if timestamp else None

    def _record(self, obj: dict, event_type: str, reason: str, message: str, explanation: str) -> None:
        self.ctx.events.record(obj, event_type, reason, message, self.name, explanation)

    def _tainter(self, node: dict) -> ZoneTainter:
        zone = t.zone_key(node)
        if zone not in self.zone_states:
            self.zone_states[zone] = "Initial"
            self.tainters[zone] = ZoneTainter(EVICTION_QPS)
        return self.tainters[zone]

    # ---- the monitor pass ----------------------------------------------------------------------------------
    def monitor(self) -> None:
        if not self.acting():
            self._leading = False
            return
        if not self._leading:
            self._reset()
            self._leading = True
        cache = self.ctx.cache
        nodes = sorted(cache.informer("Node").items(), key=lambda node: node["metadata"]["name"])
        names = {node["metadata"]["name"] for node in nodes}
        for node in nodes:
            name = node["metadata"]["name"]
            self._tainter(node)
            if name not in self.known:
                self.known.add(name)
                self._record(
                    node,
                    "Normal",
                    "RegisteredNode",
                    f"Registered Node {name} in Controller",
                    "The node lifecycle controller started watching this node's health.",
                )
                self._mark_reachable(node)
        for name in sorted(self.known - names):
            self.known.discard(name)
            self.health.pop(name, None)
            self.retry.discard(name)
        zone_conditions: dict[str, list] = {}
        for node in nodes:
            name = node["metadata"]["name"]
            try:
                observed, current = self._update_health(node)
            except ApiError:
                continue
            node = cache.get("Node", name) or node
            if EXCLUDE_DISRUPTION_LABEL not in (node["metadata"].get("labels") or {}):
                zone_conditions.setdefault(t.zone_key(node), []).append(current)
            if current is None:
                continue
            self._taint_for_eviction(node, observed)
            became_not_ready = current.get("status") != "True" and observed.get("status") == "True"
            if became_not_ready:
                self._record(
                    node,
                    "Normal",
                    "NodeNotReady",
                    f"Node {name} status is now: NodeNotReady",
                    "The node stopped reporting, so Kubernetes no longer trusts it to run pods.",
                )
            if became_not_ready or (name in self.retry and observed.get("status") != "True"):
                self._mark_pods_not_ready(cache.informer("Pod").by_index(POD_NODE_INDEX, name), name)
            else:
                self.retry.discard(name)
        self._handle_disruption(zone_conditions, nodes)
        self.tainting_pass()

    def _update_health(self, node: dict) -> tuple[dict, dict | None]:
        """upstream tryUpdateNodeHealth: returns the Ready condition as observed and as it is after this pass."""
        name = node["metadata"]["name"]
        health = self.health.get(name)
        current = t.condition(node, "Ready")
        created = self._seconds(node["metadata"].get("creationTimestamp")) or 0.0
        if current is None:
            observed = {"type": "Ready", "status": "Unknown"}
            grace = STARTUP_GRACE_PERIOD
            if health is None:
                health = NodeHealth(created, created, None)
        else:
            observed = dict(current)
            grace = GRACE_PERIOD
        saved = health.ready if health else None
        if health is None or (saved is None and current is not None):
            health = NodeHealth(self.now, self.now, clone(current), health.lease_renew if health else None)
        elif (
            saved is not None
            and current is not None
            and saved.get("lastHeartbeatTime") != current.get("lastHeartbeatTime")
        ):
            transition = health.ready_transition_timestamp
            if saved.get("lastTransitionTime") != current.get("lastTransitionTime"):
                transition = self.now
            health = NodeHealth(self.now, transition, clone(current), health.lease_renew)
        lease = self.ctx.cache.get("Lease", f"{LEASE_NAMESPACE}/{name}")
        renew = self._seconds((lease or {}).get("spec", {}).get("renewTime"))
        if renew is not None and (health.lease_renew is None or health.lease_renew < renew):
            health.lease_renew = renew
            health.probe_timestamp = self.now
        self.health[name] = health
        if not self.now > health.probe_timestamp + grace:
            return observed, current
        updated = clone(node)
        now = self.ctx.clock.timestamp()
        conditions = updated.setdefault("status", {}).setdefault("conditions", [])
        for condition_type in MONITORED_CONDITIONS:
            found = t.condition(updated, condition_type)
            if found is None:
                conditions.append(
                    {
                        "type": condition_type,
                        "status": "Unknown",
                        "reason": "NodeStatusNeverUpdated",
                        "message": "Kubelet never posted node status.",
                        "lastHeartbeatTime": node["metadata"].get("creationTimestamp"),
                        "lastTransitionTime": now,
                    }
                )
            elif found.get("status") != "Unknown":
                found.update(
                    status="Unknown",
                    reason="NodeStatusUnknown",
                    message="Kubelet stopped posting node status.",
                    lastTransitionTime=now,
                )
        new_ready = t.condition(updated, "Ready")
        if new_ready == current:
            return observed, current
        written = self.ctx.client.update_status("Node", updated)
        health.ready = clone(t.condition(written, "Ready"))
        health.ready_transition_timestamp = self.now
        return observed, new_ready

    # ---- taints --------------------------------------------------------------------------------------------
    def _swap_taints(self, name: str, add: list[dict], remove: list[dict]) -> bool:
        """upstream SwapNodeControllerTaint, in one write: added taints carry timeAdded = now."""
        node = self.ctx.cache.get("Node", name)
        if node is None:
            return True
        signatures = {(taint["key"], taint["effect"]) for taint in add + remove}
        kept = [taint for taint in t.node_taints(node) if (taint.get("key"), taint.get("effect")) not in signatures]
        stamp = self.ctx.clock.timestamp()
        new_taints = kept + [{**taint, "timeAdded": stamp} for taint in add]
        if [(x.get("key"), x.get("effect")) for x in new_taints] == [
            (x.get("key"), x.get("effect")) for x in t.node_taints(node)
        ]:
            return True
        updated = clone(node)
        updated["spec"]["taints"] = new_taints
        if not new_taints:
            updated["spec"].pop("taints")
        try:
            self.ctx.client.update("Node", updated)
        except ApiError:
            return False
        return True

    def _taint_for_eviction(self, node: dict, observed: dict) -> None:
        """upstream processTaintBaseEviction, driven by the Ready condition seen at the start of the pass."""
        name = node["metadata"]["name"]
        status = observed.get("status")
        if status == "False":
            if t.has_taint(node, t.UNREACHABLE, t.NO_EXECUTE):
                self._swap_taints(name, [NOT_READY_TAINT], [UNREACHABLE_TAINT])
            else:
                self._mark_for_tainting(node, NOT_READY_TAINT)
        elif status == "Unknown":
            if t.has_taint(node, t.NOT_READY, t.NO_EXECUTE):
                self._swap_taints(name, [UNREACHABLE_TAINT], [NOT_READY_TAINT])
            else:
                self._mark_for_tainting(node, UNREACHABLE_TAINT)
        elif status == "True":
            self._mark_reachable(node)

    def _mark_for_tainting(self, node: dict, taint: dict) -> None:
        tainter = self._tainter(node)
        name = node["metadata"]["name"]
        if not t.has_taint(node, taint["key"], t.NO_EXECUTE):
            tainter.remove(name)
        tainter.add(name)

    def _mark_reachable(self, node: dict) -> None:
        name = node["metadata"]["name"]
        self._swap_taints(name, [], [UNREACHABLE_TAINT, NOT_READY_TAINT])
        self._tainter(node).remove(name)

    def tainting_pass(self) -> None:
        """upstream doNoExecuteTaintingPass. Upstream polls every 100 ms; we run it when a token comes due."""
        if not self.acting():
            return
        for zone in sorted(self.tainters):
            self.tainters[zone].process(self.now, self._apply_no_execute_taint)
        due = [at for at in (tainter.next_token_at() for tainter in self.tainters.values()) if at is not None]
        if due and (self._pass_timer is None or self._pass_timer.cancelled or self._pass_timer.at > min(due)):
            if self._pass_timer is not None:
                self._pass_timer.cancel()
            self._pass_timer = self.ctx.clock.call_at(min(due), self.tainting_pass, f"{self.name}:tainting")

    def _apply_no_execute_taint(self, name: str) -> bool:
        node = self.ctx.cache.get("Node", name)
        if node is None:
            return True
        status = t.ready_status(node)
        if status is None:
            return False
        if status == "False":
            return self._swap_taints(name, [NOT_READY_TAINT], [UNREACHABLE_TAINT])
        if status == "Unknown":
            return self._swap_taints(name, [UNREACHABLE_TAINT], [NOT_READY_TAINT])
        return True

    def _no_schedule_pass(self, name: str) -> None:
        """upstream doNoScheduleTaintingPass (TaintNodesByCondition) plus the unschedulable taint of a cordon."""
        node = self.ctx.cache.get("Node", name)
        if node is None:
            return
        wanted = []
        for condition in (node.get("status") or {}).get("conditions") or []:
            key = t.CONDITION_TAINTS.get(condition.get("type"), {}).get(condition.get("status"))
            if key:
                wanted.append({"key": key, "effect": t.NO_SCHEDULE})
        if (node.get("spec") or {}).get("unschedulable"):
            wanted.append({"key": t.UNSCHEDULABLE, "effect": t.NO_SCHEDULE})
        present = [
            taint
            for taint in t.node_taints(node)
            if taint.get("effect") == t.NO_SCHEDULE
            and (taint.get("key") == t.UNSCHEDULABLE or taint.get("key") in t.CONDITION_TAINT_KEYS)
        ]
        wanted_keys = {taint["key"] for taint in wanted}
        present_keys = {taint["key"] for taint in present}
        add = [taint for taint in wanted if taint["key"] not in present_keys]
        remove = [
            {"key": taint["key"], "effect": t.NO_SCHEDULE} for taint in present if taint["key"] not in wanted_keys
        ]
        if add or remove:
            if not self._swap_taints(name, add, remove):
                self.queue.add_rate_limited(f"node/{name}")

    # ---- zones ---------------------------------------------------------------------------------------------
    def _zone_state(self, conditions: list) -> str:
        """upstream ComputeZoneState."""
        ready = sum(1 for condition in conditions if condition is not None and condition.get("status") == "True")
        not_ready = len(conditions) - ready
        if ready == 0 and not_ready > 0:
            return FULL
        if not_ready > 2 and not_ready / (not_ready + ready) >= UNHEALTHY_ZONE_THRESHOLD:
            return PARTIAL
        return NORMAL

    def _set_limiter(self, zone: str, size: int, state: str) -> None:
        if state == PARTIAL:
            qps = SECONDARY_EVICTION_QPS if size > LARGE_CLUSTER_THRESHOLD else 0.0
        else:
            qps = EVICTION_QPS  # Normal, and FullDisruption of one zone: its pods should move elsewhere
        self.tainters[zone].swap_limiter(qps, self.now)

    def _handle_disruption(self, zone_conditions: dict[str, list], nodes: list[dict]) -> None:
        """upstream handleDisruption."""
        new_states = {zone: self._zone_state(conditions) for zone, conditions in zone_conditions.items()}
        all_fully_disrupted = all(state == FULL for state in new_states.values())
        for zone in list(self.zone_states):
            if zone not in zone_conditions:
                del self.zone_states[zone]
        all_were_fully_disrupted = all(state == FULL for state in self.zone_states.values())
        if all_fully_disrupted and all_were_fully_disrupted:
            return
        if all_fully_disrupted:
            for node in nodes:
                self._mark_reachable(node)
            for zone in self.zone_states:
                self.tainters[zone].swap_limiter(0.0, self.now)
                self.zone_states[zone] = FULL
            return
        if all_were_fully_disrupted:
            for health in self.health.values():
                health.probe_timestamp = health.ready_transition_timestamp = self.now
            for zone in self.zone_states:
                self._set_limiter(zone, len(zone_conditions[zone]), new_states[zone])
                self.zone_states[zone] = new_states[zone]
            return
        for zone, state in list(self.zone_states.items()):
            if new_states[zone] != state:
                self._set_limiter(zone, len(zone_conditions[zone]), new_states[zone])
                self.zone_states[zone] = new_states[zone]

    # ---- pods ----------------------------------------------------------------------------------------------
    def _mark_pods_not_ready(self, pods: list[dict], node_name: str) -> None:
        """upstream MarkPodsNotReady: Ready=False on each pod of the node, with a NodeNotReady event."""
        failed = False
        for pod in pods:
            if pod["spec"].get("nodeName") != node_name:
                continue
            ready = t.condition(pod, "Ready")
            if ready is None or ready.get("status") == "False":
                continue
            updated = clone(pod)
            t.condition(updated, "Ready").update(status="False", lastTransitionTime=self.ctx.clock.timestamp())
            try:
                self.ctx.client.update_status("Pod", updated)
            except ApiError:
                failed = True
                continue
            self._record(
                pod,
                "Warning",
                "NodeNotReady",
                "Node is not ready",
                "The pod's node stopped reporting, so the pod no longer counts as ready to serve traffic.",
            )
        if failed:
            self.retry.add(node_name)
        else:
            self.retry.discard(node_name)

    def reconcile(self, key: str) -> None:
        kind, _, rest = key.partition("/")
        if kind == "node":
            self._no_schedule_pass(rest)
            return
        pod = self.ctx.cache.get("Pod", rest)
        if pod is None:
            return
        node_name = pod["spec"].get("nodeName")
        health = self.health.get(node_name)
        if health is None or health.ready is None or self.ctx.cache.get("Node", node_name) is None:
            return
        if health.ready.get("status") != "True":
            self._mark_pods_not_ready([pod], node_name)
