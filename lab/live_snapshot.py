"""The list half of the diagram's list-then-watch: every object the diagram draws, with the version it stands at.

The version is read before the objects, so the snapshot can only be newer than it claims: the watch that follows
replays a few events the list already shows, and the browser drops them because it keeps the newest version of
each object (as an informer does). Reading it after would risk the opposite, a change nobody ever sees.
"""

from datetime import UTC, datetime

from .models import Cluster
from .storage import OrmStorage

# What the diagram draws. Secrets stay out of the browser's stream; ConfigMaps and ServiceAccounts are not drawn;
# claims and volumes travel whole (a claim's phase shows in the inspector, its disk beside its node).
DIAGRAM_KINDS = (
    "Namespace",
    "Node",
    "ControlPlaneComponent",
    "Lease",
    "Deployment",
    "ReplicaSet",
    "ReplicationController",
    "StatefulSet",
    "Job",
    "CronJob",
    "Pod",
    "Service",
    "Endpoints",
    "Event",
    "PersistentVolumeClaim",
    "PersistentVolume",
    "HorizontalPodAutoscaler",
    "DaemonSet",
    "PodDisruptionBudget",
    "VolumeAttachment",
)
DIAGRAM_KIND_SET = frozenset(DIAGRAM_KINDS)


def clock_state(cluster: Cluster) -> dict:
    """The clock as stored, in the shape the control plane broadcasts (`clock.state`)."""
    time = datetime.fromtimestamp(cluster.epoch + cluster.now, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return {"now": cluster.now, "time": time, "speed": cluster.speed, "paused": cluster.paused, "next_due": None}


def cluster_snapshot(cluster_id: int) -> dict:
    """{"type": "snapshot", "cluster": {...}, "objects": [...], "resourceVersion": N, "clock": {...}}.

    Raises Cluster.DoesNotExist for an unknown cluster."""
    cluster = Cluster.objects.get(pk=cluster_id)
    storage = OrmStorage(cluster)
    objects = [obj for kind in DIAGRAM_KINDS for obj in storage.list(kind)]
    return {
        "type": "snapshot",
        "cluster": {"id": cluster.pk, "name": cluster.name, "topology": cluster.topology},
        "objects": objects,
        "resourceVersion": cluster.resource_version,
        "clock": clock_state(cluster),
    }
