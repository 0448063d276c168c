"""The scheduling framework: prefilter, filter and score plugins in upstream's default order and weights.

Filters run over every node at once; a node's verdict is the first plugin that rejects it, as upstream stops at
the first failing filter. Scores are computed for the feasible nodes only and combined as
sum(weight x normalised score).
"""

from dataclasses import dataclass

import numpy as np

from .plugins.balanced_allocation import BalancedAllocation
from .plugins.base import Cycle, Rejection
from .plugins.image_locality import ImageLocality
from .plugins.inter_pod_affinity import InterPodAffinity
from .plugins.node_affinity import NodeAffinity
from .plugins.node_name import NodeName
from .plugins.node_ports import NodePorts
from .plugins.node_resources_fit import NodeResourcesFit
from .plugins.node_unschedulable import NodeUnschedulable
from .plugins.node_volume_limits import NodeVolumeLimits
from .plugins.pod_topology_spread import PodTopologySpread
from .plugins.taint_toleration import TaintToleration
from .plugins.volume_binding import VolumeBinding
from .plugins.volume_restrictions import VolumeRestrictions
from .plugins.volume_zone import VolumeZone
from .volumes import VolumeCatalog


@dataclass
class FilterResult:
    feasible: np.ndarray  # bool per slot
    failed_by: np.ndarray  # per slot: index of the rejecting filter plugin, -1 if none
    rejections: list[tuple[int, Rejection]]
    prefilter_message: str = ""  # a PreFilter plugin refused the pod: every node shares this status

    def reasons_of(self, slot: int) -> list[str]:
        plugin = self.failed_by[slot]
        return [rejection.reason for index, rejection in self.rejections if index == plugin and rejection.mask[slot]]

    def unresolvable(self) -> np.ndarray:
        """Per slot: rejected with UnschedulableAndUnresolvable (preemption there cannot help)."""
        mask = np.zeros(len(self.failed_by), dtype=bool)
        for index, rejection in self.rejections:
            if rejection.unresolvable:
                mask |= rejection.mask & (self.failed_by == index)
        return mask

    def reason_counts(self, slots: np.ndarray) -> dict[str, int]:
        counts: dict[str, int] = {}
        failed_by = self.failed_by[slots]
        for index, rejection in self.rejections:
            count = int((rejection.mask[slots] & (failed_by == index)).sum())
            if count:
                counts[rejection.reason] = counts.get(rejection.reason, 0) + count
        return counts


class Framework:
    def __init__(self, default_spread_selector=None, catalog: VolumeCatalog | None = None):
        spread = PodTopologySpread(default_spread_selector)
        affinity, taints, node_affinity, fit = InterPodAffinity(), TaintToleration(), NodeAffinity(), NodeResourcesFit()
        catalog = catalog or VolumeCatalog()
        self.volume_binding = VolumeBinding(catalog)
        volume_plugins = [VolumeRestrictions(catalog), NodeVolumeLimits(catalog), self.volume_binding]
        # upstream default profile order (pkg/scheduler/apis/config/v1/default_plugins.go)
        self.filters = [
            NodeUnschedulable(),
            NodeName(),
            taints,
            node_affinity,
            NodePorts(),
            fit,
            *volume_plugins,
            VolumeZone(catalog),
            spread,
            affinity,
        ]
        self.scores = [taints, node_affinity, fit, spread, affinity, BalancedAllocation(), ImageLocality()]

    def plugin_name(self, index: int) -> str:
        return self.filters[index].name

    def run_prefilters(self, cycle: Cycle) -> FilterResult | None:
        """Upstream RunPreFilterPlugins: the first plugin refusing the pod outright gives every node its status
        (UnschedulableAndUnresolvable) and the message FitError leads with."""
        snapshot = cycle.snapshot
        for index, plugin in enumerate(self.filters):
            message = plugin.prefilter(cycle) if hasattr(plugin, "prefilter") else None
            if message:
                failed_by = np.where(snapshot.live, index, -1).astype(np.int64)
                rejection = Rejection(message, snapshot.live.copy(), True)
                return FilterResult(np.zeros(snapshot.capacity, dtype=bool), failed_by, [(index, rejection)], message)
        return None

    def run_filters(self, cycle: Cycle) -> FilterResult:
        snapshot = cycle.snapshot
        refused = self.run_prefilters(cycle)
        if refused is not None:
            return refused
        feasible = snapshot.live.copy()
        failed_by = np.full(snapshot.capacity, -1, dtype=np.int64)
        kept: list[tuple[int, Rejection]] = []
        for index, plugin in enumerate(self.filters):
            rejections = plugin.filter(cycle)
            if not rejections:
                continue
            hit = np.zeros(snapshot.capacity, dtype=bool)
            for rejection in rejections:
                hit |= rejection.mask
            newly = hit & feasible
            if newly.any():
                failed_by[newly] = index
                feasible &= ~newly
                kept.extend((index, rejection) for rejection in rejections)
            if not feasible.any():
                break
        return FilterResult(feasible, failed_by, kept)

    def run_scores(self, cycle: Cycle, slots: np.ndarray) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Per plugin normalised scores for `slots` (skipped plugins omitted) and the weighted totals."""
        per_plugin: dict[str, np.ndarray] = {}
        totals = np.zeros(len(slots), dtype=np.int64)
        for plugin in self.scores:
            scores = plugin.score(cycle, slots)
            if scores is None:
                continue
            per_plugin[plugin.name] = scores
            totals += plugin.weight * scores
        return per_plugin, totals
