"""(b) The control-plane components, following one Deployment from the API server to the kubelet."""

from django.utils.translation import gettext_lazy as _

from .base import Checkpoint, ClusterState, Lesson, Question, Step

API_DEPLOYMENT = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "api", "namespace": "default", "labels": {"app": "api"}},
    "spec": {
        "replicas": 2,
        "selector": {"matchLabels": {"app": "api"}},
        "template": {
            "metadata": {"labels": {"app": "api"}},
            "spec": {
                "containers": [
                    {
                        "name": "httpd",
                        "image": "httpd:2.4",
                        "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}},
                    }
                ]
            },
        },
    },
}


def api_has_two_ready(state: ClusterState) -> bool:
    return state.get("Deployment", "api") is not None and len(state.ready_pods({"app": "api"})) == 2


LESSON = Lesson(
    slug="control-plane",
    title=_("The control plane, following one Deployment"),
    summary=_("etcd, the API server, the controller manager, the scheduler and the kubelet, each doing its part."),
    steps=(
        Step(
            title=_("Who is in the control plane"),
            narration=_(
                "The control plane is a handful of programs. etcd is the cluster's memory: every object is stored "
                "there. The API server is the only door to etcd: everyone, including the other components, reads "
                "and writes through it. The controller manager runs loops that turn wishes into objects, the "
                "scheduler picks a node for each new pod, and the cloud controller manager talks to the cloud."
            ),
            focus=("ControlPlaneComponent", "kube-apiserver-control-plane-1"),
        ),
        Step(
            title=_("API server and etcd: a request becomes a record"),
            narration=_(
                "Run this step's action: it sends a new Deployment named api to the API server, as kubectl apply "
                "would. The API server checks it, fills in defaults and stores it in etcd. At this moment nothing is "
                "running yet: the cluster has only written down what you want."
            ),
            action={"action": "apply", "objects": [API_DEPLOYMENT]},
            action_label=_("Create the api Deployment"),
        ),
        Step(
            title=_("Controller manager: from Deployment to pods"),
            narration=_(
                "The Deployment controller notices the new Deployment and creates a ReplicaSet for it. The "
                "ReplicaSet controller then creates two pods. They appear as Pending: they exist in etcd, but no "
                "node has been chosen for them yet."
            ),
            question=Question(
                prompt=_("Which component decides on which node a new pod will run?"),
                choices=(
                    ("kube-apiserver", _("The API server")),
                    ("kube-scheduler", _("The scheduler")),
                    ("kubelet", _("The kubelet")),
                ),
                answer="kube-scheduler",
                why=_("The scheduler filters the nodes that can take the pod, scores the rest and binds the best one."),
            ),
        ),
        Step(
            title=_("Scheduler and kubelet: the pod starts"),
            narration=_(
                "The scheduler binds each pod to a node. The kubelet on that node sees a pod assigned to it, pulls "
                "the image, starts the container and reports back through the API server: the pod becomes Running "
                "and then Ready. Every arrow of this story went through the API server."
            ),
            action={"action": "apply", "objects": [API_DEPLOYMENT]},
            action_label=_("Create the api Deployment"),
            checkpoint=Checkpoint(
                goal=_("In your sandbox, create the api Deployment and wait until both of its pods are ready."),
                check=api_has_two_ready,
            ),
        ),
    ),
)
