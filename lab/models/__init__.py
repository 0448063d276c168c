"""The lab's tables: simulated clusters and, scoped by cluster, one table per Kubernetes kind (our etcd)."""

from .cluster import Cluster, Topology
from .objects import (
    MODELS_BY_KIND,
    ConfigMap,
    ControlPlaneComponent,
    Deployment,
    Endpoints,
    Event,
    KubeObject,
    Lease,
    Namespace,
    Node,
    Pod,
    ReplicaSet,
    ReplicationController,
    Secret,
    Service,
    ServiceAccount,
    model_for,
)
from .worker import WorkerLease

__all__ = [
    "WorkerLease",
    "MODELS_BY_KIND",
    "Cluster",
    "ConfigMap",
    "ControlPlaneComponent",
    "Deployment",
    "Endpoints",
    "Event",
    "KubeObject",
    "Lease",
    "Namespace",
    "Node",
    "Pod",
    "ReplicaSet",
    "ReplicationController",
    "Secret",
    "Service",
    "ServiceAccount",
    "Topology",
    "model_for",
]

# The classroom's tables belong to this app too; imported last, they may use the models above.
from lab.classroom.models import Answer, Classroom, Student  # noqa: E402

__all__ += ["Answer", "Classroom", "Student"]
