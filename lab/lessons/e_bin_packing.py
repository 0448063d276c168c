"""(e) Bin packing with resource requests, and why a pod stays Pending."""

from django.utils.translation import gettext_lazy as _

from .base import Checkpoint, ClusterState, Lesson, Question, Step

BATCH_DEPLOYMENT = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "batch", "namespace": "default", "labels": {"app": "batch"}},
    "spec": {
        "replicas": 4,
        "selector": {"matchLabels": {"app": "batch"}},
        "template": {
            "metadata": {"labels": {"app": "batch"}},
            "spec": {
                "containers": [
                    {
                        "name": "worker",
                        "image": "busybox:1.36",
                        "resources": {"requests": {"cpu": "1", "memory": "1Gi"}},
                    }
                ]
            },
        },
    },
}


def all_batch_running(state: ClusterState) -> bool:
    return state.get("Deployment", "batch") is not None and len(state.running_pods({"app": "batch"})) == 4


LESSON = Lesson(
    slug="bin-packing",
    title=_("Bin packing with resource requests"),
    summary=_("How requests decide where pods fit, and why a pod that fits nowhere stays Pending."),
    steps=(
        Step(
            title=_("Requests are reservations"),
            narration=_(
                "Each container may request CPU and memory. The scheduler adds up the requests of the pods already "
                "on a node and places a new pod only where its requests still fit into what the node can give "
                "(its allocatable). Each worker here offers 1900m of CPU (1.9 cores); each web pod asks for 250m."
            ),
            focus=("Node", "worker-1"),
        ),
        Step(
            title=_("Four pods that each want a whole core"),
            narration=_(
                "This step creates the batch Deployment: 4 pods, each requesting 1 CPU. Before you run it, "
                "work out how many of them can fit."
            ),
            action={"action": "apply", "objects": [BATCH_DEPLOYMENT]},
            action_label=_("Create the batch Deployment"),
            question=Question(
                prompt=_("How many of the 4 batch pods will be running?"),
                choices=(("4", _("All 4")), ("3", _("3")), ("0", _("None"))),
                answer="3",
                why=_(
                    "Each worker has 1510m left beside its web pod and its node agents (kube-proxy 100m, azure-cns "
                    "40m): room for one 1-CPU pod, not two. The control-plane node is tainted. So three run and the "
                    "fourth waits."
                ),
            ),
        ),
        Step(
            title=_("Why the pod stays Pending"),
            narration=_(
                "Select the Pending pod. The scheduler recorded a FailedScheduling event: '0/4 nodes are available: 1 "
                "node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 Insufficient cpu.' It "
                "tries again whenever the cluster changes. Make room: add a node, or scale something down."
            ),
            action={"action": "add-node"},
            action_label=_("Add a worker node"),
            checkpoint=Checkpoint(
                goal=_("Create the batch Deployment in your sandbox, then make room until all 4 batch pods run."),
                check=all_batch_running,
            ),
        ),
    ),
)
