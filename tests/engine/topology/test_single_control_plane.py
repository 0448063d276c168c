"""A single control plane is a single point of failure: while its API server is down nothing acts."""

import pytest

from cluster_engine.api.availability import UNAVAILABLE_MESSAGE
from cluster_engine.api.errors import ApiError
from cluster_engine.controllers.replicaset import ReplicaSetController
from cluster_engine.leaderelection import JITTER_FACTOR, LEASE_DURATION, RENEW_DEADLINE, RETRY_PERIOD

from .cluster import events, lease, power, started, status, take

LONGEST_RETRY = RETRY_PERIOD * (1 + JITTER_FACTOR)


def replica_set(replicas: int) -> dict:
    labels = {"app": "web"}
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "web", "image": "nginx"}]}},
        },
    }


def pods(sim) -> list[dict]:
    return sim.objects("Pod", "default")


def assert_refused(sim) -> None:
    with pytest.raises(ApiError) as refused:
        sim.server.create("ConfigMap", {"metadata": {"name": "probe", "namespace": "default"}})
    assert (refused.value.code, refused.value.message) == (503, UNAVAILABLE_MESSAGE)


def test_an_api_server_fault_lapses_leadership_after_the_renew_deadline_and_recovery_resumes_work():
    sim = started("single", components=(ReplicaSetController,))
    sim.run_until(21)  # last renewal at 20 s
    holder = lease(sim, "kube-controller-manager")["holderIdentity"]
    take(sim, "kube-apiserver-control-plane-1", "down")
    assert_refused(sim)
    assert status(sim, "kube-apiserver-control-plane-1")["message"] == "stopped by a fault (kubelab.io/state: down)"
    sim.apply([replica_set(2)])  # already stored when the API server stopped answering

    # the controller manager still runs and believes it leads, but every renewal fails with 503 ...
    lapse = 20 + RETRY_PERIOD + RENEW_DEADLINE
    sim.run_until(lapse - 0.001)
    assert sim.ctx.is_leader("kube-controller-manager")
    assert status(sim, "kube-controller-manager-control-plane-1")["leader"] is True
    # ... until the renew deadline passes and it gives up leading
    sim.run_until(lapse)
    assert not sim.ctx.is_leader("kube-controller-manager")
    assert not sim.ctx.is_leader("kube-scheduler")
    assert status(sim, "kube-controller-manager-control-plane-1")["leader"] is False
    assert status(sim, "kube-controller-manager-control-plane-1")["phase"] == "Running"

    sim.run_until(100)
    assert pods(sim) == []  # nothing acted: its writes were refused, then it stopped leading
    assert lease(sim, "kube-controller-manager")["holderIdentity"] == holder
    assert sim.ctx.errors == []

    take(sim, "kube-apiserver-control-plane-1", "up")
    # the restarted controller manager must see the old record unchanged for a lease duration before taking it
    sim.run_until(100 + LEASE_DURATION - 0.001)
    assert pods(sim) == []
    while lease(sim, "kube-controller-manager")["holderIdentity"] == holder:
        sim.step()
    assert 100 + LEASE_DURATION <= sim.now < 100 + LEASE_DURATION + 2 * LONGEST_RETRY
    spec = lease(sim, "kube-controller-manager")
    assert spec["holderIdentity"].startswith("control-plane-1_")
    assert spec["leaseTransitions"] == 1
    assert sim.ctx.is_leader("kube-controller-manager")
    assert len(pods(sim)) == 2  # work resumed the moment it led again
    assert f"{spec['holderIdentity']} became leader" in events(sim, "LeaderElection")


def test_powering_off_the_only_control_plane_stops_every_controller_at_once():
    sim = started("single", components=(ReplicaSetController,))
    sim.run_until(21)
    power(sim, "control-plane-1", "off")
    assert_refused(sim)
    for component in ("kube-controller-manager", "kube-scheduler", "cloud-controller-manager"):
        assert not sim.ctx.is_leader(component)
        assert status(sim, f"{component}-control-plane-1")["phase"] == "Down"
    sim.apply([replica_set(1)])
    sim.run_until(100)
    assert pods(sim) == []

    power(sim, "control-plane-1", "on")
    sim.server.create("ConfigMap", {"metadata": {"name": "probe", "namespace": "default"}})
    # fresh processes poll at once, see the old holder's record and wait out a whole lease duration
    sim.run_until(100 + LEASE_DURATION - 0.001)
    assert pods(sim) == []
    sim.run_until(100 + LEASE_DURATION + LONGEST_RETRY)
    assert len(pods(sim)) == 1
    assert status(sim, "kube-controller-manager-control-plane-1")["leader"] is True
