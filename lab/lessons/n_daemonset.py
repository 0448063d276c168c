"""(n) One agent on every node: DaemonSets, the cluster's own and one of ours."""

from django.utils.translation import gettext_lazy as _

from .base import Checkpoint, ClusterState, Lesson, Question, Step

LOG_AGENT = {
    "apiVersion": "apps/v1",
    "kind": "DaemonSet",
    "metadata": {"name": "log-agent", "namespace": "default", "labels": {"app": "log-agent"}},
    "spec": {
        "selector": {"matchLabels": {"app": "log-agent"}},
        "template": {
            "metadata": {"labels": {"app": "log-agent"}},
            "spec": {
                "containers": [
                    {
                        "name": "agent",
                        "image": "fluent/fluent-bit:3.2",
                        "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}},
                    }
                ]
            },
        },
    },
}
CONTROL_PLANE_LABEL = "node-role.kubernetes.io/control-plane"


def owned_by_daemon_set(pod: dict, name: str) -> bool:
    return any(
        owner.get("kind") == "DaemonSet" and owner.get("name") == name
        for owner in pod["metadata"].get("ownerReferences") or []
    )


def log_agent_on_every_worker(state: ClusterState) -> bool:
    """Every ready worker runs a log-agent pod of the DaemonSet, and no node runs two."""
    workers = {
        node["metadata"]["name"]
        for node in state.ready_nodes()
        if CONTROL_PLANE_LABEL not in (node["metadata"].get("labels") or {})
    }
    agents = [pod for pod in state.running_pods({"app": "log-agent"}) if owned_by_daemon_set(pod, "log-agent")]
    nodes = [pod["spec"].get("nodeName") for pod in agents]
    return bool(workers) and workers <= set(nodes) and len(nodes) == len(set(nodes))


LESSON = Lesson(
    slug="daemonset",
    title=_("One agent on every node"),
    summary=_("DaemonSets run one pod per node: the cluster's own network agents, and a log agent of yours."),
    steps=(
        Step(
            title=_("The agents already running"),
            narration=_(
                "Look at the kube-system namespace: besides the control plane, every node runs kube-proxy (which "
                "makes Services work on that node) and azure-cns (which hands out pod addresses, as on AKS). Nobody "
                "scaled them: each is a DaemonSet, which wants exactly one pod on every node that fits it."
            ),
            focus=("Node", "control-plane-1"),
            question=Question(
                prompt=_("This cluster has one control-plane node and three workers. How many kube-proxy pods run?"),
                choices=(("3", _("3, one per worker")), ("4", _("4, one per node")), ("1", _("1"))),
                answer="4",
                why=_(
                    "kube-proxy tolerates every taint, including the control plane's NoSchedule taint, so it runs on "
                    "all 4 nodes. A DaemonSet counts nodes, not replicas."
                ),
            ),
        ),
        Step(
            title=_("A DaemonSet of your own"),
            narration=_(
                "This step creates log-agent, a DaemonSet that would collect each node's logs. It names no node: the "
                "DaemonSet controller makes one pod per fitting node, each pinned to its node by a node affinity on "
                "the node's name, and the scheduler binds it there."
            ),
            action={"action": "apply", "objects": [LOG_AGENT]},
            action_label=_("Create the log-agent DaemonSet"),
            question=Question(
                prompt=_("On how many of the 4 nodes will log-agent run?"),
                choices=(("4", _("4")), ("3", _("3")), ("1", _("1"))),
                answer="3",
                why=_(
                    "The DaemonSet controller adds tolerations for node trouble and cordons, but not for the control "
                    "plane's taint node-role.kubernetes.io/control-plane:NoSchedule. log-agent does not tolerate it, "
                    "so the control-plane node gets no pod: 3 pods, one per worker."
                ),
            ),
        ),
        Step(
            title=_("A new node gets its agents"),
            narration=_(
                "Add a worker. As soon as its Node object appears, every DaemonSet that fits it makes a pod for it, "
                "before any Deployment sends work there."
            ),
            action={"action": "add-node"},
            action_label=_("Add a worker node"),
            question=Question(
                prompt=_("Which pods appear on the new worker by themselves?"),
                choices=(
                    ("agents", _("kube-proxy, azure-cns and log-agent")),
                    ("web", _("A web pod")),
                    ("none", _("None until something is scaled")),
                ),
                answer="agents",
                why=_(
                    "Each DaemonSet sees a new node that fits and creates its pod there. The web Deployment already "
                    "has its 3 replicas, so it sends nothing."
                ),
            ),
        ),
        Step(
            title=_("Cordoned, but still running agents"),
            narration=_(
                "Cordon worker-1: no new ordinary pod may land there. Daemon pods tolerate the unschedulable taint "
                "(and not-ready, unreachable, disk, memory and PID pressure), because a node's agents must keep "
                "running while the node is in trouble or under maintenance."
            ),
            action={"action": "cordon", "node": "worker-1", "unschedulable": True},
            action_label=_("Cordon worker-1"),
            question=Question(
                prompt=_("Does worker-1 keep its log-agent pod?"),
                choices=(("yes", _("Yes")), ("no", _("No, it is moved away"))),
                answer="yes",
                why=_(
                    "Cordoning only stops new scheduling of ordinary pods. A DaemonSet's pod tolerates "
                    "node.kubernetes.io/unschedulable, and even kubectl drain leaves it in place with "
                    "--ignore-daemonsets."
                ),
            ),
            checkpoint=Checkpoint(
                goal=_("Create the log-agent DaemonSet in your sandbox and have one log-agent pod on every worker."),
                check=log_agent_on_every_worker,
            ),
        ),
    ),
)
