"""The simulated machines under the control plane: which component processes run, and which of them leads.

Not a Kubernetes component but the physics the simulator adds: a ControlPlaneComponent runs while its node is
powered on (`kubelab.io/power`) and it is not taken down by a fault (`kubelab.io/state: down`), the same rule the
API server's availability gate applies. Its status (phase Running/Down, a message, lastTransitionTime and whether it
holds its component's Lease) is what the control-plane box in the browser draws. Written with the operator's
ungated hands, so it stays true while the API server itself is down.
"""

from .api.availability import POWER_ANNOTATION, STATE_ANNOTATION, component_running, powered_on
from .runtime.cache import key_of
from .runtime.component import Controller

KIND = "ControlPlaneComponent"
BY_NODE = "machines:nodeName"
BY_COMPONENT = "machines:component"


class Machines(Controller):
    name = "machines"
    primary_kind = KIND

    def start(self) -> None:
        super().start()
        informer = self.ctx.cache.informer(KIND)
        informer.add_index(BY_NODE, lambda obj: [obj["spec"].get("nodeName", "")])
        informer.add_index(BY_COMPONENT, lambda obj: [obj["spec"].get("component", "")])
        self.watch(KIND)
        self.ctx.cache.informer("Node").add_handler(self._node_event, self._node_changed, self._node_event)
        if self.ctx.leadership is not None:
            self.ctx.leadership.listeners.append(self._leader_changed)

    def _node_event(self, node: dict) -> None:
        for instance in self.ctx.cache.informer(KIND).by_index(BY_NODE, node["metadata"]["name"]):
            self.queue.add(key_of(instance))

    def _node_changed(self, old: dict, new: dict) -> None:
        if powered_on(old) != powered_on(new):
            self._node_event(new)

    def _leader_changed(self, component: str) -> None:
        for instance in self.ctx.cache.informer(KIND).by_index(BY_COMPONENT, component):
            self.queue.add(key_of(instance))

    def reconcile(self, key: str) -> None:
        instance = self.ctx.cache.get(KIND, key)
        if instance is None:
            return None
        node_name = instance["spec"].get("nodeName", "")
        node = self.ctx.cache.get("Node", node_name)
        running = component_running(instance, {node_name: node} if node else {})
        component = instance["spec"].get("component", "")
        leadership = self.ctx.leadership
        leader = running and leadership is not None and leadership.leader_instance(component) == key
        status = instance.get("status") or {}
        desired = {
            **status,
            "phase": "Running" if running else "Down",
            "message": _message(instance, node, running, leader, leadership),
            "leader": leader,
        }
        if status.get("phase") != desired["phase"] or "lastTransitionTime" not in status:
            desired["lastTransitionTime"] = self.ctx.clock.timestamp()
        if desired != status:
            self.ctx.operator.update(KIND, {**instance, "status": desired}, subresource="status")
        return None


def _message(instance: dict, node: dict | None, running: bool, leader: bool, leadership) -> str:
    node_name = instance["spec"].get("nodeName", "")
    if node is None:
        return f'node "{node_name}" does not exist'
    if not powered_on(node):
        return f'node "{node_name}" is powered off ({POWER_ANNOTATION}: off)'
    if not running:
        return f"stopped by a fault ({STATE_ANNOTATION}: down)"
    component = instance["spec"].get("component", "")
    if leadership is None or component not in leadership.modelled:
        return f"running on {node_name}"
    if leader:
        return f"running on {node_name}; leader (holds Lease kube-system/{component})"
    return f"running on {node_name}; standby, waiting for Lease kube-system/{component}"
