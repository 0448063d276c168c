"""The same rolling update under traffic with two strategies, measured by the client's meter: `maxUnavailable: 0`
(with a surge) keeps every old pod serving until a new one is ready and drops nothing; `maxUnavailable: 100%` takes
every old pod away at once and drops requests until new pods are ready, or for good when they never are."""

import pytest

from .helpers import cluster, failures, record

WITH_SURGE = {"maxSurge": 1, "maxUnavailable": 0}
ALL_AT_ONCE = {"maxSurge": 0, "maxUnavailable": "100%"}
NEW_IMAGE = {"spec": {"template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:1.28"}]}}}}
RATE = 200


def rolled_out(strategy: dict, fail_readiness: bool = False) -> tuple[dict, dict]:
    """Update web's image with this strategy (its pods drain for 2 s after SIGTERM, shorter than a new pod takes to be
    ready), like `kubectl set image`: the failed requests of the next minute, per second, and the Deployment."""
    sim, traffic = cluster(seed=1, rate=RATE, via="ClusterIP")
    drain = {"metadata": {"annotations": {"kubelab.io/shutdown-seconds": "2"}}}
    sim.client.patch(
        "Deployment", "default", "web", {"spec": {"strategy": {"rollingUpdate": strategy}, "template": drain}}
    )
    sim.run_for(120)
    update = NEW_IMAGE
    if fail_readiness:
        failing = {"metadata": {"annotations": {"kubelab.io/fail-probe": "readiness"}}}
        update = {"spec": {"template": {**NEW_IMAGE["spec"]["template"], **failing}}}
    sim.client.patch("Deployment", "default", "web", update, "strategic")
    failed = failures(record(sim, traffic, 60))
    return failed, sim.get("Deployment", "default/web")


def total(failed: dict) -> int:
    return sum(sum(reasons.values()) for reasons in failed.values())


def test_no_unavailable_pod_drops_nothing_while_all_unavailable_at_once_drops_requests_until_new_pods_are_ready():
    surge, deployment = rolled_out(WITH_SURGE)
    assert surge == {}
    assert deployment["status"]["updatedReplicas"] == deployment["status"]["availableReplicas"] == 3

    at_once, deployment = rolled_out(ALL_AT_ONCE)
    assert deployment["status"]["updatedReplicas"] == deployment["status"]["availableReplicas"] == 3
    # Refused once the old containers exit and before a new pod is ready: a few seconds of the minute, not all of it.
    assert 2 <= len(at_once) <= 10
    assert RATE <= total(at_once) <= 10 * RATE
    assert {"refused"} <= set().union(*at_once.values()) <= {"refused", "timeout"}


@pytest.mark.parametrize(("strategy", "drops"), [(WITH_SURGE, False), (ALL_AT_ONCE, True)])
def test_a_new_version_that_never_gets_ready(strategy, drops):
    failed, deployment = rolled_out(strategy, fail_readiness=True)
    if not drops:
        # the rollout stalls on the one surge pod; the old pods keep every request
        assert failed == {}
        assert deployment["status"]["updatedReplicas"] == 1
        assert deployment["status"]["availableReplicas"] == 3
    else:
        # nothing is left to serve once the old pods have drained: every request of the last seconds fails
        assert deployment["status"].get("availableReplicas", 0) == 0
        assert total(failed) > 50 * RATE
        assert all(failed.get(at) == {"refused": RATE} for at in sorted(failed)[-10:])
