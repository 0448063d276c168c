"""The cloud controller manager: what a managed cloud (AKS-like) does for the cluster, leader-elected as upstream.

Three loops, each acting only while cloud-controller-manager holds its Lease:

- Node pools (ours, modelled on AKS virtual machine scale sets). Pools are declared in the ConfigMap
  `kube-system/kubelab-node-pools`, one key per pool whose value is YAML (JSON works too)::

      data:
        nodepool1: |
          count: 3                 # how many machines the pool should have
          vmSize: Standard_DS2_v2  # one of VM_SIZES; sets capacity and the instance-type label
          zones: [1, 2, 3]         # availability zones; new machines go to the emptiest one

  Raising `count` orders machines that register as Nodes after a provisioning delay; lowering it cordons, drains
  and deletes the newest nodes of the pool. Nodes of the pool are the ones labelled `agentpool: <pool>` (never a
  control-plane node). Pools absent from the ConfigMap, or a cluster without it, are left alone.
- The service controller (upstream cloud-provider/controllers/service): a Service of type LoadBalancer gets a
  public address in `status.loadBalancer.ingress`, guarded by the load-balancer-cleanup finalizer so deleting
  the Service releases the address first.
- The cloud node lifecycle controller (upstream cloud-provider/controllers/nodelifecycle): a not-ready Node whose
  machine the cloud no longer has is deleted; one whose machine is shut down gets the shutdown taint.

The cloud's machines are the Nodes themselves: a machine exists unless its Node carries
`kubelab.io/machine: deleted` (what deleting a VM leaves behind until the lifecycle controller removes the Node),
and it is shut down while `kubelab.io/power: off`.
"""

import ipaddress
from dataclasses import dataclass

import yaml

from .api import documents
from .api.availability import POWER_ANNOTATION, powered_on
from .api.errors import ApiError
from .runtime.component import Component, Controller
from .scenarios import CONTROL_PLANE_LABEL, node_manifest
from .vm_sizes import VM_SIZES

COMPONENT = "cloud-controller-manager"
POOLS_NAMESPACE, POOLS_NAME = "kube-system", "kubelab-node-pools"
POOL_LABEL = "agentpool"
MACHINE_ANNOTATION = "kubelab.io/machine"
MACHINE_DELETED = "deleted"
# ours: AKS takes a minute or two to boot a scale-set instance and register it; a seeded jitter spreads them out
PROVISION_SECONDS = 90.0
PROVISION_JITTER_SECONDS = 30.0
# ours: how long the cloud takes to program a load balancer and its public IP
LOAD_BALANCER_SECONDS = 15.0
# RFC 5737 TEST-NET-3: public-looking addresses reserved for documentation, never routed
PUBLIC_ADDRESSES = ipaddress.ip_network("203.0.113.0/24")
# upstream: servicehelper.LoadBalancerCleanupFinalizer
LOAD_BALANCER_FINALIZER = "service.kubernetes.io/load-balancer-cleanup"
# upstream: cloud-controller-manager --node-monitor-period=5s drives the cloud node lifecycle loop
NODE_MONITOR_PERIOD = 5.0
# upstream: cloudproviderapi.TaintNodeShutdown
SHUTDOWN_TAINT = {"key": "node.cloudprovider.kubernetes.io/shutdown", "effect": "NoSchedule"}


@dataclass(frozen=True)
class NodePool:
    name: str
    count: int
    vm_size: str = "Standard_DS2_v2"
    zones: tuple[int, ...] = (1, 2, 3)


@dataclass
class Machine:
    """A machine the cloud is booting for a pool; it registers its Node once `ready_at` has passed."""

    name: str
    index: int
    zone: int
    ready_at: float


def parse_pool(name: str, text: str) -> NodePool:
    """One pool from its ConfigMap value; ValueError says what is wrong, for the learner who edited it."""
    try:
        spec = documents.load_yaml(text)
    except yaml.YAMLError as error:
        raise ValueError(f"not YAML: {error}") from None
    if not isinstance(spec, dict):
        raise ValueError("expected a mapping with count, vmSize and zones")
    count = spec.get("count")
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise ValueError(f"count must be a whole number of machines, 0 or more (got {count!r})")
    vm_size = spec.get("vmSize", NodePool.vm_size)
    if vm_size not in VM_SIZES:
        raise ValueError(f"vmSize {vm_size!r} is not offered; choose one of {', '.join(sorted(VM_SIZES))}")
    zones = spec.get("zones", list(NodePool.zones))
    if not isinstance(zones, list) or not zones or not all(isinstance(zone, int) and zone > 0 for zone in zones):
        raise ValueError(f"zones must be a list of zone numbers such as [1, 2, 3] (got {zones!r})")
    return NodePool(name, count, vm_size, tuple(zones))


