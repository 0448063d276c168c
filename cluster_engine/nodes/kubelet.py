"""Kubelets: one simulated kubelet per Node, running on that node's (simulated) machine.

The `Kubelets` component watches Nodes and starts an agent for every powered-on machine, stops it when the machine
loses power and forgets the machine when its Node is deleted. Each agent, as upstream's kubelet does:
- renews its Lease `kube-node-lease/<node>` every 10 s (leaseDurationSeconds 40; renew interval = 0.25 x 40 s);
- computes node status every 10 s (nodeStatusUpdateFrequency) but writes it only when something changed or 5 min
  (nodeStatusReportFrequency) passed since the last report: since the lease is the heartbeat, upstream's kubelet
  does exactly that, and the node lifecycle controller reads both signals;
- registers Ready when it starts, and runs the pods bound to its node (see pod_runtime.py);
- confirms graceful pod deletions with a zero-grace delete once the containers stopped.
Upstream jitters the lease renewal by up to 4 %; the simulation renews on the exact 10 s beat so a lesson's
timeline reads in round numbers.

Faults (the `FAULTS` table in faults.py documents each one):
- `kubelab.io/power: "off"` on a Node: the agent stops (no lease, no status, containers gone), the objects stay
  untouched until the control plane acts; `"on"` boots a new agent that re-registers and restarts the pods'
  containers with restartCount + 1 (containerd reports the lost ones as exit code 255, reason Unknown).
- `kubelab.io/crash`, `kubelab.io/fail-probe`, `kubelab.io/run-seconds`, `kubelab.io/exit-code` and
  `kubelab.io/shutdown-seconds` on a Pod: a crash, failing probes, a job's run time and exit code, a slow shutdown.
The machine (its image cache, container logs and pod IP allocations) survives reboots; the kubelet's memory
(crash-loop back-off, probe counters) does not.
"""

import ipaddress
import itertools
import zlib

from ..api.errors import ApiError
from ..runtime.cache import key_of
from ..runtime.component import Controller
from . import csinode, faults
from .backoff import Backoff
from .container_logs import ContainerLogs
from .pod_runtime import PodRuntime
from .pod_status import image_id, image_reference, pod_status
from .system_info import new_boot_id, node_system_info
from .volume_manager import VolumeManager

MANAGER = "kubelet"  # upstream: the kubelet's user agent, so its field manager
HEARTBEAT_SECONDS = 10  # upstream: nodeStatusUpdateFrequency 10s; node lease renewInterval 0.25 x 40 s
LEASE_DURATION_SECONDS = 40  # upstream: nodeLeaseDurationSeconds
STATUS_REPORT_SECONDS = 300  # upstream: nodeStatusReportFrequency 5m
MAX_IMAGES = 50  # upstream: nodeStatusMaxImages
LEASE_NAMESPACE = "kube-node-lease"
POD_NODE_INDEX = "spec.nodeName"
DEFAULT_POD_CIDR = "10.244.0.0/24"

