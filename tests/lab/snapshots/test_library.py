"""Each prepared snapshot imports into the lab and, once the clock runs, does what its description says."""

from datetime import datetime

import pytest

from cluster_engine.leaderelection import JITTER_FACTOR, LEASE_DURATION, RETRY_PERIOD
from cluster_engine.nodes.lifecycle import GRACE_PERIOD, MONITOR_PERIOD
from lab.models import Cluster
from lab.snapshots.library import BY_SLUG, FAILING_NODE, NEW_IMAGE, SCENARIOS, generate
from lab.snapshots.reading import import_snapshot
from lab.storage import OrmStorage

from ..test_engine_host import run_with_host, until

pytestmark = pytest.mark.django_db(transaction=True)


def imported(slug: str) -> Cluster:
    cluster = import_snapshot(slug, BY_SLUG[slug].read())
    Cluster.objects.filter(pk=cluster.pk).update(paused=False, speed=100)
    return cluster


def condition(obj: dict, kind: str) -> str | None:
    found = [c for c in obj.get("status", {}).get("conditions") or [] if c["type"] == kind]
    return found[0]["status"] if found else None


def test_the_files_are_what_the_generator_makes():
    for scenario in SCENARIOS:
        assert scenario.read() == generate(scenario), f"{scenario.path} is stale: run manage.py snapshot_library"


def test_node_about_to_fail_turns_not_ready_within_the_grace_period(channel_layer):
    cluster = imported("node-about-to-fail")
    storage = OrmStorage(cluster)
    assert ready_condition(storage)["status"] == "True"
    start = cluster.epoch + cluster.now

    async def fails(host, states):
        await until(lambda state: ready_condition(storage)["status"] == "Unknown", states, limit=2000)

    run_with_host(cluster, fails, components=None)
    marked = datetime.fromisoformat(ready_condition(storage)["lastTransitionTime"]).timestamp() - start
    # As upstream after a restart: the new kube-controller-manager waits for its predecessor's lease to expire, and
    # its node lifecycle controller counts the grace period from its first pass over the node.
    takeover = LEASE_DURATION + RETRY_PERIOD * JITTER_FACTOR
    assert GRACE_PERIOD < marked <= takeover + GRACE_PERIOD + 2 * MONITOR_PERIOD


def ready_condition(storage) -> dict:
    node = storage.get("Node", None, FAILING_NODE)
    return next(c for c in node["status"]["conditions"] if c["type"] == "Ready")


def test_unschedulable_pod_stays_pending(channel_layer):
    cluster = imported("unschedulable-pod")
    storage = OrmStorage(cluster)
    start = cluster.now

    async def waits(host, states):
        await until(lambda state: state["now"] >= start + 60, states, limit=2000)

    run_with_host(cluster, waits, components=None)
    pod = storage.get("Pod", "default", "report")
    assert pod["status"]["phase"] == "Pending" and "nodeName" not in pod["spec"]
    assert condition(pod, "PodScheduled") == "False"
    reasons = [
        event["reason"] for event in storage.list("Event", "default") if event["involvedObject"]["name"] == "report"
    ]
    assert "FailedScheduling" in reasons


def test_rollout_in_progress_completes(channel_layer):
    cluster = imported("rollout-in-progress")
    storage = OrmStorage(cluster)
    assert storage.get("Deployment", "default", "web")["status"].get("updatedReplicas") != 3

    def rolled_out(state):
        deployment = storage.get("Deployment", "default", "web")
        status = deployment["status"]
        pods = [pod for pod in storage.list("Pod", "default") if pod["metadata"].get("labels", {}).get("app") == "web"]
        return (
            status.get("observedGeneration") == deployment["metadata"]["generation"]
            and (status.get("updatedReplicas"), status.get("availableReplicas"), status.get("replicas")) == (3, 3, 3)
            and len(pods) == 3
            and all(pod["spec"]["containers"][0]["image"] == NEW_IMAGE for pod in pods)
        )

    async def completes(host, states):
        await until(rolled_out, states, limit=3000)

    run_with_host(cluster, completes, components=None)
