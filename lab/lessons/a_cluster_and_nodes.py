"""(a) What a cluster and a node are."""

from django.utils.translation import gettext_lazy as _

from .base import Checkpoint, ClusterState, Lesson, Question, Step


def web_has_five_ready(state: ClusterState) -> bool:
    deployment = state.get("Deployment", "web")
    return bool(deployment) and deployment["spec"].get("replicas") == 5 and len(state.ready_pods({"app": "web"})) == 5


LESSON = Lesson(
    slug="cluster-and-nodes",
    title=_("What a cluster and a node are"),
    summary=_("Many machines that Kubernetes runs as one system, and the two kinds of node in it."),
    steps=(
        Step(
            title=_("A cluster is many machines working as one"),
            narration=_(
                "A Kubernetes cluster is a group of machines that Kubernetes manages as a single system. You do not "
                "tell it which machine should run your program: you describe what you want, and the cluster decides "
                "where it runs and keeps it running. Each large box on the diagram is one machine, called a node."
            ),
        ),
        Step(
            title=_("Worker nodes and the control-plane node"),
            narration=_(
                "Worker nodes run your applications, packed into pods (one or more containers that start and stop "
                "together). The control-plane node runs the parts that make decisions for the whole cluster. It "
                "carries a taint, a 'keep off' sign, so ordinary pods are never placed there. Click a worker to see "
                "how much CPU and memory it offers."
            ),
            focus=("Node", "worker-1"),
            question=Question(
                prompt=_("How many pods of the web Deployment are running on control-plane-1?"),
                choices=(("0", _("None")), ("1", _("One")), ("3", _("All three"))),
                answer="0",
                why=_("The control-plane node is tainted NoSchedule, and web's pods do not tolerate that taint."),
            ),
        ),
        Step(
            title=_("Your turn: ask for more copies"),
            narration=_(
                "A Deployment says how many copies (replicas) of a pod should run. Change the number and the cluster "
                "creates or removes pods until reality matches what you asked for."
            ),
            action={"action": "scale", "name": "web", "replicas": 5},
            action_label=_("Scale web to 5 replicas"),
            checkpoint=Checkpoint(
                goal=_("Scale the web Deployment to 5 replicas and wait until all 5 pods are ready."),
                check=web_has_five_ready,
            ),
        ),
    ),
)
