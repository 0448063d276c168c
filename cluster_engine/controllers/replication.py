"""The replication controller: the ReplicaSet controller run over ReplicationControllers (pkg/controller/replication).

Upstream's ReplicationManager is the ReplicaSet controller behind a conversion layer, so an RC creates, adopts,
releases and deletes pods exactly as a ReplicaSet does. The differences are the kind it watches and owns pods as,
the component its events come from, and its selector: a plain label map, which converts to matchLabels.
"""

from .replicaset import ReplicaSetController


class ReplicationManager(ReplicaSetController):
    name = "replication-controller"
    primary_kind = "ReplicationController"

    def selector(self, rc: dict) -> dict:
        """upstream conversion: an RC's selector map is a LabelSelector with only matchLabels (never empty: the
        API server requires one)."""
        return {"matchLabels": rc["spec"].get("selector") or {}}
