"""Leader election over Leases: start-up, renewal, HA failover when the leader's machine goes dark."""

import pytest

from cluster_engine.leaderelection import ELECTED_COMPONENTS, JITTER_FACTOR, LEASE_DURATION, RETRY_PERIOD

from .cluster import events, holder_node, lease, power, started, status

# the slowest an acquire loop can poll: retryPeriod stretched by the full jitter
LONGEST_RETRY = RETRY_PERIOD * (1 + JITTER_FACTOR)


def test_the_first_candidate_creates_each_lease_and_the_others_stand_by():
    sim = started("ha")
    sim.run_for(0)
    for component in ELECTED_COMPONENTS:
        spec = lease(sim, component)
        node, _, suffix = spec["holderIdentity"].partition("_")
        assert node == "control-plane-1"
        assert len(suffix) == 36  # "<hostname>_<uuid>", as the upstream binaries name themselves
        assert spec["leaseDurationSeconds"] == 15
        assert spec["leaseTransitions"] == 0
        assert spec["acquireTime"] == spec["renewTime"] == "2026-01-01T00:00:00.000000Z"
        assert f"{spec['holderIdentity']} became leader" in events(sim, "LeaderElection")
        assert sim.ctx.is_leader(component)
        assert status(sim, f"{component}-control-plane-1")["leader"] is True
        assert status(sim, f"{component}-control-plane-2") == {
            "phase": "Running",
            "leader": False,
            "message": f"running on control-plane-2; standby, waiting for Lease kube-system/{component}",
            "lastTransitionTime": "2026-01-01T00:00:00Z",
        }
    assert status(sim, "kube-apiserver-control-plane-1")["leader"] is False
    assert len(events(sim, "LeaderElection")) == 3


def test_the_leader_renews_every_retry_period_keeping_its_acquire_time():
    sim = started("single")
    sim.run_until(11)
    spec = lease(sim, "kube-scheduler")
    assert spec["renewTime"] == "2026-01-01T00:00:10.000000Z"
    assert spec["acquireTime"] == "2026-01-01T00:00:00.000000Z"
    assert spec["leaseTransitions"] == 0
    assert len(events(sim, "LeaderElection")) == 3


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_powering_off_the_leaders_machine_moves_leadership_within_one_lease_duration(seed):
    sim = started("ha", seed=seed)
    sim.run_until(31)  # the leader last renewed at 30 s
    old = holder_node(sim, "kube-controller-manager")
    power(sim, old, "off")
    assert not sim.ctx.is_leader("kube-controller-manager")  # its process died with the machine
    assert status(sim, f"kube-controller-manager-{old}") == {
        "phase": "Down",
        "leader": False,
        "message": f'node "{old}" is powered off (kubelab.io/power: off)',
        "lastTransitionTime": "2026-01-01T00:00:31Z",
    }

    sim.run_until(30 + LEASE_DURATION - 0.001)  # nobody may take a lease the others saw renewed 15 s ago
    assert holder_node(sim, "kube-controller-manager") == old
    while holder_node(sim, "kube-controller-manager") == old:
        sim.step()

    taken_at = sim.now
    # a standby saw the last renewal on one of its polls, then waits a lease duration and polls once more
    assert 30 + LEASE_DURATION <= taken_at < 30 + LEASE_DURATION + 2 * LONGEST_RETRY
    spec = lease(sim, "kube-controller-manager")
    new = holder_node(sim, "kube-controller-manager")
    assert new in {"control-plane-2", "control-plane-3"} - {old}
    assert spec["leaseTransitions"] == 1
    assert spec["acquireTime"] == spec["renewTime"] == sim.clock.micro_timestamp(taken_at)
    assert f"{spec['holderIdentity']} became leader" in events(sim, "LeaderElection")
    assert sim.ctx.is_leader("kube-controller-manager")
    assert status(sim, f"kube-controller-manager-{new}")["leader"] is True
    assert status(sim, f"kube-controller-manager-{new}")["message"] == (
        f"running on {new}; leader (holds Lease kube-system/kube-controller-manager)"
    )

    sim.run_for(60)  # every elected component moved off the dark machine, and nothing flaps afterwards
    for component in ELECTED_COMPONENTS:
        assert holder_node(sim, component) != old
        assert lease(sim, component)["leaseTransitions"] == 1


def test_a_machine_powered_back_on_rejoins_as_a_standby():
    sim = started("ha")
    sim.run_until(31)
    power(sim, "control-plane-1", "off")
    sim.run_until(90)
    power(sim, "control-plane-1", "on")
    sim.run_until(150)
    for component in ELECTED_COMPONENTS:
        assert holder_node(sim, component) != "control-plane-1"
        assert lease(sim, component)["leaseTransitions"] == 1
        assert status(sim, f"{component}-control-plane-1")["phase"] == "Running"
        assert status(sim, f"{component}-control-plane-1")["leader"] is False
    assert status(sim, "etcd-control-plane-1")["lastTransitionTime"] == "2026-01-01T00:01:30Z"
