"""The page's drain evicts as kubectl drain --ignore-daemonsets: DaemonSet pods stay, a pod its budget protects
stays and the 429 is the answer, every other pod is evicted and the node stays cordoned."""

import pytest

from cluster_engine.api.errors import ApiError
from lab import live_actions
from lab.apiserver import api_server_for

pytestmark = pytest.mark.django_db(transaction=True)


def running_pod(operator, name: str, labels: dict, owner: dict | None = None) -> None:
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "default", "labels": labels},
        "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]},
    }
    if owner:
        pod["metadata"]["ownerReferences"] = [owner]
    operator.create("Pod", pod)
    operator.bind("default", name, "worker-1")
    bound = operator.get("Pod", "default", name)
    bound["status"]["phase"] = "Running"
    bound["status"]["conditions"].append({"type": "Ready", "status": "True", "lastTransitionTime": None})
    operator.update("Pod", bound, subresource="status")


def test_drain_leaves_daemon_and_protected_pods_and_answers_the_budgets_refusal(demo):
    operator = api_server_for(demo, operator=True)
    operator.create("ServiceAccount", {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default"}})
    running_pod(operator, "free", {"app": "free"})
    running_pod(operator, "guarded", {"app": "guarded"})
    agent = {"apiVersion": "apps/v1", "kind": "DaemonSet", "name": "agent", "uid": "u1", "controller": True}
    running_pod(operator, "agent", {"app": "agent"}, agent)
    budget = operator.create(
        "PodDisruptionBudget",
        {
            "apiVersion": "policy/v1",
            "kind": "PodDisruptionBudget",
            "metadata": {"name": "guarded", "namespace": "default"},
            "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "guarded"}}},
        },
    )
    budget["status"].update(currentHealthy=1, desiredHealthy=1, expectedPods=1, observedGeneration=1)
    operator.update("PodDisruptionBudget", budget, subresource="status")
    with pytest.raises(ApiError) as refused:
        live_actions.perform(demo.pk, {"action": "drain", "node": "worker-1"})
    assert (refused.value.code, refused.value.message) == (
        429,
        "Cannot evict pod as it would violate the pod's disruption budget.",
    )
    assert operator.get("Node", None, "worker-1")["spec"]["unschedulable"] is True
    going = {
        name: bool(operator.get("Pod", "default", name)["metadata"].get("deletionTimestamp"))
        for name in ("free", "guarded", "agent")
    }
    assert going == {"free": True, "guarded": False, "agent": False}