# The conditions the kubelet owns, in upstream's order, with its reasons and messages for a healthy node.
NODE_CONDITIONS = (
    ("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
    ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
    ("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
    ("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
)
# upstream kubelet recordNodeStatusEvent reasons when a condition turns to these values
CONDITION_EVENTS = {
    ("MemoryPressure", "False"): "NodeHasSufficientMemory",
    ("DiskPressure", "False"): "NodeHasNoDiskPressure",
    ("PIDPressure", "False"): "NodeHasSufficientPID",
    ("Ready", "True"): "NodeReady",
}


def pod_node(pod: dict) -> list[str]:
    node_name = (pod.get("spec") or {}).get("nodeName")
    return [node_name] if node_name else []


def image_size(image: str) -> int:
    """A stable simulated size between 20 and 200 MB per image name."""
    return 20_000_000 + zlib.crc32(image_reference(image).encode()) % 180_000_000


class Machine:
    """What a node keeps on disk across reboots: pulled images, container logs, pod IP allocations."""

    def __init__(self, name: str, clock):
        self.name = name
        self.images: dict[str, tuple[str, int]] = {}
        self.logs = ContainerLogs(clock)
        self.ips: dict[str, str] = {}
        self.powered_off_at: float | None = None
        self.boot_id = ""  # the current boot's, once the machine has booted under this simulator
        # Seen powered on when the simulator (re)started: its containers were running before this kubelet was.
        self.kept_running = False

    def has_image(self, image: str) -> bool:
        return image_reference(image) in self.images

    def add_image(self, image: str) -> int:
        size = image_size(image)
        self.images[image_reference(image)] = (image, size)
        return size

    def images_status(self) -> list[dict]:
        ordered = sorted(self.images.items(), key=lambda item: (-item[1][1], item[0]))[:MAX_IMAGES]
        result = []
        for reference, (written, size) in ordered:
            names = [image_id(written), reference]
            if written not in names:
                names.append(written)  # the name as pods spell it, so the scheduler's ImageLocality finds it
            result.append({"names": names, "sizeBytes": size})
        return result


class NodeAgent:
    """One running kubelet: from a boot of its machine until the power goes or its Node is deleted."""

    def __init__(self, kubelets: "Kubelets", machine: Machine, node: dict):
        ctx = kubelets.ctx
        self.ctx = ctx
        self.clock, self.rng, self.cache = ctx.clock, ctx.rng, ctx.cache
        self.client = ctx.client.as_manager(MANAGER)
        self.machine = machine
        self.node_name = node["metadata"]["name"]
        addresses = (node.get("status") or {}).get("addresses") or []
        internal = [item["address"] for item in addresses if item.get("type") == "InternalIP"]
        self.host_ip = internal[0] if internal else "10.224.0.4"
        self.pods: dict[str, PodRuntime] = {}
        self.backoff = Backoff()
        self.volumes = VolumeManager(self)
        self.alive = True
        self._timers = []
        self._last_report: float | None = None
        self._undeleted: dict[str, tuple[str, str, str]] = {}

    # ---- life of the agent ---------------------------------------------------------------------------------
    def boot(self) -> None:
        node = self.node()
        reported = (((node or {}).get("status") or {}).get("nodeInfo") or {}).get("bootID", "")
        if self.machine.kept_running and not self.machine.boot_id and reported:
            self.machine.boot_id = reported  # the machine was up before this simulator: the same boot goes on
        else:
            self.machine.boot_id = new_boot_id(self.rng)
        if node is not None:
            self.record(node, "Normal", "Starting", "Starting kubelet.", "The kubelet on this node started.")
            # upstream setters.MachineInfo: a boot ID other than the one the node reported means a reboot
            if reported and reported != self.machine.boot_id:
                self.record(
                    node,
                    "Warning",
                    "Rebooted",
                    f"Node {self.node_name} has been rebooted, boot id: {self.machine.boot_id}",
                    "The machine restarted; every container on it has to start again.",
                )
        self.renew_lease()
        self.post_status(force=True)
        csinode.register(self)
        self._tick()
        for pod in self.cache.informer("Pod").by_index(POD_NODE_INDEX, self.node_name):
            self.sync_pod(pod)

    def _tick(self) -> None:
        def heartbeat():
            if self.alive:
                self.heartbeat()
                self._tick()

        self._timers.append(self.clock.call_later(HEARTBEAT_SECONDS, heartbeat, f"kubelet:{self.node_name}"))

    def heartbeat(self) -> None:
        self.renew_lease()
        self.post_status()
        for runtime in list(self.pods.values()):
            if runtime.dirty:
                self.write_pod_status(runtime)
        for key, (namespace, name, uid) in list(self._undeleted.items()):
            if self._delete_pod(namespace, name, uid):
                self._undeleted.pop(key, None)

    def halt(self) -> None:
        """Power loss: the process is gone, and with it every container on the machine."""
        self.alive = False
        for timer in self._timers:
            timer.cancel()
        for runtime in self.pods.values():
            runtime.halt()
        self.pods.clear()

    # ---- reading and writing -------------------------------------------------------------------------------
    def node(self) -> dict | None:
        return self.cache.get("Node", self.node_name)

    def cached_pod(self, key: str) -> dict | None:
        return self.cache.get("Pod", key)

    def record(self, obj: dict, event_type: str, reason: str, message: str, explanation: str) -> None:
        self.ctx.events.record(
            obj, event_type, reason, message, "kubelet", explanation, host=self.node_name, client=self.client
        )

    def logs(self, namespace: str, pod: str, container: str, previous: bool = False) -> list[str]:
        return self.machine.logs.read(namespace, pod, container, previous)

    # ---- heartbeat: lease and node status ------------------------------------------------------------------
    def renew_lease(self) -> None:
        lease = self.cache.get("Lease", f"{LEASE_NAMESPACE}/{self.node_name}")
        renew_time = self.clock.micro_timestamp()
        try:
            if lease is None:
                node = self.node()
                owners = [{"apiVersion": "v1", "kind": "Node", "name": self.node_name, "uid": node["metadata"]["uid"]}]
                self.client.create(
                    "Lease",
                    {
                        "apiVersion": "coordination.k8s.io/v1",
                        "kind": "Lease",
                        "metadata": {
                            "name": self.node_name,
                            "namespace": LEASE_NAMESPACE,
                            "ownerReferences": owners if node else [],
                        },
                        "spec": {
                            "holderIdentity": self.node_name,
                            "leaseDurationSeconds": LEASE_DURATION_SECONDS,
                            "renewTime": renew_time,
                        },
                    },
                )
            else:
                spec = {
                    **lease["spec"],
                    "holderIdentity": self.node_name,
                    "leaseDurationSeconds": LEASE_DURATION_SECONDS,
                    "renewTime": renew_time,
                }
                self.client.update("Lease", _request_body(lease, spec=spec))
        except ApiError:
            pass  # the API server is unreachable: the next heartbeat tries again, as upstream's lease controller

    def post_status(self, force: bool = False) -> None:
        node = self.node()
        if node is None:
            return
        now = self.clock.timestamp()
        old_status = node.get("status") or {}
        status = dict(old_status)  # shallow: only top-level fields are replaced, and the API server copies the body
        owned = {condition_type for condition_type, *_ in NODE_CONDITIONS}
        before = {item["type"]: item for item in old_status.get("conditions") or []}
        conditions = [item for item in status.get("conditions") or [] if item.get("type") not in owned]
        transitions = []
        for condition_type, value, reason, message in NODE_CONDITIONS:
            old = before.get(condition_type)
            changed = old is None or old.get("status") != value
            conditions.append(
                {
                    "type": condition_type,
                    "status": value,
                    "lastHeartbeatTime": now,
                    "lastTransitionTime": now if changed else old.get("lastTransitionTime", now),
                    "reason": reason,
                    "message": message,
                }
            )
            if changed:
                transitions.append((condition_type, value))
        status["conditions"] = conditions
        status["nodeInfo"] = node_system_info(self.node_name, self.machine.boot_id)
        images = self.machine.images_status()
        if images:
            status["images"] = images
        status.pop("volumesInUse", None)
        if self.volumes.in_use():
            status["volumesInUse"] = self.volumes.in_use()
        due = self._last_report is None or self.clock.now - self._last_report >= STATUS_REPORT_SECONDS
        if not (force or due or _without_heartbeats(status) != _without_heartbeats(old_status)):
            return
        try:
            self.client.update_status("Node", _request_body(node, status=status))
        except ApiError:
            return
        self._last_report = self.clock.now
        for transition in transitions:
            reason = CONDITION_EVENTS.get(transition)
            if reason:
                self.record(
                    node,
                    "Normal",
                    reason,
                    f"Node {self.node_name} status is now: {reason}",
                    "The kubelet reports that this node is healthy and can run pods."
                    if reason == "NodeReady"
                    else "The kubelet reports this node's resources are fine.",
                )

    def node_images_changed(self) -> None:
        self.post_status()

    # ---- pods ----------------------------------------------------------------------------------------------
    def sync_pod(self, pod: dict) -> None:
        key = key_of(pod)
        metadata = pod["metadata"]
        runtime = self.pods.get(key)
        if runtime is not None and runtime.uid != metadata["uid"]:
            self.forget(key)
            runtime = None
        if metadata.get("deletionTimestamp"):
            if runtime is None:
                if not self._delete_pod(metadata.get("namespace", "default"), metadata["name"], metadata["uid"]):
                    self._undeleted[key] = (metadata.get("namespace", "default"), metadata["name"], metadata["uid"])
            else:
                runtime.terminate(metadata.get("deletionGracePeriodSeconds") or 0)
            return
        if runtime is None:
            if (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
                return
            runtime = self.pods[key] = PodRuntime(self, pod)
            runtime.admit(pod, self.machine.powered_off_at, self.machine.kept_running)
            return
        runtime.pod_updated(pod)

    def forget(self, key: str) -> None:
        runtime = self.pods.pop(key, None)
        if runtime is not None:
            runtime.halt()
            self.volumes.release(runtime)
            self.machine.ips.pop(runtime.uid, None)
            self.machine.logs.forget_pod(runtime.namespace, runtime.name)

    def write_pod_status(self, runtime: PodRuntime) -> None:
        pod = runtime.pod()
        if pod is None:
            return
        status = pod_status(pod, runtime, self.clock.timestamp(), self.clock.timestamp)
        if status == pod.get("status"):
            runtime.dirty = False
            return
        try:
            self.client.update_status("Pod", _request_body(pod, status=status))
            runtime.dirty = False
        except ApiError:
            runtime.dirty = True

    def confirm_deletion(self, runtime: PodRuntime) -> None:
        if runtime.delete_now():
            self.forget(runtime.key)
        else:
            self._undeleted[runtime.key] = (runtime.namespace, runtime.name, runtime.uid)

    def _delete_pod(self, namespace: str, name: str, uid: str) -> bool:
        try:
            self.client.delete("Pod", namespace, name, grace_period_seconds=0, preconditions={"uid": uid})
        except ApiError as error:
            return error.code in (404, 409)
        return True

    def allocate_ip(self, uid: str) -> str:
        """host-local IPAM over the node's podCIDR: .1 is the bridge, pods get the lowest free address."""
        if uid in self.machine.ips:
            return self.machine.ips[uid]
        node = self.node() or {"spec": {}}
        network = ipaddress.ip_network(node["spec"].get("podCIDR") or DEFAULT_POD_CIDR)
        used = set(self.machine.ips.values())
        for host in itertools.islice(network.hosts(), 1, None):  # lazily: the lowest free address is found early
            if str(host) not in used:
                self.machine.ips[uid] = str(host)
                return str(host)
        raise RuntimeError(f"no free pod address left in {network}")


def _without_heartbeats(status: dict) -> dict:
    """The status as compared for "has anything changed": conditions without their heartbeat times (a shallow view
    for comparing only, never written)."""
    conditions = status.get("conditions")
    if not conditions:
        return status
    stripped = [
        {key: value for key, value in condition.items() if key != "lastHeartbeatTime"} for condition in conditions
    ]
    return {**status, "conditions": stripped}


def _request_body(cached: dict, **replaced) -> dict:
    """An update of a cached object without its resourceVersion, some top-level fields replaced.

    Shallow on purpose: the API server copies a request body before it changes anything, and the cached object
    itself is left untouched."""
    metadata = {key: value for key, value in cached["metadata"].items() if key != "resourceVersion"}
    return {**cached, "metadata": metadata, **replaced}


class Kubelets(Controller):
    """Every node's kubelet. Not leader-elected: each runs on its own machine."""

    name = "kubelet"
    leader_of = None
    field_manager = MANAGER

    def __init__(self, ctx):
        super().__init__(ctx)
        self.machines: dict[str, Machine] = {}
        self.agents: dict[str, NodeAgent] = {}

    def start(self) -> None:
        super().start()
        self.ctx.cache.informer("Pod").add_index(POD_NODE_INDEX, pod_node)
        self.watch("Node", lambda node: f"node/{node['metadata']['name']}")
        self.watch("Pod", lambda pod: f"pod/{key_of(pod)}" if pod_node(pod) else None)

    def reconcile(self, key: str) -> None:
        kind, _, rest = key.partition("/")
        if kind == "node":
            self._sync_node(rest)
        else:
            self._sync_pod(rest)

    def _sync_node(self, name: str) -> None:
        node = self.ctx.cache.get("Node", name)
        agent = self.agents.get(name)
        if node is None:
            if agent is not None:
                agent.halt()
                del self.agents[name]
            self.machines.pop(name, None)
            return
        machine = self.machines.get(name)
        if machine is None:
            machine = self.machines[name] = Machine(name, self.ctx.clock)
            if faults.powered_on(node):
                machine.kept_running = True
            else:
                machine.powered_off_at = self.ctx.clock.now
        if faults.powered_on(node) and agent is None:
            agent = self.agents[name] = NodeAgent(self, machine, node)
            agent.boot()
        elif agent is not None and faults.powered_on(node):
            agent.volumes.node_changed()  # volumesAttached may list what a waiting pod needs
        elif not faults.powered_on(node) and agent is not None:
            agent.halt()
            del self.agents[name]
            machine.powered_off_at = self.ctx.clock.now
            machine.kept_running = False

    def _sync_pod(self, key: str) -> None:
        pod = self.ctx.cache.get("Pod", key)
        if pod is None:
            for agent in self.agents.values():
                agent.forget(key)
            return
        agent = self.agents.get(pod["spec"].get("nodeName"))
        if agent is not None:
            agent.sync_pod(pod)

    def logs(self, namespace: str, pod: str, container: str, previous: bool = False) -> list[str]:
        """A container's log lines, read from its node's kubelet; LookupError when that kubelet is unreachable."""
        found = self.ctx.cache.get("Pod", f"{namespace}/{pod}")
        node_name = (found or {"spec": {}})["spec"].get("nodeName")
        agent = self.agents.get(node_name)
        if agent is None:
            node = self.ctx.cache.get("Node", node_name or "") or {"status": {}}
            addresses = [
                item["address"] for item in node["status"].get("addresses") or [] if item.get("type") == "InternalIP"
            ]
            target = addresses[0] if addresses else node_name
            raise LookupError(
                f'Get "https://{target}:10250/containerLogs/{namespace}/{pod}/{container}": '
                f"dial tcp {target}:10250: connect: no route to host"
            )
        return agent.logs(namespace, pod, container, previous)
