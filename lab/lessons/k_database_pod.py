"""(k) Why didn't my database pod come back? A StatefulSet pod on a dead node."""

from django.utils.translation import gettext_lazy as _

from cluster_engine.controllers.csi_provisioner import ZONE_LABEL, volume_zone

from .base import Checkpoint, ClusterState, Lesson, Question, Step, standard_start

DB_LABELS = {"app": "db"}
DB_SERVICE = {
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {"name": "db", "namespace": "default", "labels": DB_LABELS},
    "spec": {"clusterIP": "None", "selector": DB_LABELS, "ports": [{"name": "postgres", "port": 5432}]},
}


def postgres(name: str, replicas: int, storage_class: str | None = None) -> dict:
    """A StatefulSet of Postgres pods, each with an 8 GiB claim `data` of `storage_class` (the default when None)."""
    labels = {"app": name}
    claim_spec = {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "8Gi"}}}
    if storage_class:
        claim_spec["storageClassName"] = storage_class
    container = {
        "name": "postgres",
        "image": "postgres:16",
        "ports": [{"name": "postgres", "containerPort": 5432}],
        "resources": {"requests": {"cpu": "250m", "memory": "256Mi"}},
        "volumeMounts": [{"name": "data", "mountPath": "/var/lib/postgresql/data"}],
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": name, "namespace": "default", "labels": labels},
        "spec": {
            "serviceName": name,
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels}, "spec": {"containers": [container]}},
            "volumeClaimTemplates": [{"metadata": {"name": "data"}, "spec": claim_spec}],
        },
    }


# an Azure Files share, reachable from every zone: a zonal disk (the default class) would keep db-1 from coming
# back on a worker in another zone at all ("volume node affinity conflict")
DB_STATEFULSET = postgres("db", 3, storage_class="azurefile-csi")
LEDGER_LABELS = {"app": "ledger"}
# One database pod on the cluster's default class, managed-csi: an Azure disk, created in the zone of the node the
# scheduler picks for ledger-0 (WaitForFirstConsumer) and attachable to one node at a time.
LEDGER_STATEFULSET = postgres("ledger", 1)
LEDGER_CLAIM = "data-ledger-0"
VOLUME_NODE_CONFLICT = "node(s) had volume node affinity conflict"  # upstream volumebinding ErrReasonNodeConflict


def start_with_database(topology: str) -> list[dict]:
    """The tutorial's cluster and web app, plus a three-pod database behind a headless Service."""
    return standard_start(topology) + [DB_SERVICE, DB_STATEFULSET]


def _node_ready(state: ClusterState, name: str) -> bool:
    node = state.get("Node", name, namespace="")
    return node is not None and any(
        c.get("type") == "Ready" and c.get("status") == "True"
        for c in (node.get("status") or {}).get("conditions") or []
    )


def stuck_terminating(name: str):
    """A check: the pod `name` is being deleted on a node that is not ready, and nothing has replaced it."""

    def check(state: ClusterState) -> bool:
        pod = state.get("Pod", name)
        if pod is None or not pod["metadata"].get("deletionTimestamp"):
            return False
        return not _node_ready(state, pod["spec"].get("nodeName", ""))

    return check


db_1_stuck_terminating = stuck_terminating("db-1")


def db_1_back_with_its_claim(state: ClusterState) -> bool:
    """A ready db-1 on a ready node, mounting the claim data-db-1, with every db pod ready."""
    pod = state.get("Pod", "db-1")
    if pod is None or pod not in state.ready_pods(DB_LABELS) or not _node_ready(state, pod["spec"].get("nodeName")):
        return False
    claims = [(v.get("persistentVolumeClaim") or {}).get("claimName") for v in pod["spec"].get("volumes") or []]
    return "data-db-1" in claims and len(state.ready_pods(DB_LABELS)) == 3


def _ledger_disk_zone(state: ClusterState) -> str | None:
    claim = state.get("PersistentVolumeClaim", LEDGER_CLAIM)
    volume_name = ((claim or {}).get("spec") or {}).get("volumeName")
    return volume_zone(state.get("PersistentVolume", volume_name, namespace="")) if volume_name else None


def _node_zone(state: ClusterState, name: str) -> str | None:
    node = state.get("Node", name, namespace="")
    return (node["metadata"].get("labels") or {}).get(ZONE_LABEL) if node else None


def ledger_ready_beside_its_disk(state: ClusterState) -> bool:
    """ledger-0 is ready on a ready node in the zone its disk was created in."""
    pods = state.ready_pods(LEDGER_LABELS)
    node = pods[0]["spec"].get("nodeName", "") if pods else ""
    zone = _ledger_disk_zone(state)
    return bool(pods) and _node_ready(state, node) and zone is not None and _node_zone(state, node) == zone


