"""The disruption controller, with cases from upstream's pkg/controller/disruption tests, and the Eviction API
that spends what it allows."""

import pytest

from cluster_engine.api import eviction
from cluster_engine.api.errors import ApiError
from cluster_engine.controllers.disruption import DisruptionController
from cluster_engine.controllers.replicaset import ReplicaSetController

from .helpers import events, pods, replica_set, set_pod_status, simulation

SELECTOR = {"matchLabels": {"app": "web"}}


def budget(name: str = "web", **spec) -> dict:
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"selector": SELECTOR, **spec},
    }


def naked_pod(name: str) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "default", "labels": {"app": "web"}},
        "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
    }


def status(sim, name: str = "web") -> dict:
    return sim.get("PodDisruptionBudget", f"default/{name}")["status"]


def counts(sim, name: str = "web") -> tuple:
    found = status(sim, name)
    return (found["currentHealthy"], found["desiredHealthy"], found["expectedPods"], found["disruptionsAllowed"])


def ready(sim, *names: str) -> None:
    for name in names:
        set_pod_status(sim, sim.get("Pod", f"default/{name}"))
    sim.run_for(0)


def condition(sim, name: str = "web") -> tuple:
    (found,) = status(sim, name)["conditions"]
    return found["type"], found["status"], found["reason"], found["message"]


def test_no_selector_protects_nothing():
    """upstream TestNoSelector: without a selector the budget matches no pod and allows nothing."""
    sim = simulation([DisruptionController], [naked_pod("a"), {**budget(minAvailable=0), "spec": {"minAvailable": 0}}])
    ready(sim, "a")
    assert counts(sim) == (0, 0, 0, 0)
    assert condition(sim) == ("DisruptionAllowed", "False", "InsufficientPods", "")
    assert ("NoPods", "No matching pods found") in events(sim)


def test_integer_min_available_counts_the_pods_there_are():
    """upstream TestIntegerMinAvailable (naked pods are fine with an integer)."""
    sim = simulation([DisruptionController], [naked_pod("a"), naked_pod("b"), budget(minAvailable=1)])
    assert counts(sim) == (0, 1, 2, 0)
    ready(sim, "a")
    assert counts(sim) == (1, 1, 2, 0)
    ready(sim, "b")
    assert counts(sim) == (2, 1, 2, 1)
    assert condition(sim) == ("DisruptionAllowed", "True", "SufficientPods", "")
    assert status(sim)["observedGeneration"] == 1


def test_max_unavailable_reads_the_replica_set_scale():
    """upstream TestReplicaSet / TestMaxUnavailable: expected pods come from the controller's replicas."""
    sim = simulation(
        [ReplicaSetController, DisruptionController], [replica_set(replicas=4), budget(maxUnavailable="30%")]
    )
    ready(sim, *(pod["metadata"]["name"] for pod in pods(sim)))
    # 30% of 4 rounds up to 2 unavailable, so 2 must stay healthy
    assert counts(sim) == (4, 2, 4, 2)


def test_percentage_min_available_rounds_up():
    sim = simulation(
        [ReplicaSetController, DisruptionController], [replica_set(replicas=3), budget(minAvailable="50%")]
    )
    ready(sim, *(pod["metadata"]["name"] for pod in pods(sim)))
    assert counts(sim) == (3, 2, 3, 1)


def test_pods_without_a_scalable_controller_fail_safe():
    """upstream failSafe: a DaemonSet's pods have no scale, so a percentage budget allows nothing, SyncFailed."""
    orphan = naked_pod("a")
    orphan["metadata"]["ownerReferences"] = [
        {"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "agent", "uid": "d5", "controller": True}
    ]
    sim = simulation([DisruptionController], [orphan, budget(maxUnavailable=1)])
    ready(sim, "a")
    assert status(sim)["disruptionsAllowed"] == 0
    assert condition(sim) == ("DisruptionAllowed", "False", "SyncFailed", 'found no controllers for pod "a"')
    assert ("NoControllers", 'found no controllers for pod "a"') in events(sim)


def evict_refused(sim, name: str) -> ApiError:
    with pytest.raises(ApiError) as refused:
        eviction.evict(sim.server, "default", name)
    return refused.value


def test_eviction_blocked_by_the_budget_is_429_and_changes_nothing():
    sim = simulation([DisruptionController], [naked_pod("a"), naked_pod("b"), budget(minAvailable=2)])
    ready(sim, "a", "b")
    before = (sim.get("Pod", "default/a"), sim.get("PodDisruptionBudget", "default/web"))
    refusal = evict_refused(sim, "a")
    assert refusal.status() == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": "Cannot evict pod as it would violate the pod's disruption budget.",
        "reason": "TooManyRequests",
        "code": 429,
        "details": {
            "causes": [
                {
                    "reason": "DisruptionBudget",
                    "message": "The disruption budget web needs 2 healthy pods and has 2 currently",
                }
            ]
        },
    }
    assert (sim.get("Pod", "default/a"), sim.get("PodDisruptionBudget", "default/web")) == before


