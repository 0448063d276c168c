"""The ORM storage gives the API server the same behaviour as the engine's in-memory storage."""

import random
import threading

import pytest
from django.db import connection

from cluster_engine.api.errors import ApiError
from cluster_engine.api.server import ApiServer
from cluster_engine.api.storage import MemoryStorage
from cluster_engine.runtime.clock import SimClock
from lab.apiserver import api_server_for
from lab.models import Cluster, KubeObject
from lab.storage import OrmStorage

EPOCH = 1767225600.0


def _outcome(call):
    try:
        result = call()
    except ApiError as error:
        return error.status()
    return result


def _scenario(server: ApiServer) -> list:
    """A little of everything: creates, updates, a stale write, a refused write, patch, list, delete."""
    trace = []
    config = {"metadata": {"name": "settings", "labels": {"tier": "web"}}, "data": {"mode": "slow"}}
    trace.append(_outcome(lambda: server.create("Namespace", {"metadata": {"name": "default"}})))
    created = server.create("ConfigMap", config)
    trace.append(created)
    fresh = {**created, "data": {"mode": "fast"}}
    trace.append(_outcome(lambda: server.update("ConfigMap", fresh)))
    trace.append(_outcome(lambda: server.update("ConfigMap", {**created, "data": {"mode": "stale"}})))
    trace.append(_outcome(lambda: server.create("ConfigMap", {"metadata": {"name": "Bad_Name"}})))
    trace.append(_outcome(lambda: server.create("ConfigMap", config)))
    trace.append(server.storage.resource_version())
    trace.append(_outcome(lambda: server.patch("ConfigMap", "default", "settings", {"data": {"extra": "1"}})))
    trace.append(server.create("ConfigMap", {"metadata": {"name": "other"}}))
    trace.append(server.list("ConfigMap", "default", label_selector="tier=web"))
    trace.append(server.list("ConfigMap"))
    trace.append(tuple(server.delete("ConfigMap", "default", "other")))
    trace.append(_outcome(lambda: server.get("ConfigMap", "default", "other")))
    trace.append(server.storage.resource_version())
    return trace


def _server(storage) -> ApiServer:
    return ApiServer(storage, SimClock(epoch=EPOCH, now=12), random.Random(7))


def test_orm_storage_behaves_like_memory(db):
    cluster = Cluster.objects.create(name="twin", epoch=EPOCH)
    in_memory = _scenario(_server(MemoryStorage()))
    in_database = _scenario(_server(OrmStorage(cluster)))
    assert in_database == in_memory
    assert in_memory[3]["reason"] == "Conflict"
    assert in_memory[4]["code"] == 422
    assert in_memory[5]["reason"] == "AlreadyExists"
    cluster.refresh_from_db()
    assert cluster.resource_version == in_memory[-1] == 6


def test_refused_write_leaves_the_database_unchanged(cluster):
    server = api_server_for(cluster)
    server.create("ConfigMap", {"metadata": {"name": "settings"}, "data": {"mode": "slow"}})
    before = (Cluster.objects.get(pk=cluster.pk).resource_version, list(KubeObject.objects.values()))
    with pytest.raises(ApiError) as refused:
        server.patch("ConfigMap", "default", "settings", {"data": {"bad key!": "x"}})
    assert refused.value.code == 422
    assert refused.value.causes[0]["field"] == "data[bad key!]"
    assert (Cluster.objects.get(pk=cluster.pk).resource_version, list(KubeObject.objects.values())) == before


def test_resource_versions_are_per_cluster(db):
    first, second = Cluster.objects.create(name="first"), Cluster.objects.create(name="second")
    for cluster in (first, second):
        api_server_for(cluster).create("Namespace", {"metadata": {"name": "default"}})
    made = api_server_for(second).create("ConfigMap", {"metadata": {"name": "settings"}})
    assert made["metadata"]["resourceVersion"] == "2"
    assert OrmStorage(first).resource_version() == 1
    assert api_server_for(first).list("ConfigMap") == ([], 1)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_writers_with_the_same_version_exactly_one_wins(demo):
    opened = api_server_for(demo).get("Deployment", "default", "web")
    start = threading.Barrier(2)
    outcomes = {}

    def write(replicas: int):
        try:
            start.wait()
            edited = {**opened, "spec": {**opened["spec"], "replicas": replicas}}
            outcomes[replicas] = _outcome(
                lambda: api_server_for(Cluster.objects.get(pk=demo.pk)).update("Deployment", edited)
            )
        finally:
            connection.close()

    writers = [threading.Thread(target=write, args=(replicas,)) for replicas in (4, 5)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    refused = [replicas for replicas, outcome in outcomes.items() if outcome.get("kind") == "Status"]
    won = [replicas for replicas in outcomes if replicas not in refused]
    assert len(refused) == 1 and len(won) == 1
    assert outcomes[refused[0]]["message"] == (
        'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; '
        "please apply your changes to the latest version and try again"
    )
    stored = KubeObject.objects.get(cluster=demo, kind="Deployment", name="web")
    assert stored.manifest["spec"]["replicas"] == won[0]
    assert stored.resource_version == demo.resource_version + 1 == Cluster.objects.get(pk=demo.pk).resource_version
