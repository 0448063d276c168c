"""(h) Services, endpoints and load balancing."""

from django.utils.translation import gettext_lazy as _

from .base import Checkpoint, ClusterState, Lesson, Question, Step


def four_endpoints(state: ClusterState) -> bool:
    endpoints = state.get("Endpoints", "web")
    if endpoints is None:
        return False
    addresses = [address for subset in endpoints.get("subsets") or [] for address in subset.get("addresses") or []]
    return len(addresses) == 4


LESSON = Lesson(
    slug="services",
    title=_("Services, endpoints and load balancing"),
    summary=_("A stable name and address in front of pods that come and go."),
    steps=(
        Step(
            title=_("A Service selects pods by label"),
            narration=_(
                "Pods are replaced all the time and get new addresses. A Service gives them one stable address and "
                "name. It does not list pods by name: it selects every pod whose labels match (here app=web)."
            ),
            focus=("Service", "default/web"),
        ),
        Step(
            title=_("Endpoints: the ready pods behind it"),
            narration=_(
                "The endpoints controller keeps the list of addresses behind the Service: the pods that match and are "
                "ready. This action makes one web pod fail its readiness probe."
            ),
            action={
                "action": "annotate-pod",
                "selector": {"app": "web"},
                "annotations": {"kubelab.io/fail-probe": "readiness"},
            },
            action_label=_("Make a web pod's readiness probe fail"),
            question=Question(
                prompt=_("What happens to a pod whose readiness probe fails?"),
                choices=(
                    ("restart", _("The kubelet restarts it")),
                    ("endpoints", _("It is taken out of the Service's endpoints")),
                    ("delete", _("It is deleted and replaced")),
                ),
                answer="endpoints",
                why=_("Readiness only decides whether the pod gets traffic; restarting is the liveness probe's job."),
            ),
        ),
        Step(
            title=_("Load balancing"),
            narration=_(
                "kube-proxy on every node spreads connections to the Service over its ready endpoints. A Service of "
                "type LoadBalancer also gets a public address from the cloud controller manager, so traffic from "
                "outside reaches the same pods."
            ),
            action={"action": "scale", "name": "web", "replicas": 4},
            action_label=_("Scale web to 4 replicas"),
            checkpoint=Checkpoint(
                goal=_("Scale web to 4 replicas and wait until the web Service has 4 ready endpoint addresses."),
                check=four_endpoints,
            ),
        ),
    ),
)
