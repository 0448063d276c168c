"""The demo cluster: the tutorial's cluster (control plane, three workers, a web Deployment behind a Service),
created through the operator's API server so every object is admitted and versioned like any other write."""

from django.db import transaction

from cluster_engine.scenarios import cluster_objects, demo_objects

from .apiserver import api_server_for
from .models import Cluster, Topology

DEMO_NAME = "demo"


def create_demo_cluster(name: str = DEMO_NAME, topology: str = Topology.SINGLE, seed: int = 0) -> Cluster:
    with transaction.atomic():
        cluster = Cluster.objects.create(name=name, topology=topology, seed=seed)
        seed_objects(cluster, demo_objects(topology))
    cluster.refresh_from_db()
    return cluster


def seed_empty_cluster(cluster: Cluster) -> None:
    """Namespaces, nodes and control-plane components, no workload: a new cluster made in the admin."""
    seed_objects(cluster, cluster_objects(cluster.topology))


def seed_objects(cluster: Cluster, objects: list[dict]) -> None:
    operator = api_server_for(cluster, operator=True)
    for obj in objects:
        operator.create(obj["kind"], obj)
