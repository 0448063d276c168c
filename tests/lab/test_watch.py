"""Watch events reach the cluster's channel-layer group after commit, and never for a rolled-back write."""

import pytest
from asgiref.sync import async_to_sync
from django.db import transaction

from lab.apiserver import api_server_for
from lab.groups import cluster_group

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def subscriber(cluster, channel_layer):
    channel = async_to_sync(channel_layer.new_channel)()
    async_to_sync(channel_layer.group_add)(cluster_group(cluster.pk), channel)
    return lambda: async_to_sync(channel_layer.receive)(channel)


def test_a_committed_write_reaches_the_group(cluster, subscriber):
    created = api_server_for(cluster).create("ConfigMap", {"metadata": {"name": "settings"}, "data": {"a": "1"}})
    message = subscriber()
    assert message == {
        "type": "watch.event",
        "event": {"type": "ADDED", "object": created},
        "resourceVersion": int(created["metadata"]["resourceVersion"]),
    }


def test_no_event_before_the_outer_transaction_commits(cluster, subscriber, channel_layer):
    with transaction.atomic():
        api_server_for(cluster).create("ConfigMap", {"metadata": {"name": "settings"}})
        assert channel_layer.channels == {}  # nothing queued for any subscriber yet
    assert subscriber()["event"]["object"]["metadata"]["name"] == "settings"


def test_a_rolled_back_write_is_never_published(cluster, subscriber):
    server = api_server_for(cluster)
    with pytest.raises(RuntimeError), transaction.atomic():
        server.create("ConfigMap", {"metadata": {"name": "ghost"}})
        raise RuntimeError("the request failed after the write")
    kept = server.create("ConfigMap", {"metadata": {"name": "kept"}})
    message = subscriber()  # FIFO: had the ghost been published, it would come first
    assert message["event"]["object"]["metadata"]["name"] == "kept"
    assert message["resourceVersion"] == int(kept["metadata"]["resourceVersion"]) == 2


def test_writes_of_one_transaction_go_out_as_one_message(cluster, subscriber):
    server = api_server_for(cluster)
    with server.storage.transaction():
        first = server.create("ConfigMap", {"metadata": {"name": "first"}})
        second = server.patch("ConfigMap", "default", "first", {"data": {"b": "2"}})
    message = subscriber()
    assert message == {
        "type": "watch.events",
        "events": [{"type": "ADDED", "object": first}, {"type": "MODIFIED", "object": second}],
        "resourceVersion": 3,
    }
