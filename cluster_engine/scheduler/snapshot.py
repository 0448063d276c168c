"""The scheduler's picture of the cluster: one NodeInfo per node, kept incrementally, with NumPy columns.

Upstream's cache keeps a NodeInfo per node (requested and non-zero requested resources, pods, used host ports,
images) and snapshots it each cycle. We keep the same facts, updated on every node and pod event, and mirror the
numeric ones in NumPy arrays indexed by a node "slot" so a filter or score over thousands of nodes is a handful
of vector operations. Slots are stable for a node's lifetime and reused after it is gone.
"""

from collections.abc import Callable

import numpy as np

from ..api.quantity import cpu_millis, to_int
from .counts import CarriedTerms, MatchingPodCounts
from .podinfo import PodInfo, normalized_image_name

ZONE_LABELS = ("topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone")
REGION_LABELS = ("topology.kubernetes.io/region", "failure-domain.beta.kubernetes.io/region")
NUMERIC_COLUMNS = (
    "alloc_cpu",
    "alloc_memory",
    "alloc_pods",
    "cpu",
    "memory",
    "nonzero_cpu",
    "nonzero_memory",
    "pod_count",
)


class NodeInfo:
    """What the scheduler knows about one node and the pods assigned (or assumed) to it."""

    def __init__(self, slot: int, name: str):
        self.slot = slot
        self.name = name
        self.node: dict | None = None  # None while pods name a node the cache has not seen (or no longer has)
        self.labels: dict = {}
        self.taints: tuple = ()
        self.unschedulable = False
        self.pods: dict[str, PodInfo] = {}
        self.used_ports: dict[tuple, int] = {}
        self.images: dict[str, int] = {}  # normalized image name -> size in bytes

    @property
    def fields(self) -> dict:
        return {"metadata.name": self.name}


