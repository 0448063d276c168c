"""One scheduling cycle: try the nominated node; else filter, pick the nodes to score, score, select a host; on
failure, try preemption.

This is upstream's schedulePod/findNodesThatFitPod/prioritizeNodes/selectHost on our Snapshot. It decides but
does not write: the caller assumes the pod onto the chosen node and binds it through the API server.
"""

import random

import numpy as np

from .decision import DETAIL_LIMIT, NO_NODES_MESSAGE, TOP_SCORES, Decision, fit_error_message
from .framework import Framework
from .nominated import Nominations, filter_with_nominated, fits_on_node
from .plugins.base import Cycle
from .podinfo import PodInfo
from .preemption import Preemption
from .snapshot import Snapshot

MIN_FEASIBLE_NODES_TO_FIND = 100  # upstream: minFeasibleNodesToFind
MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5  # upstream: minFeasibleNodesPercentageToFind


def num_feasible_nodes_to_find(all_nodes: int, percentage: int | None = None) -> int:
    """Upstream numFeasibleNodesToFind: all nodes below 100; else an adaptive share, at least 100."""
    if all_nodes < MIN_FEASIBLE_NODES_TO_FIND:
        return all_nodes
    if not percentage:
        percentage = max(50 - all_nodes // 125, MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND)
    return max(all_nodes * percentage // 100, MIN_FEASIBLE_NODES_TO_FIND)


class Algorithm:
    def __init__(
        self,
        snapshot: Snapshot,
        rng: random.Random,
        framework: Framework | None = None,
        percentage_of_nodes_to_score: int | None = None,
        preemption: bool = True,
    ):
        self.snapshot = snapshot
        self.rng = rng
        self.framework = framework or Framework()
        self.percentage = percentage_of_nodes_to_score
        self.preemption = Preemption(self) if preemption else None
        self.next_start_node_index = 0
        self.nominated: Nominations = {}

    def schedule(self, pod: PodInfo) -> Decision:
        snapshot = self.snapshot
        order = snapshot.order()
        total = len(order)
        decision = Decision(pod.key, total_nodes=total)
        if not total:
            decision.message = NO_NODES_MESSAGE
            return decision
        cycle = Cycle(snapshot, pod)
        nominated_node = self._nominated_node_that_fits(cycle)
        if nominated_node is not None:
            decision.node, decision.evaluated, decision.feasible = nominated_node, 1, 1
            return decision
        result = filter_with_nominated(self.framework, cycle, self.nominated)
        start = self.next_start_node_index % total
        rotated = np.concatenate((order[start:], order[:start]))
        positions = np.flatnonzero(result.feasible[rotated])
        wanted = num_feasible_nodes_to_find(total, self.percentage)
        if len(positions) >= wanted:
            positions = positions[:wanted]
            processed = int(positions[-1]) + 1
        else:
            processed = total
        self.next_start_node_index = (start + processed) % total
        evaluated = rotated[:processed]
        feasible = rotated[positions]
        decision.evaluated, decision.feasible = processed, len(feasible)
        decision.rejections = result.reason_counts(evaluated)
        decision.rejected_by = tuple(
            self.framework.plugin_name(index) for index in sorted(set(result.failed_by[evaluated].tolist()) - {-1})
        )
        if total <= DETAIL_LIMIT:
            for slot in evaluated[result.failed_by[evaluated] >= 0]:
                decision.verdicts[snapshot.nodes[slot].name] = {
                    "plugin": self.framework.plugin_name(result.failed_by[slot]),
                    "reasons": result.reasons_of(slot),
                }
        if not len(feasible):
            post_filter = self.preemption.preempt(cycle, result, decision) if self.preemption else ""
            decision.message = fit_error_message(total, decision.rejections, post_filter, result.prefilter_message)
            return decision
        if len(feasible) == 1:
            decision.node = snapshot.nodes[feasible[0]].name  # upstream skips scoring a single feasible node
            return decision
        per_plugin, totals = self.framework.run_scores(cycle, feasible)
        best = np.flatnonzero(totals == totals.max())
        # Uniform among the best, as upstream's reservoir sampling; one draw from the seeded generator.
        chosen = best[self.rng.randrange(len(best))] if len(best) > 1 else best[0]
        decision.node = snapshot.nodes[feasible[chosen]].name
        decision.scores = self._score_table(feasible, per_plugin, totals, chosen, total <= DETAIL_LIMIT)
        return decision

    def _nominated_node_that_fits(self, cycle: Cycle) -> str | None:
        """Upstream evaluateNominatedNode: the node preemption made room on is likely the only one that fits, so it
        is tried alone first, and taken without scoring if it passes."""
        name = (cycle.pod.pod.get("status") or {}).get("nominatedNodeName")
        info = self.snapshot.node_info(name) if name else None
        if info is None or info.node is None:
            return None
        fits, _ = fits_on_node(self.framework, cycle, info.slot, self.nominated)
        return name if fits else None

    def _score_table(self, feasible, per_plugin, totals, chosen, keep_all: bool) -> list[dict]:
        if keep_all or len(totals) <= TOP_SCORES:
            ranked = np.argsort(-totals, kind="stable")
        else:
            top = np.argpartition(-totals, TOP_SCORES - 1)[:TOP_SCORES]
            ranked = top[np.argsort(-totals[top], kind="stable")]
        # the chosen node leads (it shares the best total with any other leader)
        ranked = np.concatenate(([chosen], ranked[ranked != chosen]))[: len(ranked)]
        nodes = self.snapshot.nodes
        return [
            {
                "node": nodes[feasible[index]].name,
                "plugins": {name: int(scores[index]) for name, scores in per_plugin.items()},
                "total": int(totals[index]),
            }
            for index in ranked
        ]
