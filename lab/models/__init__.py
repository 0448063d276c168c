"""The lab's tables: simulated clusters and, scoped by cluster, every object of every kind (our etcd), seen per kind through proxy models."""

from .cluster import Cluster, Topology
from .history import HistoryEntry, HistoryHorizon
from .kinds import proxy_for
from .objects import KubeObject
from .worker import WorkerLease

__all__ = ["Cluster", "HistoryEntry", "HistoryHorizon", "KubeObject", "Topology", "WorkerLease", "proxy_for"]

# The classroom's tables belong to this app too; imported last, they may use the models above.
from lab.classroom.models import Answer, Classroom, Student  # noqa: E402

__all__ += ["Answer", "Classroom", "Student"]
