"""Whether the simulated kube-apiserver can answer: the single point of failure a single control plane has.

The API server answers while at least one kube-apiserver instance runs on a powered-on node and is not taken down
by a fault. In a single-control-plane cluster that is one instance, so powering off its node refuses every request
with a 503; an HA cluster has three. The simulator's own hands (powering a machine back on) do not go through this
gate: they are the operator's, not a client's.
"""

from . import errors
from .kinds import Kind

STATE_ANNOTATION = "kubelab.io/state"  # "down" takes a control-plane component down, "up" (or absent) runs it
POWER_ANNOTATION = "kubelab.io/power"
UNAVAILABLE_MESSAGE = "the server is currently unable to handle the request (kube-apiserver is down)"


def component_running(component: dict, nodes_by_name: dict[str, dict]) -> bool:
    annotations = component["metadata"].get("annotations") or {}
    if annotations.get(STATE_ANNOTATION) == "down":
        return False
    node = nodes_by_name.get(component["spec"].get("nodeName"))
    return node is not None and powered_on(node)


def powered_on(node: dict) -> bool:
    return (node["metadata"].get("annotations") or {}).get(POWER_ANNOTATION, "on") != "off"


def api_server_available(storage) -> bool:
    components = [c for c in storage.list("ControlPlaneComponent") if c["spec"].get("component") == "kube-apiserver"]
    if not components:
        return True  # a cluster without modelled components (a unit test's) is always reachable
    # Only the nodes hosting an instance matter: reading them by name keeps each request's check cheap at any size.
    names = {component["spec"].get("nodeName") for component in components} - {None, ""}
    nodes = {name: node for name in names if (node := storage.get("Node", None, name)) is not None}
    return any(component_running(component, nodes) for component in components)


# The only kinds the answer reads: a write to anything else (pods, leases, events) cannot change it.
DEPENDS_ON = ("ControlPlaneComponent", "Node")


def gate_for(storage):
    """The ApiServer gate: a 503 Status while no kube-apiserver instance runs."""

    # The answer can only change with a write to a component or a node, so it is kept per revision of those kinds
    # where the storage tracks them (else per resourceVersion): the steady stream of pod and lease writes never
    # re-reads the components and their nodes.
    known = {"version": None, "available": True}
    kind_revision = getattr(storage, "kind_revision", None)

    def version():
        if kind_revision is None:
            return storage.resource_version()
        return tuple(kind_revision(kind) for kind in DEPENDS_ON)

    def gate(verb: str, kind: Kind):
        current = version()
        if current != known["version"]:
            known["version"], known["available"] = current, api_server_available(storage)
        if known["available"]:
            return None
        return errors.service_unavailable(UNAVAILABLE_MESSAGE)

    return gate
