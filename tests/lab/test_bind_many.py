"""Batch binding through the ORM: one transaction, one watch message, and what the storage remembers meanwhile."""

import pytest
from asgiref.sync import async_to_sync

from cluster_engine.api.errors import ApiError
from lab.apiserver import api_server_for
from lab.groups import cluster_group
from lab.models import Cluster, proxy_for

pytestmark = pytest.mark.django_db(transaction=True)
DECISION = {"kubelab.io/scheduling-decision": '{"node":"worker-1"}'}


def pending(name: str) -> dict:
    return {"metadata": {"name": name}, "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}}


@pytest.fixture
def pods(cluster):
    operator = api_server_for(cluster, operator=True)
    operator.create("ServiceAccount", {"metadata": {"name": "default"}})
    for name in ("web-1", "web-2", "web-3"):
        operator.create("Pod", pending(name))
    operator.bind("default", "web-3", "worker-2")
    return operator


def test_bind_many_persists_each_binding_and_publishes_one_message(cluster, pods, channel_layer):
    channel = async_to_sync(channel_layer.new_channel)()
    async_to_sync(channel_layer.group_add)(cluster_group(cluster.pk), channel)
    before = Cluster.objects.get(pk=cluster.pk).resource_version
    results = api_server_for(cluster).bind_many(
        [
            ("default", "web-1", "worker-1", DECISION),
            ("default", "web-3", "worker-1", DECISION),
            ("default", "web-2", "worker-2", DECISION),
        ]
    )
    assert isinstance(results[1], ApiError) and results[1].code == 409
    assert [results[0]["metadata"]["resourceVersion"], results[2]["metadata"]["resourceVersion"]] == [
        str(before + 1),
        str(before + 2),
    ]
    assert Cluster.objects.get(pk=cluster.pk).resource_version == before + 2
    rows = {row.name: row for row in proxy_for("Pod").objects.filter(cluster=cluster)}
    assert {name: row.node_name for name, row in rows.items()} == {
        "web-1": "worker-1",
        "web-2": "worker-2",
        "web-3": "worker-2",
    }
    assert rows["web-1"].manifest["metadata"]["annotations"] == DECISION
    assert "annotations" not in rows["web-3"].manifest["metadata"]
    message = async_to_sync(channel_layer.receive)(channel)
    assert message == {
        "type": "watch.events",
        "events": [{"type": "MODIFIED", "object": results[0]}, {"type": "MODIFIED", "object": results[2]}],
        "resourceVersion": before + 2,
    }


def test_a_failed_nested_write_is_forgotten_and_the_rest_of_the_transaction_commits(cluster, pods):
    server = api_server_for(cluster)
    with server.storage.transaction():
        server.patch("Pod", "default", "web-1", {"metadata": {"labels": {"kept": "yes"}}})
        with pytest.raises(RuntimeError), server.storage.transaction():
            server.patch("Pod", "default", "web-2", {"metadata": {"labels": {"ghost": "yes"}}})
            raise RuntimeError("the nested request failed after its write")
        # read after the rollback: the database's state, not the rolled-back write the storage had seen
        assert "labels" not in server.get("Pod", "default", "web-2")["metadata"]
        server.patch("Pod", "default", "web-2", {"metadata": {"labels": {"later": "yes"}}})
    labels = dict(proxy_for("Pod").objects.filter(cluster=cluster).values_list("name", "manifest__metadata__labels"))
    assert labels == {"web-1": {"kept": "yes"}, "web-2": {"later": "yes"}, "web-3": None}
    assert Cluster.objects.get(pk=cluster.pk).resource_version == int(
        server.get("Pod", "default", "web-2")["metadata"]["resourceVersion"]
    )
