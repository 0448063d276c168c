"""A control plane killed mid-reconcile and replaced by a fresh one over the same storage converges exactly."""

import random

import pytest

from cluster_engine.api.availability import gate_for
from cluster_engine.api.kinds import ALL_KINDS
from cluster_engine.api.server import ApiServer
from cluster_engine.controllers.deployment import DeploymentController
from cluster_engine.controllers.garbagecollector import GarbageCollector
from cluster_engine.controllers.replicaset import ReplicaSetController
from cluster_engine.controllers.serviceaccount import ServiceAccountController
from cluster_engine.runtime.clock import SimClock
from cluster_engine.simulation import Simulation
from cluster_engine.stack import build_stack

from .helpers import deployment, namespace

CONTROLLERS = [ServiceAccountController, GarbageCollector, DeploymentController, ReplicaSetController]


class Crash(Exception):
    """The control-plane process dies right after a write was committed."""


def crash_after(sim: Simulation, kind: str, count: int) -> None:
    seen = []

    def watcher(event):
        if event["type"] == "ADDED" and event["object"]["kind"] == kind:
            seen.append(event)
            if len(seen) == count:
                raise Crash()

    sim.storage.subscribers.append(watcher)


def fresh_control_plane(sim: Simulation):
    """A new process: its own clock (from the same instant), API client, informers listed from storage."""
    clock = SimClock(epoch=sim.clock.epoch, now=sim.clock.now)
    server = ApiServer(sim.storage, clock, random.Random(99), gate=gate_for(sim.storage))
    operator = ApiServer(sim.storage, clock, server.rng)
    stack = build_stack(server, operator, seed=2, components=CONTROLLERS)
    sim.storage.subscribers[:] = [lambda event: stack.cache.apply(event["type"], event["object"])]
    for kind in ALL_KINDS:
        items, version = server.list(kind.kind)
        stack.cache.replace(kind.kind, items, version)
    stack.control_plane.start()
    return stack


@pytest.mark.parametrize(("kind", "count"), [("ReplicaSet", 1), ("Pod", 2), ("Pod", 5)])
def test_restart_mid_reconcile_converges_without_duplicates_or_losses(kind, count):
    sim = Simulation(seed=1, components=CONTROLLERS)
    sim.apply(namespace())
    crash_after(sim, kind, count)
    sim.apply([deployment(replicas=5)])
    with pytest.raises(Crash):
        sim.start()
    stack = fresh_control_plane(sim)
    stack.control_plane.run_for(60)
    replica_sets = sim.storage.list("ReplicaSet", "default")
    pods = sim.storage.list("Pod", "default")
    assert len(replica_sets) == 1
    [rs] = replica_sets
    assert rs["spec"]["replicas"] == 5 and rs["status"]["replicas"] == 5
    assert len(pods) == 5
    assert {pod["metadata"]["ownerReferences"][0]["uid"] for pod in pods} == {rs["metadata"]["uid"]}
    d = sim.storage.get("Deployment", "default", "web")
    assert d["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "1"
    assert (d["status"]["replicas"], d["status"]["updatedReplicas"]) == (5, 5)
    # the fresh cache agrees with storage, object for object
    assert sorted(p["metadata"]["uid"] for p in stack.cache.list("Pod")) == sorted(p["metadata"]["uid"] for p in pods)
    assert stack.ctx.errors == []
