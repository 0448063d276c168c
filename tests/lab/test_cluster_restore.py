"""A cluster restored from a saved state holds the same objects and carries on from them as after a restart."""

import pytest
from django.db import IntegrityError

from cluster_engine.api.kinds import ALL_KINDS
from lab.cluster_restore import ClusterState, restore_cluster
from lab.models import Cluster
from lab.storage import OrmStorage

from .test_engine_host import run_with_host, until

pytestmark = pytest.mark.django_db(transaction=True)


def objects_of(cluster):
    storage = OrmStorage(cluster)
    return {
        (kind.kind, obj["metadata"].get("namespace"), obj["metadata"]["name"]): obj
        for kind in ALL_KINDS
        for obj in storage.list(kind.kind)
    }


def running_pods(cluster, namespace=None):
    return {
        obj["metadata"]["uid"]
        for key, obj in objects_of(cluster).items()
        if key[0] == "Pod" and namespace in (None, key[1]) and obj.get("status", {}).get("phase") == "Running"
    }


def without_version(obj):
    return {**obj, "metadata": {k: v for k, v in obj["metadata"].items() if k != "resourceVersion"}}


def test_a_restored_cluster_keeps_every_object_and_its_running_pods(demo, channel_layer):
    Cluster.objects.filter(pk=demo.pk).update(speed=100)

    async def pods_run(host, states):
        await until(lambda state: len(running_pods(demo, "default")) == 3, states, limit=2000)

    run_with_host(demo, pods_run, components=None)
    demo.refresh_from_db()
    saved = objects_of(demo)
    state = ClusterState(objects=list(saved.values()), now=demo.now, epoch=demo.epoch, topology=demo.topology)

    copy = restore_cluster("demo-copy", state)

    restored = objects_of(copy)
    assert {key: without_version(obj) for key, obj in restored.items()} == {
        key: without_version(obj) for key, obj in saved.items()
    }
    versions = sorted(int(obj["metadata"]["resourceVersion"]) for obj in restored.values())
    assert versions == list(range(1, len(saved) + 1)) and copy.resource_version == len(saved)
    assert copy.paused and copy.now == demo.now

    Cluster.objects.filter(pk=copy.pk).update(paused=False, speed=100)
    pods_before = running_pods(copy)

    async def carries_on(host, states):
        await until(lambda state: state["now"] >= copy.now + 30, states, limit=2000)

    run_with_host(copy, carries_on, components=None)
    assert running_pods(copy) == pods_before  # the same pods: nothing was recreated


def test_a_name_already_taken_writes_nothing(demo):
    state = ClusterState(objects=list(objects_of(demo).values()), now=0.0, epoch=demo.epoch)
    with pytest.raises(IntegrityError):
        restore_cluster("demo", state)
    assert Cluster.objects.count() == 1
