"""(k) Why didn't my database pod come back? A StatefulSet pod on a dead node."""

from django.utils.translation import gettext_lazy as _

from .base import Checkpoint, ClusterState, Lesson, Question, Step, standard_start

DB_LABELS = {"app": "db"}
DB_SERVICE = {
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {"name": "db", "namespace": "default", "labels": DB_LABELS},
    "spec": {"clusterIP": "None", "selector": DB_LABELS, "ports": [{"name": "postgres", "port": 5432}]},
}
DB_STATEFULSET = {
    "apiVersion": "apps/v1",
    "kind": "StatefulSet",
    "metadata": {"name": "db", "namespace": "default", "labels": DB_LABELS},
    "spec": {
        "serviceName": "db",
        "replicas": 3,
        "selector": {"matchLabels": DB_LABELS},
        "template": {
            "metadata": {"labels": DB_LABELS},
            "spec": {
                "containers": [
                    {
                        "name": "postgres",
                        "image": "postgres:16",
                        "ports": [{"name": "postgres", "containerPort": 5432}],
                        "resources": {"requests": {"cpu": "250m", "memory": "256Mi"}},
                        "volumeMounts": [{"name": "data", "mountPath": "/var/lib/postgresql/data"}],
                    }
                ]
            },
        },
        "volumeClaimTemplates": [
            {
                "metadata": {"name": "data"},
                # an Azure Files share, reachable from every zone: a zonal disk (the default class) would keep
                # db-1 from coming back on a worker in another zone at all ("volume node affinity conflict")
                "spec": {
                    "accessModes": ["ReadWriteOnce"],
                    "storageClassName": "azurefile-csi",
                    "resources": {"requests": {"storage": "8Gi"}},
                },
            }
        ],
    },
}


def start_with_database(topology: str) -> list[dict]:
    """The tutorial's cluster and web app, plus a three-pod database behind a headless Service."""
    return standard_start(topology) + [DB_SERVICE, DB_STATEFULSET]


def _node_ready(state: ClusterState, name: str) -> bool:
    node = state.get("Node", name, namespace="")
    return node is not None and any(
        c.get("type") == "Ready" and c.get("status") == "True"
        for c in (node.get("status") or {}).get("conditions") or []
    )


def db_1_stuck_terminating(state: ClusterState) -> bool:
    """db-1 is being deleted on a node that is not ready, and nothing has replaced it."""
    pod = state.get("Pod", "db-1")
    if pod is None or not pod["metadata"].get("deletionTimestamp"):
        return False
    return not _node_ready(state, pod["spec"].get("nodeName", ""))


def db_1_back_with_its_claim(state: ClusterState) -> bool:
    """A ready db-1 on a ready node, mounting the claim data-db-1, with every db pod ready."""
    pod = state.get("Pod", "db-1")
    if pod is None or pod not in state.ready_pods(DB_LABELS) or not _node_ready(state, pod["spec"].get("nodeName")):
        return False
    claims = [(v.get("persistentVolumeClaim") or {}).get("claimName") for v in pod["spec"].get("volumes") or []]
    return "data-db-1" in claims and len(state.ready_pods(DB_LABELS)) == 3


LESSON = Lesson(
    slug="database-pod",
    title=_("Why didn't my database pod come back?"),
    summary=_(
        "A StatefulSet pod on a dead node stays Terminating until someone tells Kubernetes the node is really gone."
    ),
    start=start_with_database,
    steps=(
        Step(
            title=_("A database with a name and a disk per pod"),
            narration=_(
                "db is a StatefulSet: its pods are called db-0, db-1 and db-2, and each has its own "
                "PersistentVolumeClaim, data-db-0, data-db-1 and data-db-2, created before the pod. Try "
                "“kubectl get statefulset,pods,pvc -l app=db”. In the diagram, the StatefulSet card shows "
                "one chip per ordinal."
            ),
            focus=("StatefulSet", "default/db"),
            question=Question(
                prompt=_("When the StatefulSet was created, in what order did its pods start?"),
                choices=(
                    ("together", _("All three at once, like a Deployment")),
                    ("ordered", _("db-0 first; db-1 only once db-0 was Running and Ready; then db-2")),
                    ("random", _("In random order")),
                ),
                answer="ordered",
                why=_(
                    "The default podManagementPolicy is OrderedReady: each pod waits for the one before it to be "
                    "Running and Ready. Databases often need their first member up before the others join."
                ),
            ),
        ),
        Step(
            title=_("The node running db-1 dies"),
            narration=_(
                "We cut the power of the node where db-1 runs. After 50 seconds the node is Unknown; 300 seconds "
                "later the taint eviction controller deletes the pods on it. web's pod is replaced elsewhere, as in "
                "the node failure lesson. Speed the clock up and watch db-1."
            ),
            focus=("Pod", "default/db-1"),
            action={"action": "power-node-of", "pod": "db-1", "state": "off"},
            action_label=_("Power off db-1's node"),
            question=Question(
                prompt=_("Six minutes later, web has a new pod on a healthy node. What about db-1?"),
                choices=(
                    ("moved", _("db-1 is recreated on another node, like web's pod")),
                    ("renamed", _("A new pod db-3 replaces it")),
                    ("stuck", _("db-1 stays Terminating and nothing replaces it")),
                ),
                answer="stuck",
                why=_(
                    "Deleting a pod only marks it Terminating; its kubelet must confirm that the containers stopped. "
                    "The kubelet is dead, so the Pod object stays. A StatefulSet never runs two pods with the same "
                    "identity: the old db-1 might still be writing to data-db-1, so the controller waits for the Pod "
                    "object to be gone before it creates db-1 again."
                ),
            ),
            checkpoint=Checkpoint(
                goal=_(
                    "Power off db-1's node in your sandbox and wait until “kubectl get pods” shows db-1 Terminating."
                ),
                check=db_1_stuck_terminating,
            ),
        ),
        Step(
            title=_("Tell Kubernetes the node is gone"),
            narration=_(
                "Only a human (or the cloud) knows the machine is really off. Three ways to say so: delete the Node "
                "(“kubectl delete node NODE”), force-delete the pod (“kubectl delete pod db-1 --force "
                "--grace-period=0”), or taint the node out of service (“kubectl taint node NODE "
                "node.kubernetes.io/out-of-service=nodeshutdown:NoExecute”), after which the pod garbage "
                "collector force-deletes its terminating pods. Here we force-delete db-1."
            ),
            focus=("Pod", "default/db-1"),
            action={"action": "force-delete-pod", "name": "db-1"},
            action_label=_("Force-delete db-1"),
            question=Question(
                prompt=_("The Pod object is gone. What does the StatefulSet create?"),
                choices=(
                    ("same", _("db-1 again, on a healthy node, mounting the same claim data-db-1")),
                    ("fresh", _("db-1 with a new, empty claim")),
                    ("none", _("Nothing until the node comes back")),
                ),
                answer="same",
                why=_(
                    "A StatefulSet pod keeps its name and its claim: the new db-1 mounts data-db-1, the claim the old "
                    "one used, so the database finds its data. Claims are not deleted with their pods."
                ),
            ),
            checkpoint=Checkpoint(
                goal=_(
                    "Force-delete db-1 (or taint its node out of service) and wait until db-1 is ready on a healthy "
                    "node with the claim data-db-1."
                ),
                check=db_1_back_with_its_claim,
            ),
        ),
    ),
)
