import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from lab.apiserver import api_server_for
from lab.demo import create_demo_cluster
from lab.models import Cluster


@pytest.fixture
def cluster(db):
    """An empty cluster with the default namespace."""
    created = Cluster.objects.create(name="test")
    api_server_for(created, operator=True).create("Namespace", {"metadata": {"name": "default"}})
    created.refresh_from_db()
    return created


@pytest.fixture
def demo(db):
    return create_demo_cluster()


@pytest.fixture
def channel_layer():
    layer = get_channel_layer()
    async_to_sync(layer.flush)()
    yield layer
    async_to_sync(layer.flush)()
