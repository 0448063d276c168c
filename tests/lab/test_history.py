"""Each cluster's history records every committed write and rebuilds the cluster as it stood at any revision."""

import asyncio

import pytest
from django.db import transaction

from cluster_engine.api.errors import ApiError
from cluster_engine.api.kinds import ALL_KINDS
from lab.apiserver import api_server_for
from lab.history import recording
from lab.history.forking import fork_name
from lab.history.reading import changes_after, horizon, objects_at, revision_at
from lab.models import Cluster, HistoryEntry
from lab.storage import OrmStorage

from .test_engine_host import run_with_host

KINDS = tuple(kind.kind for kind in ALL_KINDS)


def stored_state(cluster):
    """The cluster's revision and every object, read together in one transaction."""
    with transaction.atomic():
        revision = Cluster.objects.values_list("resource_version", flat=True).get(pk=cluster.pk)
        storage = OrmStorage(cluster)
        return revision, [obj for kind in sorted(KINDS) for obj in storage.list(kind)]


def keyed(objects):
    return {(obj["kind"], obj["metadata"].get("namespace"), obj["metadata"]["name"]): obj for obj in objects}


def entries(cluster):
    return list(
        HistoryEntry.objects.filter(cluster=cluster)
        .order_by("revision")
        .values_list("revision", "type", "kind", "name")
    )


@pytest.mark.django_db
def test_every_write_is_recorded_with_its_revision_and_deletes_too(cluster):
    api = api_server_for(cluster)
    before = cluster.resource_version
    api.create("ConfigMap", {"metadata": {"name": "settings", "namespace": "default"}, "data": {"a": "1"}})
    api.update("ConfigMap", {**api.get("ConfigMap", "default", "settings"), "data": {"a": "2"}})
    api.delete("ConfigMap", "default", "settings")

    assert entries(cluster)[-3:] == [
        (before + 1, "ADDED", "ConfigMap", "settings"),
        (before + 2, "MODIFIED", "ConfigMap", "settings"),
        (before + 3, "DELETED", "ConfigMap", "settings"),
    ]
    assert keyed(objects_at(cluster, before + 2))[("ConfigMap", "default", "settings")]["data"] == {"a": "2"}
    assert ("ConfigMap", "default", "settings") not in keyed(objects_at(cluster, before + 3))
    assert [change["type"] for change in changes_after(cluster, before, ("ConfigMap",), 10)] == [
        "ADDED",
        "MODIFIED",
        "DELETED",
    ]


@pytest.mark.django_db
def test_a_refused_write_leaves_no_history(cluster):
    api = api_server_for(cluster)
    recorded = entries(cluster)
    with pytest.raises(ApiError) as refused:
        api.create("ConfigMap", {"metadata": {"name": "Not_A_Name", "namespace": "default"}})
    assert refused.value.code == 422
    with pytest.raises(RuntimeError), OrmStorage(cluster).transaction():
        api_server_for(cluster).create("ConfigMap", {"metadata": {"name": "rolled-back", "namespace": "default"}})
        raise RuntimeError("the transaction fails after the write")
    assert entries(cluster) == recorded


@pytest.mark.django_db
def test_writes_carry_the_simulated_time_of_the_clock_that_made_them(cluster):
    Cluster.objects.filter(pk=cluster.pk).update(now=125.0)
    cluster.refresh_from_db()
    before = cluster.resource_version
    api_server_for(cluster).create("ConfigMap", {"metadata": {"name": "late", "namespace": "default"}})
    assert revision_at(cluster, 200.0) == (before + 1, 125.0)
    assert revision_at(cluster, 100.0)[0] == before


@pytest.mark.django_db
def test_pruning_keeps_the_newest_writes_and_every_live_object_so_later_moments_still_rebuild(
    cluster, settings, monkeypatch
):
    settings.HISTORY_REVISIONS = 12
    monkeypatch.setattr(recording, "PRUNE_EVERY", 5)
    api = api_server_for(cluster)
    captured = {}
    for step in range(40):
        name = f"c{step % 4}"
        if step % 7 == 6:
            api.delete("ConfigMap", "default", name)
        elif OrmStorage(cluster).get("ConfigMap", "default", name) is None:
            api.create("ConfigMap", {"metadata": {"name": name, "namespace": "default"}, "data": {"n": str(step)}})
        else:
            api.update("ConfigMap", {**api.get("ConfigMap", "default", name), "data": {"n": str(step)}})
        revision, objects = stored_state(cluster)
        captured[revision] = objects

    oldest, _ = horizon(cluster)
    assert oldest >= max(captured) - 12 - 5
    # the newest writes plus, below them, one write per object alive then (the default namespace and 4 maps)
    assert HistoryEntry.objects.filter(cluster=cluster).count() <= 12 + 5 + 5
    for revision, objects in captured.items():
        if revision >= oldest:
            assert objects_at(cluster, revision) == objects
    with pytest.raises(ApiError) as expired:
        objects_at(cluster, oldest - 1)
    assert expired.value.code == 410 and expired.value.reason == "Expired"


@pytest.mark.django_db(transaction=True)
def test_the_state_rebuilt_at_a_revision_is_what_storage_held_then(demo, channel_layer):
    """The full control plane runs the demo at 100x; at moments along the way the stored state is captured, then
    rebuilt from the history alone."""
    Cluster.objects.filter(pk=demo.pk).update(speed=100)
    captured = {}

    async def scenario(host, states):
        async for state in states:
            revision, objects = await asyncio.to_thread(stored_state, demo)
            captured[revision] = objects
            if state["now"] >= 120 and len(captured) >= 5:
                return

    run_with_host(demo, scenario, components=None)
    assert len(captured) >= 5
    for revision, objects in captured.items():
        assert keyed(objects_at(demo, revision)) == keyed(objects)


def test_a_fork_is_named_for_the_simulated_second_and_fits_a_cluster_name():
    assert fork_name(Cluster(name="demo"), 754.9) == "demo-at-754"
    long = fork_name(Cluster(name="c" * 63), 123456.0)
    assert long == "c" * 53 + "-at-123456" and len(long) == 63
