"""A new cluster made from a saved state: the objects exactly as they were stored, and the clock where it stood.

Forking a cluster at a moment of its history and importing a snapshot are the same act: the objects keep their
uids, timestamps, statuses and node bindings (a pod that was Running stays Running on the same node), only their
resourceVersions are new, since versions belong to the cluster that stores them (etcd's revision). They are written
verbatim rather than created through the API server, because admission would reset what must be kept (a pod's
status and binding, a Deployment's observed generation); the control plane then picks the cluster up as it does
after a restart, from what storage holds.
"""

from dataclasses import dataclass

from django.db import transaction

from .models import Cluster, Topology
from .storage import OrmStorage


@dataclass(frozen=True)
class ClusterState:
    """Everything a cluster is besides its name: its objects, its clock and how it was set up."""

    objects: list[dict]
    now: float
    epoch: float
    topology: str = Topology.SINGLE
    speed: float = 1.0
    seed: int = 0


def restore_cluster(name: str, state: ClusterState, paused: bool = True) -> Cluster:
    """Create cluster `name` holding `state`, paused by default so the class sees it as it was until someone
    presses play. The caller validates `state.objects` first; a duplicate name raises IntegrityError and writes
    nothing."""
    with transaction.atomic():
        cluster = Cluster.objects.create(
            name=name,
            topology=state.topology,
            now=state.now,
            epoch=state.epoch,
            speed=state.speed,
            paused=paused,
            seed=state.seed,
        )
        storage = OrmStorage(cluster)
        with storage.transaction():
            for obj in state.objects:
                version = str(storage.next_resource_version())
                stored = {**obj, "metadata": {**obj["metadata"], "resourceVersion": version}}
                storage.save(stored["kind"], stored)
    cluster.refresh_from_db()
    return cluster
