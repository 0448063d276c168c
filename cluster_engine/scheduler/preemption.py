"""DefaultPreemption (PostFilter): when no node fits, find lower-priority victims whose eviction makes room.

Follows pkg/scheduler/framework/plugins/defaultpreemption and framework/preemption: only nodes rejected as
Unschedulable (not UnschedulableAndUnresolvable) are candidates; on each, every lower-priority pod is removed,
the pod must then fit (beside the more important pods nominated to the node), and victims are reprieved from the
most important down while it still fits. The node is chosen by fewest PDB violations, then the lowest
highest-victim priority, the smallest sum of victim priorities, the fewest victims, and the latest start of the
highest-priority victims.
"""

from .decision import fit_error_message
from .framework import FilterResult
from .nominated import fits_on_node
from .plugins.base import Cycle
from .podinfo import PodInfo

NOT_HELPFUL = "Preemption is not helpful for scheduling"
NO_VICTIMS = "No preemption victims found for incoming pod"
MIN_CANDIDATE_NODES_PERCENTAGE = 10  # upstream DefaultPreemptionArgs defaults
MIN_CANDIDATE_NODES_ABSOLUTE = 100


def start_time(pod: PodInfo) -> str:
    status = pod.pod.get("status") or {}
    return status.get("startTime") or pod.pod.get("metadata", {}).get("creationTimestamp") or ""


def more_important_first(pods: list[PodInfo]) -> list[PodInfo]:
    """Upstream MoreImportantPod: higher priority first, then the one that started earlier."""
    return sorted(pods, key=lambda pod: (-pod.priority, start_time(pod)))


class Preemption:
    def __init__(self, algorithm):
        self.algorithm = algorithm

    def preempt(self, cycle: Cycle, result: FilterResult, decision) -> str:
        """Nominate a node and victims on `decision` if preemption helps; returns upstream's PostFilter message."""
        pod, snapshot = cycle.pod, cycle.snapshot
        if pod.preemption_policy == "Never":
            return "preemption: not eligible due to preemptionPolicy=Never."
        order = snapshot.order()
        rejected = result.failed_by[order] >= 0
        potential = order[rejected & ~result.unresolvable()[order]]
        statuses: dict[str, int] = {}
        if not len(potential):
            return f"preemption: {fit_error_message(len(order), {NOT_HELPFUL: len(order)})}"
        wanted = min(
            len(potential), max(len(potential) * MIN_CANDIDATE_NODES_PERCENTAGE // 100, MIN_CANDIDATE_NODES_ABSOLUTE)
        )
        offset = self.algorithm.rng.randrange(len(potential))
        candidates = []
        for step in range(len(potential)):
            slot = int(potential[(offset + step) % len(potential)])
            victims, reasons = self._select_victims(cycle, slot)
            if victims is None:
                for reason in reasons:
                    statuses[reason] = statuses.get(reason, 0) + 1
                continue
            candidates.append((slot, victims))
            if len(candidates) >= wanted:
                break
        if not candidates:
            if len(order) > len(potential):
                statuses[NOT_HELPFUL] = statuses.get(NOT_HELPFUL, 0) + len(order) - len(potential)
            return f"preemption: {fit_error_message(len(order), statuses)}"
        slot, victims = min(candidates, key=lambda candidate: self._rank(candidate[1]))
        decision.nominated_node = snapshot.nodes[slot].name
        decision.victims = [victim.key for victim in victims]
        return ""

    def _rank(self, victims: list[PodInfo]):
        highest = max(victim.priority for victim in victims)
        earliest_of_highest = min(start_time(victim) for victim in victims if victim.priority == highest)
        # upstream pickOneNodeForPreemption: fewer PDB violations (none modelled), lower highest priority, lower
        # priority sum, fewer victims, then the latest start time among the highest-priority victims
        return (0, highest, sum(victim.priority for victim in victims), len(victims), _descending(earliest_of_highest))

    def _select_victims(self, cycle: Cycle, slot: int):
        """Upstream SelectVictimsOnNode on a node slot: (victims, None) or (None, reasons it stays rejected)."""
        snapshot, pod = cycle.snapshot, cycle.pod
        node = snapshot.nodes[slot]
        lower = [other for other in node.pods.values() if other.priority < pod.priority]
        if not lower:
            return None, [NO_VICTIMS]
        for victim in lower:
            snapshot.remove_pod(victim.key)
        try:
            fits, reasons = self._fits(cycle, slot)
            if not fits:
                return None, reasons
            victims = []
            for candidate in more_important_first(lower):
                snapshot.add_pod(candidate, node.name)
                if not self._fits(cycle, slot)[0]:
                    snapshot.remove_pod(candidate.key)
                    victims.append(candidate)
            return victims, None
        finally:
            for victim in lower:
                if victim.key not in snapshot.pods:
                    snapshot.add_pod(victim, node.name)

    def _fits(self, cycle: Cycle, slot: int) -> tuple[bool, list[str]]:
        """Upstream SelectVictimsOnNode filters through RunFilterPluginsWithNominatedPods: the room of pods nominated
        to this node with at least the preemptor's priority is not the preemptor's to take."""
        return fits_on_node(self.algorithm.framework, cycle, slot, self.algorithm.nominated)


def _descending(text: str) -> tuple:
    """Sort key that orders timestamps latest first."""
    return tuple(-ord(character) for character in text)
