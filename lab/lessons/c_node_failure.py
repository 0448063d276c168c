"""(c) A worker node fails and its pods are rescheduled."""

from django.utils.translation import gettext_lazy as _

from .base import Checkpoint, ClusterState, Lesson, Question, Step

POWER = "kubelab.io/power"


def replaced_off_worker_2(state: ClusterState) -> bool:
    node = state.get("Node", "worker-2", namespace="")
    if node is None or (node["metadata"].get("annotations") or {}).get(POWER) != "off":
        return False
    ready = state.ready_pods({"app": "web"})
    return len(ready) == 3 and all(pod["spec"].get("nodeName") != "worker-2" for pod in ready)


LESSON = Lesson(
    slug="node-failure",
    title=_("A worker node fails"),
    summary=_("How Kubernetes notices a dead node, and how its pods come back elsewhere."),
    steps=(
        Step(
            title=_("Pods spread over the workers"),
            narration=_(
                "web runs three pods, one on each worker. Every kubelet renews a heartbeat every 10 seconds, so the "
                "control plane knows its node is alive. We are about to cut the power of worker-2."
            ),
            focus=("Node", "worker-2"),
            question=Question(
                prompt=_("After worker-2 loses power, when is its web pod replaced on another node?"),
                choices=(
                    ("now", _("Immediately")),
                    ("50s", _("After about 50 seconds")),
                    ("350s", _("After about 6 minutes")),
                ),
                answer="350s",
                why=_(
                    "The node is declared unreachable after the 50-second grace period, and pods tolerate an "
                    "unreachable node for 300 more seconds before they are evicted."
                ),
            ),
        ),
        Step(
            title=_("Power off worker-2"),
            narration=_(
                "The machine stops, so its kubelet stops heartbeating. The node lifecycle controller waits for the "
                "grace period (50 seconds), then marks the node's Ready condition Unknown and taints it unreachable. "
                "Its pods are marked not ready, so Services stop sending them traffic."
            ),
            action={"action": "power", "node": "worker-2", "state": "off"},
            action_label=_("Power off worker-2"),
        ),
        Step(
            title=_("Eviction and rescheduling"),
            narration=_(
                "Every pod tolerates the unreachable taint for 300 seconds, in case the node comes back. Then the "
                "taint eviction controller deletes the pod, the ReplicaSet notices one replica is missing and creates "
                "a new pod, and the scheduler places it on a healthy worker. Speed the clock up to watch it happen."
            ),
            action={"action": "power", "node": "worker-2", "state": "off"},
            action_label=_("Power off worker-2"),
            checkpoint=Checkpoint(
                goal=_("Power off worker-2 in your sandbox and wait until web has 3 ready pods, none on worker-2."),
                check=replaced_off_worker_2,
            ),
        ),
        Step(
            title=_("Power it back on"),
            narration=_(
                "When worker-2 boots again its kubelet reports Ready and the taint is removed. Kubernetes does not "
                "move the replacement pods back: nothing is wrong with where they are now."
            ),
            action={"action": "power", "node": "worker-2", "state": "on"},
            action_label=_("Power on worker-2"),
        ),
    ),
)
