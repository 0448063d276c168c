"""Exporting a cluster: every object it stores and its clock, as a snapshot file.

Secrets follow who asks, as upstream's RBAC would answer them: the `view` role may list everything but Secrets
(reading one is a way to act as someone else), so an export for a viewer leaves the Secrets out entirely, exactly as
`kubectl get` would have refused to list them; an admin's export holds them with their data.
"""

from cluster_engine.api.kinds import ALL_KINDS

from ..models import Cluster
from ..storage import OrmStorage
from .document import header, is_access_account, render

SECRET_KIND = "Secret"


def cluster_objects(cluster: Cluster, include_secrets: bool = True) -> list[dict]:
    """Every object, read under the cluster's write lock so that no write lands half-way through (a consistent
    cut, as etcd's snapshot is), together with the clock as it was then (`cluster` is refreshed)."""
    storage = OrmStorage(cluster)
    with storage.transaction():
        cluster.refresh_from_db()
        return [
            obj
            for kind in ALL_KINDS
            if include_secrets or kind.kind != SECRET_KIND
            for obj in storage.list(kind.kind)
            if not is_access_account(obj)
        ]


def export_cluster(cluster: Cluster, include_secrets: bool = True) -> str:
    """The snapshot of `cluster` as it is stored now (its clock as last persisted)."""
    objects = cluster_objects(cluster, include_secrets)
    facts = header(cluster.name, cluster.now, cluster.epoch, cluster.speed, cluster.topology, cluster.seed)
    return render(objects, facts)


def file_name(cluster: Cluster) -> str:
    return f"kubelab-{cluster.name}-snapshot.yaml"