class Snapshot:
    def __init__(self, capacity: int = 64):
        self._capacity = capacity
        self.nodes: list[NodeInfo | None] = [None] * capacity
        self.slot_of: dict[str, int] = {}
        self._free: list[int] = []
        self.live = np.zeros(capacity, dtype=bool)
        self.unschedulable = np.zeros(capacity, dtype=bool)
        self.taint_group = np.zeros(capacity, dtype=np.int64)
        self.taint_groups: list[tuple] = [()]
        self._taint_group_of: dict[tuple, int] = {(): 0}
        for column in NUMERIC_COLUMNS:
            setattr(self, column, np.zeros(capacity, dtype=np.int64))
        self.pods: dict[str, tuple[PodInfo, int]] = {}
        self.image_nodes: dict[str, int] = {}  # upstream ImageStateSummary.NumNodes
        self.namespace_labels: dict[str, dict] = {}
        self.matching = MatchingPodCounts(capacity, self._pods_by_slot)
        self.carried = CarriedTerms(capacity)
        self.ports_in_use = 0
        self.generation = 0  # bumped when node labels, taints or membership change
        self._cache: dict = {}
        self._zones: dict[str, list[str]] = {}

    # ---- nodes -------------------------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._order())

    def node_info(self, name: str) -> NodeInfo | None:
        slot = self.slot_of.get(name)
        return None if slot is None else self.nodes[slot]

    def add_node(self, node: dict) -> None:
        self.update_node(node)

    def update_node(self, node: dict) -> None:
        name = node["metadata"]["name"]
        info = self._info_for(name)
        slot = info.slot
        metadata, spec, status = node["metadata"], node.get("spec") or {}, node.get("status") or {}
        labels = metadata.get("labels") or {}
        taints = tuple(
            (taint.get("key", ""), taint.get("value", ""), taint.get("effect", ""))
            for taint in spec.get("taints") or []
        )
        added = info.node is None
        shape_changed = added or labels != info.labels or taints != info.taints
        old_zone = None if added else self._zone_key(info.labels)
        info.node, info.labels, info.taints = node, labels, taints
        info.unschedulable = bool(spec.get("unschedulable"))
        if old_zone != self._zone_key(labels):
            if old_zone is not None:
                self._zone_remove(old_zone, name)
            self._zones.setdefault(self._zone_key(labels), []).append(name)
        if shape_changed:
            self._changed()
        allocatable = status.get("allocatable") or {}
        self.alloc_cpu[slot] = cpu_millis(allocatable.get("cpu", 0))
        self.alloc_memory[slot] = to_int(allocatable.get("memory", 0))
        self.alloc_pods[slot] = to_int(allocatable.get("pods", 0))
        self.unschedulable[slot] = info.unschedulable
        self.taint_group[slot] = self._taint_group(taints)
        self.live[slot] = True
        self._set_images(info, status.get("images") or [])

    def remove_node(self, name: str) -> None:
        info = self.node_info(name)
        if info is None or info.node is None:
            return
        self._zone_remove(self._zone_key(info.labels), name)
        self._set_images(info, [])
        info.node, info.labels, info.taints = None, {}, ()
        self.live[info.slot] = False
        self._changed()
        if not info.pods:
            self._release(info)

    def _info_for(self, name: str) -> NodeInfo:
        slot = self.slot_of.get(name)
        if slot is not None:
            return self.nodes[slot]
        if not self._free:
            self._grow()
        slot = self._free.pop()
        info = self.nodes[slot] = NodeInfo(slot, name)
        self.slot_of[name] = slot
        for column in NUMERIC_COLUMNS:
            getattr(self, column)[slot] = 0
        return info

    def _release(self, info: NodeInfo) -> None:
        del self.slot_of[info.name]
        self.nodes[info.slot] = None
        self._free.append(info.slot)

    def _grow(self) -> None:
        old = self._capacity
        new = old * 2 if old else 64
        for column in (*NUMERIC_COLUMNS, "live", "unschedulable", "taint_group"):
            array = getattr(self, column)
            grown = np.zeros(new, dtype=array.dtype)
            grown[:old] = array
            setattr(self, column, grown)
        self.nodes.extend([None] * (new - old))
        self._capacity = new
        self.matching.grow(new)
        self.carried.grow(new)
        self._free.extend(range(new - 1, old - 1, -1))

    @property
    def capacity(self) -> int:
        return self._capacity

    def _taint_group(self, taints: tuple) -> int:
        group = self._taint_group_of.get(taints)
        if group is None:
            group = self._taint_group_of[taints] = len(self.taint_groups)
            self.taint_groups.append(taints)
        return group

    def _set_images(self, info: NodeInfo, images: list) -> None:
        for name in info.images:
            self.image_nodes[name] -= 1
            if not self.image_nodes[name]:
                del self.image_nodes[name]
        info.images = {}
        for image in images:
            for name in image.get("names") or []:
                info.images[normalized_image_name(name)] = int(image.get("sizeBytes") or 0)
        for name in info.images:
            self.image_nodes[name] = self.image_nodes.get(name, 0) + 1

    # ---- pods --------------------------------------------------------------------------------------------------

    def add_pod(self, pod: PodInfo, node_name: str) -> None:
        """Account a pod bound (or assumed) to a node; replaces any earlier version of the same pod."""
        if pod.key in self.pods:
            self.remove_pod(pod.key)
        info = self._info_for(node_name)
        slot = info.slot
        info.pods[pod.key] = pod
        self.pods[pod.key] = (pod, slot)
        self._account(pod, slot, 1)
        for port in pod.host_ports:
            info.used_ports[port] = info.used_ports.get(port, 0) + 1
            self.ports_in_use += 1

    def remove_pod(self, key: str) -> PodInfo | None:
        entry = self.pods.pop(key, None)
        if entry is None:
            return None
        pod, slot = entry
        info = self.nodes[slot]
        del info.pods[key]
        self._account(pod, slot, -1)
        for port in pod.host_ports:
            info.used_ports[port] -= 1
            if not info.used_ports[port]:
                del info.used_ports[port]
            self.ports_in_use -= 1
        if info.node is None and not info.pods:
            self._release(info)
        return pod

    def _account(self, pod: PodInfo, slot: int, delta: int) -> None:
        self.cpu[slot] += delta * pod.cpu
        self.memory[slot] += delta * pod.memory
        self.nonzero_cpu[slot] += delta * pod.nonzero_cpu
        self.nonzero_memory[slot] += delta * pod.nonzero_memory
        self.pod_count[slot] += delta
        self.matching.add(pod, slot, delta)
        self.carried.add(pod, slot, delta)

    def _pods_by_slot(self):
        return [(info.slot, info.pods.values()) for info in self.nodes if info is not None and info.pods]

    # ---- namespaces ---------------------------------------------------------------------------------------------

    def set_namespace_labels(self, name: str, labels: dict) -> bool:
        """Record a namespace's labels; returns whether they changed. Counts of affinity terms that select
        namespaces by label are dropped then, since which pods they match has changed."""
        if self.namespace_labels.get(name) == labels:
            return False
        self.namespace_labels[name] = labels
        self.matching.forget(_selects_namespaces_by_label)
        return True

    # ---- derived views, cached until nodes change --------------------------------------------------------------

    def _changed(self) -> None:
        self.generation += 1
        self._cache.clear()

    def cached(self, key, compute: Callable[[], object]):
        """A view of the nodes (a label mask, a domain index) reused until node labels or taints change."""
        value = self._cache.get(key)
        if value is None:
            value = self._cache[key] = compute()
        return value

    def order(self) -> np.ndarray:
        """Live node slots in upstream's nodeTree order: one node from each zone in turn."""
        return self._order()

    def _order(self) -> np.ndarray:
        def compute():
            zones = [list(names) for names in self._zones.values()]
            slots, index = [], 0
            while any(index < len(names) for names in zones):
                slots.extend(self.slot_of[names[index]] for names in zones if index < len(names))
                index += 1
            return np.array(slots, dtype=np.int64)

        return self.cached("order", compute)

    def domains(self, topology_key: str, missing_as_empty: bool = False) -> tuple[np.ndarray, list[str]]:
        """Per-slot topology domain codes for a label key (-1: no such label or no node) and the values."""

        def compute():
            codes = np.full(self._capacity, -1, dtype=np.int64)
            values: list[str] = []
            code_of: dict[str, int] = {}
            for slot in self._order():
                labels = self.nodes[slot].labels
                if topology_key in labels or missing_as_empty:
                    value = labels.get(topology_key, "")
                    code = code_of.get(value)
                    if code is None:
                        code = code_of[value] = len(values)
                        values.append(value)
                    codes[slot] = code
            return codes, values

        return self.cached(("domains", topology_key, missing_as_empty), compute)

    @staticmethod
    def _zone_key(labels: dict) -> str:
        # upstream utilnode.GetZoneKey: region and zone joined by ":\x00:"
        region = next((labels[key] for key in REGION_LABELS if key in labels), "")
        zone = next((labels[key] for key in ZONE_LABELS if key in labels), "")
        return f"{region}:\x00:{zone}" if region or zone else ""

    def _zone_remove(self, key: str, name: str) -> None:
        names = self._zones.get(key, [])
        if name in names:
            names.remove(name)
        if not names:
            self._zones.pop(key, None)


def _selects_namespaces_by_label(key: tuple) -> bool:
    """Whether a pod-count key (see plugins.inter_pod_affinity.pods_matching_all) has a namespaceSelector term."""
    return key[0] == "affinity" and any(matcher[1] is not None for matcher in key[1])
