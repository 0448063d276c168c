"""(d) A single control plane's outage versus a three-node highly available control plane."""

from django.utils.translation import gettext_lazy as _

from .base import Checkpoint, ClusterState, Lesson, Question, Step


def scaled_while_cp1_off(state: ClusterState) -> bool:
    node = state.get("Node", "control-plane-1", namespace="")
    if node is None or (node["metadata"].get("annotations") or {}).get("kubelab.io/power") != "off":
        return False
    deployment = state.get("Deployment", "web")
    return bool(deployment) and deployment["spec"].get("replicas") == 4 and len(state.ready_pods({"app": "web"})) == 4


LESSON = Lesson(
    slug="control-plane-ha",
    title=_("One control plane or three"),
    summary=_("What an outage of a single control-plane node does, and how three control-plane nodes avoid it."),
    topology="single",
    sandbox_topology="ha",
    steps=(
        Step(
            title=_("A single point of failure"),
            narration=_(
                "The class cluster has one control-plane node: etcd, the API server, the scheduler and the "
                "controllers all live on control-plane-1. Your sandbox has three control-plane nodes, each running "
                "every component. All three API servers answer, and etcd keeps its three copies in agreement; the "
                "scheduler, the controller manager and the cloud controller manager each act on one node only, the "
                "leader, which holds a Lease."
            ),
            focus=("Node", "control-plane-1"),
            question=Question(
                prompt=_("If control-plane-1 of the class cluster loses power, what happens to the running web pods?"),
                choices=(
                    ("stop", _("They stop")),
                    ("keep", _("They keep running")),
                    ("move", _("They move to other nodes")),
                ),
                answer="keep",
                why=_(
                    "Kubelets keep running the pods they already have. What stops is every change: no scaling, no "
                    "scheduling, no repairs, and kubectl gets 503 errors."
                ),
            ),
        ),
        Step(
            title=_("Power off the only control-plane node"),
            narration=_(
                "Now the API server is gone. Try to scale web or delete a pod: the request is refused with 503. The "
                "pods still serve traffic, but nobody can change anything and nothing repairs itself."
            ),
            action={"action": "power", "node": "control-plane-1", "state": "off"},
            action_label=_("Power off control-plane-1"),
        ),
        Step(
            title=_("Three control-plane nodes"),
            narration=_(
                "In your sandbox, power off control-plane-1 too. etcd still has a majority (2 of 3), so the API "
                "servers on the two other nodes keep answering. A leader renews its Lease every 2 seconds and lasts "
                "15 seconds without renewing; once the old leader's Lease runs out, a scheduler and a controller "
                "manager on another node take over. Scale web while the node is off to prove it."
            ),
            action={"action": "power", "node": "control-plane-1", "state": "off"},
            action_label=_("Power off control-plane-1"),
            checkpoint=Checkpoint(
                goal=_("With control-plane-1 of your sandbox powered off, scale web to 4 and get 4 ready pods."),
                check=scaled_while_cp1_off,
            ),
        ),
        Step(
            title=_("Bring the class cluster back"),
            narration=_(
                "Powering the node on again restarts its components; the API server answers again and the backlog of "
                "work resumes. A real production cluster uses three (or five) control-plane nodes for this reason."
            ),
            action={"action": "power", "node": "control-plane-1", "state": "on"},
            action_label=_("Power on control-plane-1"),
        ),
    ),
)
