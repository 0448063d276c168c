"""POST pods/<name>/eviction over HTTP: 429 with upstream's Status when the budget allows no disruption (and
nothing written), 201 and a terminating pod marked DisruptionTarget when it does."""

import json

import pytest

from lab.apiserver import api_server_for

pytestmark = pytest.mark.django_db(transaction=True)

EVICTION = "/api/v1/namespaces/default/pods/{name}/eviction"


def eviction(name: str) -> str:
    return json.dumps(
        {"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": name, "namespace": "default"}}
    )


@pytest.fixture
def guarded(demo):
    """Two running, ready, bound pods labelled app=db and a budget whose status (as its controller would write it)
    allows `allowed` disruptions."""
    operator = api_server_for(demo, operator=True)
    operator.create("ServiceAccount", {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default"}})
    for name in ("db-0", "db-1"):
        pod = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": name, "namespace": "default", "labels": {"app": "db"}},
            "spec": {"containers": [{"name": "db", "image": "postgres:17"}]},
        }
        operator.create("Pod", pod)
        operator.bind("default", name, "worker-1")
        bound = operator.get("Pod", "default", name)
        bound["status"]["phase"] = "Running"
        bound["status"]["conditions"].append({"type": "Ready", "status": "True", "lastTransitionTime": None})
        operator.update("Pod", bound, subresource="status")
    budget = {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": "db", "namespace": "default"},
        "spec": {"minAvailable": 2, "selector": {"matchLabels": {"app": "db"}}},
    }
    created = operator.create("PodDisruptionBudget", budget)

    def allow(allowed: int) -> None:
        stored = operator.get("PodDisruptionBudget", "default", "db")
        stored["status"].update(
            currentHealthy=2,
            desiredHealthy=2 - allowed,
            expectedPods=2,
            disruptionsAllowed=allowed,
            observedGeneration=created["metadata"]["generation"],
        )
        operator.update("PodDisruptionBudget", stored, subresource="status")

    return operator, allow


def test_an_eviction_the_budget_forbids_is_429_and_writes_nothing(kube, guarded):
    operator, allow = guarded
    allow(0)
    before = operator.storage.resource_version()
    code, body = kube("POST", EVICTION.format(name="db-0"), eviction("db-0"))
    assert code == 429
    assert body == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": "Cannot evict pod as it would violate the pod's disruption budget.",
        "reason": "TooManyRequests",
        "details": {
            "causes": [
                {
                    "reason": "DisruptionBudget",
                    "message": "The disruption budget db needs 2 healthy pods and has 2 currently",
                }
            ]
        },
        "code": 429,
    }
    assert operator.storage.resource_version() == before
    assert not operator.get("Pod", "default", "db-0")["metadata"].get("deletionTimestamp")


def test_an_allowed_eviction_is_201_marks_the_pod_and_takes_one_disruption(kube, guarded):
    operator, allow = guarded
    allow(1)
    code, body = kube("POST", EVICTION.format(name="db-0"), eviction("db-0"))
    assert (code, body["status"], body["code"]) == (201, "Success", 201)
    pod = operator.get("Pod", "default", "db-0")
    assert pod["metadata"]["deletionTimestamp"]
    (target,) = [c for c in pod["status"]["conditions"] if c["type"] == "DisruptionTarget"]
    assert (target["status"], target["reason"], target["message"]) == (
        "True",
        "EvictionByEvictionAPI",
        "Eviction API: evicting",
    )
    status = operator.get("PodDisruptionBudget", "default", "db")["status"]
    assert status["disruptionsAllowed"] == 0 and list(status["disruptedPods"]) == ["db-0"]
    assert [c["reason"] for c in status["conditions"]] == ["InsufficientPods"]
    code, body = kube("POST", EVICTION.format(name="db-1"), eviction("db-1"))
    assert (code, body["reason"]) == (429, "TooManyRequests")


def test_a_dry_run_eviction_is_judged_but_writes_nothing(kube, guarded):
    operator, allow = guarded
    allow(1)
    before = operator.storage.resource_version()
    code, _ = kube("POST", EVICTION.format(name="db-0") + "?dryRun=All", eviction("db-0"))
    assert code == 201
    assert operator.storage.resource_version() == before
