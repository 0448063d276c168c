import random

import pytest

from cluster_engine.api.kinds import ALL_KINDS
from cluster_engine.api.server import ApiServer
from cluster_engine.api.storage import MemoryStorage
from cluster_engine.runtime.clock import SimClock
from cluster_engine.simulation import DEFAULT_EPOCH


def new_server(seed: int = 7) -> ApiServer:
    """An API server over fresh memory storage holding what every cluster has: namespaces and default accounts."""
    server = ApiServer(MemoryStorage(), SimClock(epoch=DEFAULT_EPOCH), random.Random(seed))
    for name in ("default", "kube-system", "kube-node-lease"):
        server.create("Namespace", {"metadata": {"name": name}})
        server.create("ServiceAccount", {"metadata": {"name": "default", "namespace": name}})
    return server


def snapshot(storage) -> tuple:
    """Everything storage holds plus its revision: equal snapshots mean nothing was written."""
    return {kind.kind: storage.list(kind.kind) for kind in ALL_KINDS}, storage.resource_version()


@pytest.fixture
def server() -> ApiServer:
    return new_server()


@pytest.fixture
def watch(server) -> list[dict]:
    """The watch events storage published, in order."""
    events: list[dict] = []
    server.storage.subscribers.append(events.append)
    return events