def machine_exists(node: dict) -> bool:
    return (node["metadata"].get("annotations") or {}).get(MACHINE_ANNOTATION) != MACHINE_DELETED


def _pool_of(node: dict) -> list[str]:
    labels = node["metadata"].get("labels") or {}
    return [labels[POOL_LABEL]] if POOL_LABEL in labels and CONTROL_PLANE_LABEL not in labels else []


def _zone_of(node: dict) -> int | None:
    zone = (node["metadata"].get("labels") or {}).get("topology.kubernetes.io/zone", "")
    suffix = zone.rpartition("-")[2]
    return int(suffix) if suffix.isdigit() else None


def _cidr_index(node: dict) -> int | None:
    parts = (node.get("spec") or {}).get("podCIDR", "").split(".")
    return int(parts[2]) if len(parts) == 4 and parts[2].isdigit() else None


def _base36(number: int, width: int = 6) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while number:
        number, digit = divmod(number, 36)
        text = digits[digit] + text
    return text.rjust(width, "0")


class NodePoolController(Controller):
    """Keeps each pool's machine count at what the ConfigMap asks, like a VM scale set resized by `az aks scale`."""

    name = "node-pool-controller"
    leader_of = COMPONENT
    BY_POOL = "cloud:agentpool"

    def __init__(self, ctx):
        super().__init__(ctx)
        self._booting: dict[str, list[Machine]] = {}
        self._removing: set[str] = set()

    def start(self) -> None:
        super().start()
        self.ctx.cache.informer("Node").add_index(self.BY_POOL, _pool_of)
        self.watch("ConfigMap", self._pools_in)
        self.ctx.cache.informer("Node").add_handler(self._node_event, self._node_changed, self._node_event)

    def _pools_in(self, configmap: dict) -> list[str]:
        metadata = configmap["metadata"]
        if (metadata.get("namespace"), metadata["name"]) != (POOLS_NAMESPACE, POOLS_NAME):
            return []
        return list(configmap.get("data") or {})

    def _node_event(self, node: dict) -> None:
        for pool in _pool_of(node):
            self.queue.add(pool)

    def _node_changed(self, old: dict, new: dict) -> None:
        if machine_exists(old) != machine_exists(new):
            self._node_event(new)

    def reconcile(self, key: str) -> float | None:
        configmap = self.ctx.cache.get("ConfigMap", f"{POOLS_NAMESPACE}/{POOLS_NAME}")
        text = ((configmap or {}).get("data") or {}).get(key)
        if text is None:
            return None
        try:
            pool = parse_pool(key, text)
        except ValueError as problem:
            self._event(configmap, "Warning", "InvalidNodePool", f"node pool {key}: {problem}")
            return None
        members = [node for node in self.ctx.cache.informer("Node").by_index(self.BY_POOL, key) if machine_exists(node)]
        self._resize(pool, members, configmap)
        delays = [self._register_booted(pool)]
        delays += [self._drain(node) for node in members if node["metadata"]["name"] in self._removing]
        delays = [delay for delay in delays if delay is not None]
        return min(delays) if delays else None

    def _resize(self, pool: NodePool, members: list[dict], configmap: dict) -> None:
        active = sorted(
            (node for node in members if node["metadata"]["name"] not in self._removing),
            key=lambda node: (node["metadata"].get("creationTimestamp", ""), node["metadata"]["name"]),
        )
        booting = self._booting.setdefault(pool.name, [])
        surplus = len(active) + len(booting) - pool.count
        while surplus > 0 and booting:  # machines still booting are cancelled before any node is touched
            booting.pop()
            surplus -= 1
        for node in reversed(active[len(active) - max(surplus, 0) :]):  # then the newest nodes go first
            name = node["metadata"]["name"]
            self._removing.add(name)
            self._event(
                node,
                "Normal",
                "ScaleDown",
                f"node pool {pool.name} scaled to {pool.count}: cordoning, draining and deleting node {name}",
                "The cloud is shrinking this node pool, so this machine's pods move elsewhere and it is deleted.",
            )
        for _ in range(-surplus):
            machine = self._order_machine(pool, active)
            booting.append(machine)
            self._event(
                configmap,
                "Normal",
                "ProvisioningNode",
                f"node pool {pool.name}: provisioning {machine.name} ({pool.vm_size}) in zone {machine.zone}",
                "The cloud is starting a new virtual machine; its kubelet will register a Node when it has booted.",
            )

    def _order_machine(self, pool: NodePool, active: list[dict]) -> Machine:
        booting = self._booting[pool.name]
        taken = {_cidr_index(node) for node in self.ctx.cache.list("Node")}
        taken |= {machine.index for machines in self._booting.values() for machine in machines}
        index = next(number for number in range(len(taken) + 1) if number not in taken)
        in_zone = dict.fromkeys(pool.zones, 0)
        for zone in [_zone_of(node) for node in active] + [machine.zone for machine in booting]:
            if zone in in_zone:
                in_zone[zone] += 1
        zone = min(pool.zones, key=lambda candidate: in_zone[candidate])
        names = [node["metadata"]["name"] for node in self.ctx.cache.informer("Node").by_index(self.BY_POOL, pool.name)]
        names += [machine.name for machine in booting]
        prefix = f"aks-{pool.name}-vmss"  # AKS names scale-set instances with a base-36 instance number
        ordinals = [int(name[len(prefix) :], 36) for name in names if name.startswith(prefix)]
        name = f"{prefix}{_base36(max(ordinals, default=-1) + 1)}"
        delay = PROVISION_SECONDS + self.ctx.rng.random() * PROVISION_JITTER_SECONDS
        return Machine(name, index, zone, self.ctx.clock.now + delay)

    def _register_booted(self, pool: NodePool) -> float | None:
        """Booted machines register their Nodes (the kubelet's first act); returns when the next one boots."""
        booting = self._booting[pool.name]
        for machine in [machine for machine in booting if machine.ready_at <= self.ctx.clock.now]:
            capacity, allocatable = VM_SIZES[pool.vm_size]
            node = node_manifest(
                machine.name,
                machine.index,
                zone=machine.zone,
                pool=pool.name,
                capacity=capacity,
                allocatable=allocatable,
            )
            node["metadata"]["labels"]["node.kubernetes.io/instance-type"] = pool.vm_size
            self.ctx.client.create("Node", node)
            booting.remove(machine)
        return min((machine.ready_at - self.ctx.clock.now for machine in booting), default=None)

    def _drain(self, node: dict) -> float | None:
        """kubectl drain, then delete the machine and its Node; returns how long pods still have to terminate."""
        name = node["metadata"]["name"]
        client, clock = self.ctx.client, self.ctx.clock
        if not node["spec"].get("unschedulable"):
            client.patch("Node", None, name, {"spec": {"unschedulable": True}})
        deadlines = []
        for pod in self.ctx.cache.list("Pod"):
            if pod["spec"].get("nodeName") != name or pod.get("status", {}).get("phase") in ("Succeeded", "Failed"):
                continue
            metadata = pod["metadata"]
            if any(owner.get("kind") == "DaemonSet" for owner in metadata.get("ownerReferences") or []):
                continue  # --ignore-daemonsets, as AKS drains: they go with the node (the pod GC removes them)
            if not metadata.get("deletionTimestamp"):
                pod = client.delete("Pod", metadata["namespace"], metadata["name"]) or pod
            if pod["metadata"].get("deletionTimestamp"):
                deadlines.append(clock.seconds_since_epoch(pod["metadata"]["deletionTimestamp"]))
        if deadlines and max(deadlines) > clock.now:
            return max(deadlines) - clock.now
        # every pod is gone or past its grace period: the cloud deletes the machine, then its Node
        self.ctx.operator.patch(
            "Node",
            None,
            name,
            {"metadata": {"annotations": {MACHINE_ANNOTATION: MACHINE_DELETED, POWER_ANNOTATION: "off"}}},
        )
        client.delete("Node", None, name)
        self._removing.discard(name)
        return None

    def _event(self, obj: dict, event_type: str, reason: str, message: str, explanation: str = "") -> None:
        self.ctx.events.record(obj, event_type, reason, message, COMPONENT, explanation=explanation)


