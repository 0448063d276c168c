"""(j) Adding nodes through the cloud controller manager."""

from django.utils.translation import gettext_lazy as _

from cluster_engine.scenarios import CONTROL_PLANE_LABEL, cluster_objects, web_app

from .base import Checkpoint, ClusterState, Lesson, Question, Step


def pool_config(count: int) -> str:
    return f"count: {count}\nvmSize: Standard_DS2_v2\nzones: [1, 2, 3]\n"


def start_with_node_pool(topology: str) -> list[dict]:
    pools = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "kubelab-node-pools", "namespace": "kube-system"},
        "data": {"nodepool1": pool_config(3)},
    }
    return cluster_objects(topology) + [pools] + web_app(3)


def four_ready_workers(state: ClusterState) -> bool:
    workers = [node for node in state.ready_nodes() if CONTROL_PLANE_LABEL not in node["metadata"].get("labels", {})]
    return len(workers) >= 4


GROW_POOL = {
    "action": "patch",
    "kind": "ConfigMap",
    "namespace": "kube-system",
    "name": "kubelab-node-pools",
    "body": {"data": {"nodepool1": pool_config(4)}},
}

LESSON = Lesson(
    slug="cloud-nodes",
    title=_("Adding nodes through the cloud"),
    summary=_("The cloud controller manager turns a node pool's size into machines that join the cluster."),
    start=start_with_node_pool,
    steps=(
        Step(
            title=_("Node pools"),
            narration=_(
                "In a managed cluster you do not install machines yourself. You say how many nodes a pool should "
                "have, and the cloud controller manager asks the cloud for virtual machines. Here the pools are "
                "declared in the ConfigMap kube-system/kubelab-node-pools."
            ),
            focus=("ControlPlaneComponent", "cloud-controller-manager-control-plane-1"),
        ),
        Step(
            title=_("Grow the pool to 4 nodes"),
            narration=_(
                "This action raises nodepool1's count to 4. The cloud boots a new virtual machine; when it is up, its "
                "kubelet registers a new Node, which becomes Ready and starts taking pods."
            ),
            action=GROW_POOL,
            action_label=_("Grow nodepool1 to 4 nodes"),
            question=Question(
                prompt=_("How soon does the new node appear in the cluster?"),
                choices=(
                    ("now", _("Immediately")),
                    ("minutes", _("After a minute or two, once the machine has booted")),
                    ("never", _("Never: someone has to install it")),
                ),
                answer="minutes",
                why=_("The cloud needs time to provision and boot the machine before its kubelet can register."),
            ),
            checkpoint=Checkpoint(
                goal=_("Grow nodepool1 to 4 nodes in your sandbox and wait until 4 worker nodes are Ready."),
                check=four_ready_workers,
            ),
        ),
        Step(
            title=_("Shrinking is careful"),
            narration=_(
                "Lowering the count does the opposite: the newest node is cordoned and drained, so its pods move "
                "away first, and only then is the machine deleted. The cloud also hands out the public addresses of "
                "LoadBalancer Services, like web's."
            ),
        ),
    ),
)
