"""'Continue from here': a new cluster that starts where another one stood at a past revision."""

from django.db import IntegrityError

from cluster_engine.api import errors
from lab.cluster_restore import ClusterState, restore_cluster
from lab.models import Cluster

from .reading import objects_at, time_of

MAX_NAME = 63  # Cluster.name, a DNS label as cluster names are


def fork_name(cluster: Cluster, time: float) -> str:
    suffix = f"-at-{int(time)}"
    return cluster.name[: MAX_NAME - len(suffix)] + suffix


def fork(cluster: Cluster, revision: int) -> Cluster:
    """The new cluster `<name>-at-<simulated seconds>`: every object as it stood at `revision`, its clock at that
    moment, paused. A 409 AlreadyExists Status if that fork exists already (it is the same moment)."""
    time = time_of(cluster, revision)
    objects = objects_at(cluster, revision)
    name = fork_name(cluster, time)
    state = ClusterState(
        objects=objects,
        now=time,
        epoch=cluster.epoch,
        topology=cluster.topology,
        speed=cluster.speed,
        seed=cluster.seed,
    )
    try:
        return restore_cluster(name, state)
    except IntegrityError:
        raise errors.ApiError(
            409, "AlreadyExists", f'clusters "{name}" already exists', {"name": name, "kind": "clusters"}
        ) from None