class ServiceController(Controller):
    """Gives LoadBalancer Services a public IP after the cloud has built the balancer, and releases it after."""

    name = "service-controller"
    leader_of = COMPONENT
    primary_kind = "Service"

    def __init__(self, ctx):
        super().__init__(ctx)
        self._ready_at: dict[str, float] = {}  # services whose balancer is being built -> when it will be

    def start(self) -> None:
        super().start()
        self.watch("Service")

    def reconcile(self, key: str) -> float | None:
        service = self.ctx.cache.get("Service", key)
        if service is None:
            self._ready_at.pop(key, None)
            return None
        finalizers = service["metadata"].get("finalizers") or []
        if not wants_load_balancer(service) or service["metadata"].get("deletionTimestamp"):
            self._ready_at.pop(key, None)
            if LOAD_BALANCER_FINALIZER in finalizers or _ingress(service):
                self._delete_load_balancer(service, finalizers)
            return None
        if _ingress(service) and LOAD_BALANCER_FINALIZER in finalizers:
            return None
        if key not in self._ready_at:
            self._event(service, "EnsuringLoadBalancer", "Ensuring load balancer")
            if LOAD_BALANCER_FINALIZER not in finalizers:
                metadata = {**service["metadata"], "finalizers": [*finalizers, LOAD_BALANCER_FINALIZER]}
                service = self.ctx.client.update("Service", {**service, "metadata": metadata})
            self._ready_at[key] = self.ctx.clock.now + LOAD_BALANCER_SECONDS
        if self.ctx.clock.now < self._ready_at[key]:
            return self._ready_at[key] - self.ctx.clock.now
        address = self._free_address()
        status = {**service.get("status", {}), "loadBalancer": {"ingress": [{"ip": address, "ipMode": "VIP"}]}}
        self.ctx.client.update_status("Service", {**service, "status": status})
        del self._ready_at[key]
        self._event(
            service,
            "EnsuredLoadBalancer",
            "Ensured load balancer",
            "The cloud's load balancer now sends traffic for {ip} to this Service's node ports.",
            {"ip": address},
        )
        return None

    def _delete_load_balancer(self, service: dict, finalizers: list[str]) -> None:
        self._event(service, "DeletingLoadBalancer", "Deleting load balancer")
        if not service["metadata"].get("deletionTimestamp"):
            status = {**service.get("status", {}), "loadBalancer": {}}
            service = self.ctx.client.update_status("Service", {**service, "status": status})
        remaining = [name for name in finalizers if name != LOAD_BALANCER_FINALIZER]
        self.ctx.client.update("Service", {**service, "metadata": {**service["metadata"], "finalizers": remaining}})
        self._event(
            service,
            "DeletedLoadBalancer",
            "Deleted load balancer",
            "The cloud removed the load balancer and released its public IP address.",
        )

    def _free_address(self) -> str:
        used = {entry.get("ip") for service in self.ctx.cache.list("Service") for entry in _ingress(service)}
        for address in PUBLIC_ADDRESSES.hosts():
            if str(address) not in used:
                return str(address)
        raise ApiError(503, "ServiceUnavailable", f"no free public IP address left in {PUBLIC_ADDRESSES}")

    def _event(self, service: dict, reason: str, message: str, explanation: str = "", args: dict | None = None) -> None:
        self.ctx.events.record(
            service, "Normal", reason, message, self.name, explanation=explanation, explanation_args=args
        )