def test_allowed_eviction_marks_the_pod_and_spends_the_budget():
    sim = simulation([DisruptionController], [naked_pod("a"), naked_pod("b"), budget(minAvailable=1)])
    ready(sim, "a", "b")
    sim.server.bind("default", "a", "node-0")  # bound and running: it terminates gracefully
    evicted = eviction.evict(sim.server, "default", "a")
    assert evicted["metadata"]["deletionTimestamp"]
    target = next(c for c in evicted["status"]["conditions"] if c["type"] == "DisruptionTarget")
    assert (target["status"], target["reason"], target["message"]) == (
        "True",
        "EvictionByEvictionAPI",
        "Eviction API: evicting",
    )
    stored = sim.server.get("PodDisruptionBudget", "default", "web")["status"]
    assert stored["disruptionsAllowed"] == 0 and list(stored["disruptedPods"]) == ["a"]
    assert evict_refused(sim, "b").code == 429  # the one disruption is spent
    sim.run_for(0)  # the controller sees a terminating and forgets the eviction
    assert "disruptedPods" not in status(sim) and counts(sim) == (1, 1, 2, 0)


def test_pending_pods_and_pods_no_budget_covers_are_evicted_at_once():
    """upstream canIgnorePDB: a pending pod disrupts nothing."""
    sim = simulation([DisruptionController], [naked_pod("a"), budget(minAvailable=5)])
    assert eviction.evict(sim.server, "default", "a") is not None
    assert sim.get("Pod", "default/a") is None


@pytest.mark.parametrize(("policy", "evicted"), [(None, False), ("IfHealthyBudget", False), ("AlwaysAllow", True)])
def test_unhealthy_pod_eviction_policy(policy, evicted):
    """upstream TestEvictionIgnorePDB: an unready pod goes under AlwaysAllow even when the budget is short."""
    spec = {"minAvailable": 2} | ({"unhealthyPodEvictionPolicy": policy} if policy else {})
    sim = simulation([DisruptionController], [naked_pod("a"), naked_pod("b"), budget(**spec)])
    ready(sim, "a")
    set_pod_status(sim, sim.get("Pod", "default/b"), ready=False)
    sim.run_for(0)
    if evicted:
        eviction.evict(sim.server, "default", "b")
        assert sim.get("Pod", "default/b") is None
    else:
        assert evict_refused(sim, "b").code == 429


def test_budget_not_yet_observed_refuses_and_two_budgets_are_an_error():
    sim = simulation([DisruptionController], [naked_pod("a"), naked_pod("b"), budget(minAvailable=0)])
    ready(sim, "a", "b")
    sim.server.patch("PodDisruptionBudget", "default", "web", {"spec": {"minAvailable": 1}})  # not yet observed
    refusal = evict_refused(sim, "a")
    assert refusal.code == 429
    assert refusal.causes == [
        {"reason": "DisruptionBudget", "message": "The disruption budget web is still being processed by the server."}
    ]
    sim.server.create("PodDisruptionBudget", budget("other", minAvailable=0))
    refusal = evict_refused(sim, "a")
    assert (refusal.code, refusal.message) == (
        500,
        "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
    )


def test_an_eviction_never_followed_by_a_deletion_expires_after_two_minutes():
    """upstream DeletionTimeout: 2 minutes, then a NotDeleted event and the pod counts again."""
    sim = simulation([DisruptionController], [naked_pod("a"), naked_pod("b"), budget(minAvailable=1)])
    ready(sim, "a", "b")
    stored = sim.server.get("PodDisruptionBudget", "default", "web")
    stored["status"]["disruptedPods"] = {"a": sim.clock.timestamp()}
    stored["status"]["disruptionsAllowed"] = 0
    sim.server.update("PodDisruptionBudget", stored, subresource="status")
    sim.run_for(0)
    assert counts(sim) == (1, 1, 2, 0)
    sim.run_for(121)
    assert counts(sim) == (2, 1, 2, 1) and "disruptedPods" not in status(sim)
    assert ("NotDeleted", "Pod was expected by PDB default/web to be deleted but it wasn't") in events(sim)
