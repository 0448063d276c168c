"""Migration 0008 starts the history of clusters that exist already: their objects as they stand, from now on."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cluster_engine.api.errors import ApiError
from lab.history.reading import horizon, objects_at
from lab.models import Cluster

from .samples import SAMPLES

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("lab", "0007_storage_workload_discovery_kinds")]
AFTER = [("lab", "0008_history")]


def _migrate(targets):
    MigrationExecutor(connection).migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.fixture
def old_apps():
    try:
        yield _migrate(BEFORE)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_existing_clusters_can_be_rebuilt_from_the_migration_on(old_apps):
    pod = SAMPLES["Pod"]
    old = old_apps.get_model("lab", "Cluster").objects.create(name="kept", resource_version=42, now=300.0)
    old_apps.get_model("lab", "KubeObject").objects.create(
        cluster_id=old.pk,
        kind="Pod",
        namespace=pod["metadata"]["namespace"],
        name=pod["metadata"]["name"],
        uid=pod["metadata"]["uid"],
        resource_version=int(pod["metadata"]["resourceVersion"]),
        manifest=pod,
    )

    _migrate(AFTER)
    cluster = Cluster.objects.get(pk=old.pk)
    assert horizon(cluster) == (42, 300.0)
    assert objects_at(cluster, 42) == [pod]
    with pytest.raises(ApiError) as expired:
        objects_at(cluster, 41)
    assert expired.value.code == 410