def wants_load_balancer(service: dict) -> bool:
    """upstream wantsLoadBalancer: type LoadBalancer and no loadBalancerClass naming another implementation."""
    spec = service.get("spec") or {}
    return spec.get("type") == "LoadBalancer" and not spec.get("loadBalancerClass")


def _ingress(service: dict) -> list[dict]:
    return ((service.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []


class CloudNodeLifecycleController(Component):
    """Every monitor period: delete not-ready Nodes whose machine is gone, taint those whose machine is shut down."""

    name = "cloud-node-lifecycle-controller"
    leader_of = COMPONENT

    def start(self) -> None:
        self.every(NODE_MONITOR_PERIOD, self.monitor_nodes)

    def monitor_nodes(self) -> None:
        if not self.acting():
            return
        for node in self.ctx.cache.list("Node"):
            try:
                self._monitor(node)
            except ApiError:
                continue  # upstream logs and tries again next period

    def _monitor(self, node: dict) -> None:
        name = node["metadata"]["name"]
        taints = node["spec"].get("taints") or []
        shutdown_tainted = any(_is_shutdown_taint(taint) for taint in taints)
        if _ready_status(node) == "True":
            if shutdown_tainted:
                self._set_taints(node, [taint for taint in taints if not _is_shutdown_taint(taint)])
            return
        if not machine_exists(node):
            self.ctx.events.record(
                {"kind": "Node", "apiVersion": "v1", "metadata": {"name": name, "uid": node["metadata"].get("uid")}},
                "Normal",
                "DeletingNode",
                f"Deleting node {name} because it does not exist in the cloud provider",
                self.name,
                explanation="The machine behind this node no longer exists in the cloud, so its Node is removed.",
            )
            self.ctx.client.delete("Node", None, name)
        elif not powered_on(node) and not shutdown_tainted:
            self._set_taints(node, [*taints, dict(SHUTDOWN_TAINT)])

    def _set_taints(self, node: dict, taints: list[dict]) -> None:
        self.ctx.client.update("Node", {**node, "spec": {**node["spec"], "taints": taints}})


def _is_shutdown_taint(taint: dict) -> bool:
    return taint.get("key") == SHUTDOWN_TAINT["key"] and taint.get("effect") == SHUTDOWN_TAINT["effect"]


def _ready_status(node: dict) -> str:
    """The Ready condition's status, Unknown when the kubelet has not reported one (upstream's default)."""
    for condition in (node.get("status") or {}).get("conditions") or []:
        if condition.get("type") == "Ready":
            return condition.get("status", "Unknown")
    return "Unknown"
