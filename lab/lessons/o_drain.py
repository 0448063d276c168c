"""(o) Draining a node safely: PodDisruptionBudgets and the Eviction API."""

from django.utils.translation import gettext_lazy as _

from .base import Checkpoint, ClusterState, Lesson, Question, Step

WEB_BUDGET = {
    "apiVersion": "policy/v1",
    "kind": "PodDisruptionBudget",
    "metadata": {"name": "web", "namespace": "default"},
    "spec": {"minAvailable": 3, "selector": {"matchLabels": {"app": "web"}}},
}


def worker_1_drained_safely(state: ClusterState) -> bool:
    """worker-1 is cordoned, only DaemonSet pods are left on it, and at least 3 web pods are ready elsewhere."""
    node = state.get("Node", "worker-1", namespace="")
    if node is None or not (node.get("spec") or {}).get("unschedulable"):
        return False
    left = [pod for pod in state.live_pods() if pod["spec"].get("nodeName") == "worker-1"]
    only_agents = all(
        any(owner.get("kind") == "DaemonSet" for owner in pod["metadata"].get("ownerReferences") or []) for pod in left
    )
    return only_agents and len(state.ready_pods({"app": "web"})) >= 3


LESSON = Lesson(
    slug="drain",
    title=_("Draining a node safely"),
    summary=_("How kubectl drain evicts pods, and how a PodDisruptionBudget makes it wait."),
    steps=(
        Step(
            title=_("A budget for web"),
            narration=_(
                "Before maintenance, an operator drains a node: cordon it, then evict its pods. An eviction is a "
                "delete that first asks the pod's PodDisruptionBudget. This step creates one for web: at least 3 "
                "web pods must stay available."
            ),
            action={"action": "apply", "objects": [WEB_BUDGET]},
            action_label=_("Create the web budget (minAvailable 3)"),
            question=Question(
                prompt=_("web has 3 ready pods. How many disruptions does the budget allow?"),
                choices=(("0", _("0")), ("1", _("1")), ("3", _("3"))),
                answer="0",
                why=_(
                    "The disruption controller counts 3 healthy pods and 3 desired: 3 - 3 = 0 allowed disruptions. "
                    "kubectl get pdb shows it under ALLOWED DISRUPTIONS."
                ),
            ),
        ),
        Step(
            title=_("Drain worker-1"),
            narration=_(
                "This step drains worker-1 as kubectl drain --ignore-daemonsets does: cordon, then one eviction per "
                "pod. The node agents (kube-proxy, azure-cns) stay: their DaemonSet would put them straight back."
            ),
            action={"action": "drain", "node": "worker-1"},
            action_label=_("Drain worker-1"),
            question=Question(
                prompt=_("What happens to the web pod on worker-1?"),
                choices=(
                    ("stays", _("It stays: the eviction is refused")),
                    ("moves", _("It is evicted and recreated elsewhere")),
                    ("lost", _("It is deleted and not replaced")),
                ),
                answer="stays",
                why=_(
                    "The API server answers 429 Too Many Requests: 'Cannot evict pod as it would violate the pod's "
                    "disruption budget.' kubectl drain prints that and tries again every 5 seconds until the budget "
                    "allows it, or its timeout ends."
                ),
            ),
        ),
        Step(
            title=_("Make room, then drain again"),
            narration=_(
                "Give the budget room: scale web to 4. Once the fourth pod is ready, 4 healthy - 3 desired = 1 "
                "disruption is allowed. Then drain worker-1 again: this eviction takes the one disruption, the "
                "ReplicaSet replaces the pod on another node, and the budget allows the next one once it is ready."
            ),
            action={"action": "scale", "name": "web", "replicas": 4},
            action_label=_("Scale web to 4"),
            question=Question(
                prompt=_("While worker-1's web pod is terminating, how many disruptions does the budget allow?"),
                choices=(("0", _("0")), ("1", _("1")), ("2", _("2"))),
                answer="0",
                why=_(
                    "The eviction took the one allowed disruption and named the pod in disruptedPods, so it no longer "
                    "counts as healthy: 3 healthy, 3 desired, 0 allowed until its replacement is ready."
                ),
            ),
            checkpoint=Checkpoint(
                goal=_(
                    "In your sandbox, drain worker-1 so that only DaemonSet pods are left on it and at least 3 web "
                    "pods stay ready."
                ),
                check=worker_1_drained_safely,
            ),
        ),
    ),
)
