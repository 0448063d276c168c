"""What a lesson is made of: steps with narration, an optional action, checkpoint and predict-then-reveal question.

Lessons are data. Texts are lazy gettext strings, so one lesson object speaks English or Japanese depending on who
reads it. A checkpoint is a pure function over a snapshot of the student's sandbox (`ClusterState`), so it is tested
without Django and judged the same way everywhere.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from cluster_engine.api.labels import selector_matches
from cluster_engine.scenarios import cluster_objects, web_app


class ClusterState:
    """The objects of one cluster by kind, with the few questions checkpoints ask of them."""

    def __init__(self, objects: dict[str, list[dict]]):
        self.objects = objects

    def items(self, kind: str) -> list[dict]:
        return self.objects.get(kind, [])

    def get(self, kind: str, name: str, namespace: str = "default") -> dict | None:
        """One object by name; pass namespace="" for cluster-scoped kinds."""
        return next(
            (
                obj
                for obj in self.items(kind)
                if obj["metadata"]["name"] == name and obj["metadata"].get("namespace", "") == namespace
            ),
            None,
        )

    def live_pods(self, selector: dict | None = None) -> list[dict]:
        """Pods not being deleted, matching a matchLabels-style selector."""
        return [
            pod
            for pod in self.items("Pod")
            if not pod["metadata"].get("deletionTimestamp")
            and (selector is None or selector_matches({"matchLabels": selector}, pod["metadata"].get("labels")))
        ]

    def running_pods(self, selector: dict | None = None) -> list[dict]:
        return [pod for pod in self.live_pods(selector) if (pod.get("status") or {}).get("phase") == "Running"]

    def ready_pods(self, selector: dict | None = None) -> list[dict]:
        return [pod for pod in self.running_pods(selector) if condition(pod, "Ready") == "True"]

    def ready_nodes(self) -> list[dict]:
        return [node for node in self.items("Node") if condition(node, "Ready") == "True"]


def condition(obj: dict, kind: str) -> str | None:
    for item in (obj.get("status") or {}).get("conditions") or []:
        if item.get("type") == kind:
            return item.get("status")
    return None


@dataclass(frozen=True)
class Checkpoint:
    goal: str  # what the student must reach, in words
    check: Callable[[ClusterState], bool]


@dataclass(frozen=True)
class Question:
    """Predict, then reveal: the class answers before the step's action shows what really happens."""

    prompt: str
    choices: tuple[tuple[str, str], ...]  # (value, label)
    answer: str
    why: str  # shown when the instructor reveals the answer


@dataclass(frozen=True)
class Step:
    title: str
    narration: str
    # A request the step performs when the instructor (on the demo) or a student (on a sandbox) runs it; see
    # lab/lessons/actions.py for the vocabulary.
    action: dict | None = None
    action_label: str = ""
    checkpoint: Checkpoint | None = None
    question: Question | None = None
    focus: tuple[str, str] | None = None  # (kind, key) the step points at in the diagram


def standard_start(topology: str) -> list[dict]:
    """The tutorial's cluster: the control plane, three workers, web (3 replicas) behind a Service."""
    return cluster_objects(topology) + web_app(3)


@dataclass(frozen=True)
class Lesson:
    slug: str
    title: str
    summary: str
    steps: tuple[Step, ...]
    topology: str = "single"  # the instructor's demo cluster
    sandbox_topology: str = ""  # the students' sandboxes, when they differ (to compare the two)
    start: Callable[[str], list[dict]] = field(default=standard_start)

    def manifests(self, sandbox: bool = False) -> tuple[str, list[dict]]:
        """The topology and starting objects of the demo cluster, or of a student's sandbox."""
        topology = (self.sandbox_topology or self.topology) if sandbox else self.topology
        return topology, self.start(topology)