def ledger_pending_for_its_zone(state: ClusterState) -> bool:
    """A new ledger-0 exists but no node can take it: the scheduler found its disk's zone has no healthy worker."""
    pod = state.get("Pod", "ledger-0")
    if pod is None or pod["metadata"].get("deletionTimestamp") or pod["spec"].get("nodeName"):
        return False
    scheduled = next(
        (item for item in (pod.get("status") or {}).get("conditions") or [] if item.get("type") == "PodScheduled"),
        {},
    )
    return scheduled.get("status") == "False" and VOLUME_NODE_CONFLICT in scheduled.get("message", "")


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
        Step(
            title=_("A database on a zonal disk"),
            narration=_(
                "db keeps its data on Azure Files shares, which every zone reaches. We now add ledger, a one-pod "
                "StatefulSet whose claim names no class, so it gets the default, managed-csi: an Azure disk. A disk "
                "lives in one availability zone and is attached to one node at a time. Try “kubectl get "
                "pvc,pv” and compare the volume's node affinity with “kubectl get nodes -L "
                "topology.kubernetes.io/zone”."
            ),
            focus=("StatefulSet", "default/ledger"),
            action={"action": "apply", "objects": [LEDGER_STATEFULSET]},
            action_label=_("Create ledger"),
            question=Question(
                prompt=_("managed-csi binds WaitForFirstConsumer. In which zone is ledger-0's disk created?"),
                choices=(
                    ("first", _("In the first zone, before the pod is scheduled")),
                    ("node", _("In the zone of the node the scheduler picks for ledger-0")),
                    ("all", _("In every zone, so the pod can run anywhere")),
                ),
                answer="node",
                why=_(
                    "With WaitForFirstConsumer the claim stays Pending until the scheduler has chosen a node for its "
                    "first pod; the provisioner then creates the disk in that node's zone and gives the volume a node "
                    "affinity for that zone. From now on, every pod using the claim must run in that zone."
                ),
            ),
            checkpoint=Checkpoint(
                goal=_("Create ledger and wait until ledger-0 is ready on a node in its disk's zone."),
                check=ledger_ready_beside_its_disk,
            ),
        ),
        Step(
            title=_("The node running ledger-0 dies"),
            narration=_(
                "We cut the power of ledger-0's node. As with db-1, ledger-0 stays Terminating after the eviction, "
                "and its disk stays attached to the dead node: nobody can confirm it was unmounted."
            ),
            focus=("Pod", "default/ledger-0"),
            action={"action": "power-node-of", "pod": "ledger-0", "state": "off"},
            action_label=_("Power off ledger-0's node"),
            checkpoint=Checkpoint(
                goal=_("Power off ledger-0's node and wait until ledger-0 is Terminating."),
                check=stuck_terminating("ledger-0"),
            ),
        ),
        Step(
            title=_("Force-delete ledger-0"),
            narration=_(
                "We force-delete ledger-0 as we did db-1, and the StatefulSet creates it again at once. Watch the "
                "new pod and its events (“kubectl describe pod ledger-0”)."
            ),
            focus=("Pod", "default/ledger-0"),
            action={"action": "force-delete-pod", "name": "ledger-0"},
            action_label=_("Force-delete ledger-0"),
            question=Question(
                prompt=_("The healthy workers are all in other zones. Where does the new ledger-0 run?"),
                choices=(
                    ("moved", _("On a healthy worker, with its disk moved there")),
                    ("pending", _("Nowhere: it stays Pending, because its disk cannot leave its zone")),
                    ("empty", _("On a healthy worker, with a new empty disk")),
                ),
                answer="pending",
                why=_(
                    "The volume's node affinity allows only nodes in the disk's zone. The scheduler's VolumeBinding "
                    "filter rejects every other node: “node(s) had volume node affinity conflict”. The pod stays "
                    "Pending until a healthy node in that zone exists; the claim keeps the same disk."
                ),
            ),
            checkpoint=Checkpoint(
                goal=_(
                    "Force-delete ledger-0 and wait until the new ledger-0 is Pending with “volume node affinity "
                    "conflict”."
                ),
                check=ledger_pending_for_its_zone,
            ),
        ),
        Step(
            title=_("A worker in the disk's zone"),
            narration=_(
                "We add a worker in the disk's zone. The scheduler places ledger-0 there at once, but the disk is "
                "still attached to the dead node, and a ReadWriteOnce disk is attached to one node at a time: the "
                "attach/detach controller reports a FailedAttachVolume “Multi-Attach error”. It waits for the dead "
                "node to unmount the disk, and after 6 minutes (maxWaitForUnmountDuration) detaches it by force. "
                "An out-of-service taint on the dead node would have let it detach at once."
            ),
            focus=("Pod", "default/ledger-0"),
            action={"action": "add-node-in-zone-of", "claim": LEDGER_CLAIM},
            action_label=_("Add a worker in the disk's zone"),
            question=Question(
                prompt=_("ledger-0 is scheduled on the new worker. When does it start?"),
                choices=(
                    ("now", _("At once: the node is healthy")),
                    (
                        "detach",
                        _("Only once the disk is detached from the dead node, 6 minutes after the old pod went"),
                    ),
                    ("never", _("Never: the disk belongs to the dead node")),
                ),
                answer="detach",
                why=_(
                    "Until the disk is detached from the dead node it cannot be attached to the new one, and the "
                    "kubelet cannot mount it. The attach/detach controller cannot know the dead node stopped writing, "
                    "so it waits 6 minutes before a force detach; then the disk is attached to the new worker, "
                    "mounted, and ledger-0 starts with its data."
                ),
            ),
            checkpoint=Checkpoint(
                goal=_("Add a worker in the disk's zone and wait until ledger-0 is ready there."),
                check=ledger_ready_beside_its_disk,
            ),
        ),
    ),
)
