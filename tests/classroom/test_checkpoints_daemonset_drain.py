"""The checkpoints of "One agent on every node" and "Draining a node safely", judged on a full control plane."""

import pytest

from cluster_engine.api import eviction
from cluster_engine.api.errors import ApiError
from lab.lessons.n_daemonset import LOG_AGENT
from lab.lessons.o_drain import WEB_BUDGET

from .test_checkpoints import passes, started


def test_every_node_runs_the_node_agents_from_the_start():
    sim = started("daemonset")
    for name in ("kube-proxy", "azure-cns"):
        agents = [p for p in sim.objects("Pod", "kube-system") if p["metadata"]["name"].startswith(f"{name}-")]
        assert sorted(p["spec"]["nodeName"] for p in agents) == ["control-plane-1", "worker-1", "worker-2", "worker-3"]
        assert all(p["status"]["phase"] == "Running" for p in agents)


def test_log_agent_checkpoint_needs_a_pod_on_every_worker_including_a_new_one():
    sim = started("daemonset")
    assert passes(sim, "daemonset", 3) is False
    sim.server.create("DaemonSet", LOG_AGENT)
    sim.run_for(60)
    agents = [p for p in sim.objects("Pod", "default") if p["metadata"]["labels"].get("app") == "log-agent"]
    assert sorted(p["spec"]["nodeName"] for p in agents) == ["worker-1", "worker-2", "worker-3"]
    assert passes(sim, "daemonset", 3) is True
    sim.server.patch("Node", None, "worker-1", {"spec": {"unschedulable": True}})  # cordoned: the agent stays
    sim.run_for(30)
    assert passes(sim, "daemonset", 3) is True


def evict_web_on_worker_1(sim):
    (pod,) = [
        p
        for p in sim.objects("Pod", "default")
        if p["metadata"]["labels"].get("app") == "web"
        and p["spec"].get("nodeName") == "worker-1"
        and not p["metadata"].get("deletionTimestamp")
    ]
    return eviction.evict(sim.server, "default", pod["metadata"]["name"])


def test_drain_checkpoint_passes_once_the_budget_let_worker_1_empty():
    sim = started("drain")
    sim.server.create("PodDisruptionBudget", WEB_BUDGET)
    sim.server.patch("Node", None, "worker-1", {"spec": {"unschedulable": True}})
    sim.run_for(10)
    assert sim.get("PodDisruptionBudget", "default/web")["status"]["disruptionsAllowed"] == 0
    with pytest.raises(ApiError) as refused:
        evict_web_on_worker_1(sim)
    assert refused.value.code == 429
    assert passes(sim, "drain", 2) is False
    sim.server.patch("Deployment", "default", "web", {"spec": {"replicas": 4}})
    sim.run_for(60)
    assert sim.get("PodDisruptionBudget", "default/web")["status"]["disruptionsAllowed"] == 1
    evict_web_on_worker_1(sim)
    sim.run_for(60)
    assert passes(sim, "drain", 2) is True
