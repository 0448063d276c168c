"""The lab's API server: cluster_engine's ApiServer over the ORM storage of one cluster.

This is the only way the lab writes cluster objects. Admin forms and actions, the kube API, browser buttons and
the control plane all come through here, so every write is validated, versioned and heard by watchers.
"""

import random

from cluster_engine.api.availability import gate_for
from cluster_engine.api.server import ApiServer
from cluster_engine.runtime.clock import SimClock

from .models import Cluster
from .storage import OrmStorage


def clock_for(cluster: Cluster) -> SimClock:
    """The cluster's clock as stored: object timestamps written through it read as the simulated time."""
    return SimClock(epoch=cluster.epoch, now=cluster.now, speed=cluster.speed, paused=cluster.paused)


def api_server_for(
    cluster: Cluster, operator: bool = False, clock: SimClock | None = None, rng: random.Random | None = None
) -> ApiServer:
    """A client's API server (refusing with 503 while the simulated kube-apiserver is down) or, with
    `operator=True`, the simulator's own hands (seeding, powering machines), which no fault can lock out.
    The control plane passes its live clock and seeded rng; other callers get the clock as last stored."""
    clock = clock or clock_for(cluster)
    storage = OrmStorage(cluster, clock)
    return ApiServer(
        storage,
        clock,
        rng or random.Random(),
        gate=None if operator else gate_for(storage),
        max_replicas=cluster.max_replicas,
    )
