"""Filtering with nominated pods, as upstream's RunFilterPluginsWithNominatedPods.

A pending pod that preemption made room for is nominated to that node (status.nominatedNodeName) until it is
bound. Pods of lower priority must not take that room, so for each node the filters run twice: once with the
pods of equal or higher priority nominated to THAT node added (and only those: a spread or affinity count over a
zone does not see pods nominated to the zone's other nodes), and once without them. The node passes only if both
passes do; its verdict is the first pass's when that one rejects it. Nodes without such nominated pods run once.
"""

from collections.abc import Callable

import numpy as np

from .framework import FilterResult, Framework
from .plugins.base import Cycle, Rejection
from .podinfo import PodInfo
from .snapshot import Snapshot

# pod key -> (pod, nominatedNodeName) of pending pods preemption made room for (upstream's nominator)
Nominations = dict[str, tuple[PodInfo, str]]


def nominated_by_slot(nominations: Nominations, snapshot: Snapshot, pod: PodInfo) -> dict[int, list[PodInfo]]:
    """Upstream addGENominatedPods' choice, per node slot: pods nominated there with at least `pod`'s priority,
    other than `pod` itself, not already assumed or bound, on a node the snapshot knows."""
    by_slot: dict[int, list[PodInfo]] = {}
    for other, node_name in nominations.values():
        if other.key == pod.key or other.priority < pod.priority or other.key in snapshot.pods:
            continue
        info = snapshot.node_info(node_name)
        if info is not None and info.node is not None:
            by_slot.setdefault(info.slot, []).append(other)
    return by_slot


def with_pods_on_node(snapshot: Snapshot, pods: list[PodInfo], node_name: str, run: Callable[[], FilterResult]):
    """Run `run` while `pods` are counted on the node, then take them out again."""
    for other in pods:
        snapshot.add_pod(other, node_name)
    try:
        return run()
    finally:
        for other in pods:
            snapshot.remove_pod(other.key)


def filter_with_nominated(framework: Framework, cycle: Cycle, nominations: Nominations) -> FilterResult:
    """The filter verdict on every node, each node seeing only the pods nominated to it."""
    without = framework.run_filters(cycle)
    snapshot, pod = cycle.snapshot, cycle.pod
    by_slot = nominated_by_slot(nominations, snapshot, pod)
    if not by_slot or without.prefilter_message:
        return without

    def run() -> FilterResult:
        return framework.run_filters(Cycle(snapshot, pod))

    passes = {slot: with_pods_on_node(snapshot, pods, snapshot.nodes[slot].name, run) for slot, pods in by_slot.items()}
    return combine(without, passes)


def combine(without: FilterResult, with_nominated: dict[int, FilterResult]) -> FilterResult:
    """Per slot in `with_nominated`: its with-nominated pass's verdict if that rejects the node, else the verdict
    without them; other slots keep the verdict without."""
    feasible, failed_by = without.feasible.copy(), without.failed_by.copy()
    decided = np.zeros(len(failed_by), dtype=bool)
    rejections: list[tuple[int, Rejection]] = []
    for slot, result in with_nominated.items():
        if result.failed_by[slot] < 0:
            continue
        decided[slot], feasible[slot], failed_by[slot] = True, False, result.failed_by[slot]
        only = np.zeros(len(failed_by), dtype=bool)
        only[slot] = True
        rejections += [(index, Rejection(r.reason, r.mask & only, r.unresolvable)) for index, r in result.rejections]
    if not decided.any():
        return without
    rejections += [(index, Rejection(r.reason, r.mask & ~decided, r.unresolvable)) for index, r in without.rejections]
    return FilterResult(feasible, failed_by, rejections)


def fits_on_node(framework: Framework, cycle: Cycle, slot: int, nominations: Nominations) -> tuple[bool, list[str]]:
    """Whether the pod passes the filters on one node, with and without the pods nominated to it; if not, the
    reasons of the pass that rejected it (upstream's SelectVictimsOnNode asks exactly this)."""
    snapshot, pod = cycle.snapshot, cycle.pod

    def run() -> FilterResult:
        return framework.run_filters(Cycle(snapshot, pod))

    pods = nominated_by_slot(nominations, snapshot, pod).get(slot)
    if pods:
        result = with_pods_on_node(snapshot, pods, snapshot.nodes[slot].name, run)
        if not result.feasible[slot]:
            return False, result.reasons_of(slot)
    result = run()
    if not result.feasible[slot]:
        return False, result.reasons_of(slot)
    return True, []
