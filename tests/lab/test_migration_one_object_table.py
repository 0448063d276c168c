"""Migration 0005 moves the rows of the per-kind tables into the one objects table, each as the JSON it was served
as, and back again when reversed."""

import re
from datetime import UTC, datetime

import pytest
from django.db import connection, models
from django.db.migrations.executor import MigrationExecutor

from lab.models import Cluster
from lab.storage import OrmStorage

from .samples import SAMPLES

BEFORE = [("lab", "0004_cluster_epoch_at_creation")]
AFTER = [("lab", "0005_one_object_table")]

pytestmark = pytest.mark.django_db(transaction=True)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.fixture
def old_apps():
    try:
        yield _migrate(BEFORE)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def _camel(column: str) -> str:
    return re.sub(r"_([a-z])", lambda match: match.group(1).upper(), column)


def _old_row(model, cluster_id: int, obj: dict):
    """The object spread over its kind's columns as the per-kind tables held it: absent is NULL, or "" for text."""
    row = model(cluster_id=cluster_id)
    for field in model._meta.concrete_fields:
        if field.name in ("id", "cluster"):
            continue
        name = _camel(field.name)
        value = obj["metadata"].get(name, obj.get(name))
        if isinstance(field, models.DateTimeField) and value:
            value = datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        elif value is None and isinstance(field, (models.CharField, models.TextField)):
            value = ""
        setattr(row, field.attname, value)
    row.resource_version = int(obj["metadata"]["resourceVersion"])
    if model.__name__ == "Pod":
        row.node_name = obj.get("spec", {}).get("nodeName", "")
    return row


def _bare(kind: str, name: str) -> dict:
    """An object with no field but the ones every object has: absent fields must stay absent."""
    metadata = {"name": name, "uid": f"uid-{name}", "resourceVersion": "3", "creationTimestamp": "2026-01-01T00:00:00Z"}
    return {"apiVersion": SAMPLES[kind]["apiVersion"], "kind": kind, "metadata": metadata}


def test_every_kind_moves_to_the_objects_table_as_it_was_served_and_back(old_apps):
    # the kinds that had a table of their own before the move (kinds added since never had one)
    moved = {kind: obj for kind, obj in SAMPLES.items() if kind.lower() in old_apps.all_models["lab"]}
    assert "Pod" in moved
    old_cluster = old_apps.get_model("lab", "Cluster").objects.create(name="kept", resource_version=42)
    other = old_apps.get_model("lab", "Cluster").objects.create(name="other", resource_version=42)
    for kind, obj in moved.items():
        model = old_apps.get_model("lab", kind)
        _old_row(model, old_cluster.pk, obj).save()
        _old_row(model, other.pk, _bare(kind, "bare")).save()
    columns_before = {kind: list(old_apps.get_model("lab", kind).objects.values()) for kind in moved}

    _migrate(AFTER)
    storage = OrmStorage(Cluster.objects.get(pk=old_cluster.pk))
    elsewhere = OrmStorage(Cluster.objects.get(pk=other.pk))
    for kind, obj in moved.items():
        namespace = obj["metadata"].get("namespace")
        assert storage.get(kind, namespace, obj["metadata"]["name"]) == obj
        assert storage.list(kind) == [obj]
        assert elsewhere.list(kind) == [_bare(kind, "bare")]
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())  # the storage records history (0008) too
    with storage.transaction():  # the moved rows take writes through the new storage
        pod = storage.get("Pod", "default", SAMPLES["Pod"]["metadata"]["name"])
        pod["metadata"]["resourceVersion"] = str(storage.next_resource_version())
        storage.save("Pod", pod)
    assert storage.get("Pod", "default", pod["metadata"]["name"]) == pod

    reverted = _migrate(BEFORE)
    pod_row = reverted.get_model("lab", "Pod").objects.get(cluster_id=old_cluster.pk)
    assert pod_row.resource_version == 43
    pod_row.resource_version = 42
    pod_row.save()
    assert {kind: list(reverted.get_model("lab", kind).objects.values()) for kind in moved} == columns_before
