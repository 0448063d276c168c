"""The home page's cluster cards: each cluster's state as its rows in the ORM say, from a constant number of queries.

Nodes Ready and pods Running are counted in the database (one aggregate over the indexed (cluster, kind) prefix
and JSON lookups on the stored manifests), never by loading objects, so a card costs the same for 3 nodes as for
3,000, and the page costs the same for one cluster as for fifty.
"""

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from .classroom.cluster_access import Membership, delete_refusal, memberships
from .classroom.permissions import Actor
from .durations import human_duration
from .models import Cluster, KubeObject

# The topologies as the home page names them, in the reader's language (the model's labels are the admin's).
TOPOLOGY_LABELS = {"single": _("Single control plane"), "ha": _("Highly available (three control-plane nodes)")}
# ours: where a Node's Ready condition may sit in status.conditions. The kubelet writes its four (MemoryPressure,
# DiskPressure, PIDPressure, Ready, upstream's order) after any others a cloud or node-problem-detector adds; a
# JSON lookup per position works on SQLite and PostgreSQL alike, where "any element" does not.
READY_CONDITION_POSITIONS = 8


def _ready_node() -> Q:
    return reduce(
        or_,
        (
            Q(**{f"manifest__status__conditions__{index}__type": "Ready"})
            & Q(**{f"manifest__status__conditions__{index}__status": "True"})
            for index in range(READY_CONDITION_POSITIONS)
        ),
    )


@dataclass
class ClusterCard:
    cluster: Cluster
    nodes_ready: int = 0
    nodes: int = 0
    pods_running: int = 0
    pods: int = 0
    membership: Membership | None = None
    deletable: bool = False

    @property
    def topology_label(self) -> str:
        return TOPOLOGY_LABELS.get(self.cluster.topology, self.cluster.topology)

    @property
    def simulated_time(self) -> str:
        return human_duration(self.cluster.now)


def cluster_cards(actor: Actor, clusters: list[Cluster]) -> list[ClusterCard]:
    cards = {cluster.pk: ClusterCard(cluster) for cluster in clusters}
    counts = (
        KubeObject.objects.filter(cluster_id__in=list(cards), kind__in=("Node", "Pod"))
        .values("cluster_id", "kind")
        .annotate(
            total=Count("pk"),
            up=Count(
                "pk",
                filter=(Q(kind="Node") & _ready_node())
                | Q(kind="Pod", manifest__status__phase="Running", deletion_timestamp__isnull=True),
            ),
        )
    )
    for row in counts:
        card = cards[row["cluster_id"]]
        if row["kind"] == "Node":
            card.nodes, card.nodes_ready = row["total"], row["up"]
        else:
            card.pods, card.pods_running = row["total"], row["up"]
    for cluster_id, membership in memberships(list(cards)).items():
        cards[cluster_id].membership = membership
    for card in cards.values():
        card.deletable = delete_refusal(actor, card.membership) is None
    return list(cards.values())
