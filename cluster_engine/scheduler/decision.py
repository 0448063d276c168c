"""The record of one scheduling decision, and upstream's "0/N nodes are available" message.

Stored on the pod (annotation `kubelab.io/scheduling-decision`) so the browser can answer "why this node?" and
"why not that one?": per rejected node, the filter plugin and its reasons; per scored node, each plugin's
normalised score and the weighted total. Large clusters keep the ten best scored nodes and reason counts only.
"""

import json
from dataclasses import dataclass, field

ANNOTATION = "kubelab.io/scheduling-decision"
DETAIL_LIMIT = 100  # clusters up to this size keep every node's verdict (upstream minFeasibleNodesToFind)
TOP_SCORES = 10
NO_NODES_MESSAGE = "no nodes available to schedule pods"  # upstream: ErrNoNodesAvailable


@dataclass
class Decision:
    pod: str
    node: str | None = None
    total_nodes: int = 0
    evaluated: int = 0
    feasible: int = 0
    rejections: dict[str, int] = field(default_factory=dict)  # reason -> nodes
    verdicts: dict[str, dict] = field(default_factory=dict)  # node -> {"plugin", "reasons"}
    scores: list[dict] = field(default_factory=list)  # [{"node", "plugins": {name: score}, "total"}], best first
    message: str = ""
    nominated_node: str | None = None
    victims: list[str] = field(default_factory=list)
    rejected_by: tuple = ()  # filter plugins that rejected some evaluated node: which cluster events can help

    @property
    def scheduled(self) -> bool:
        return self.node is not None

    def to_dict(self) -> dict:
        data = {
            "pod": self.pod,
            "node": self.node,
            "nodes": self.total_nodes,
            "evaluated": self.evaluated,
            "feasible": self.feasible,
            "rejections": self.rejections,
            "scores": self.scores,
        }
        if self.verdicts:
            data["verdicts"] = self.verdicts
        if self.message:
            data["message"] = self.message
        if self.nominated_node:
            data["nominatedNode"] = self.nominated_node
            data["victims"] = self.victims
        return data

    def to_json(self) -> str:
        """Compact JSON for the pod annotation."""
        return json.dumps(self.to_dict(), separators=(",", ":"), sort_keys=False)


def histogram(reason_counts: dict[str, int]) -> str:
    """Upstream sortReasonsHistogram: "<count> <reason>" strings sorted as strings, joined by ", "."""
    return ", ".join(sorted(f"{count} {reason}" for reason, count in reason_counts.items()))


def fit_error_message(
    total_nodes: int, reason_counts: dict[str, int], post_filter_message: str = "", prefilter_message: str = ""
) -> str:
    """Upstream FitError.Error(): "0/N nodes are available: <reasons>." then the PostFilter (preemption) message;
    when a PreFilter plugin refused the pod, its message stands in for the per-node reasons."""
    message = f"0/{total_nodes} nodes are available:"
    if prefilter_message:
        message += f" {prefilter_message}."
    elif reason_counts:
        message += f" {histogram(reason_counts)}."
    if post_filter_message:
        message += f" {post_filter_message}"
    return message
