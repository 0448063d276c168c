"""The course's scenarios on the full control plane (every default component), with the times upstream gives.

These are the stories the lab tells: a worker fails and its pods move; a single control plane fails and the cluster
freezes while its workloads keep running; an HA control plane loses a node and carries on.
"""

import pytest

from cluster_engine.api.errors import ApiError
from cluster_engine.scenarios import demo_objects
from cluster_engine.simulation import Simulation


def demo(topology="single", seed=3):
    sim = Simulation(seed=seed)
    sim.apply(demo_objects(topology))
    sim.start()
    sim.run_for(60)
    return sim


def web_pods(sim):
    return [pod for pod in sim.objects("Pod", "default") if pod["metadata"]["name"].startswith("web-")]


def running(sim):
    return [
        pod
        for pod in web_pods(sim)
        if pod["status"].get("phase") == "Running"
        and not pod["metadata"].get("deletionTimestamp")
        and any(c["type"] == "Ready" and c["status"] == "True" for c in pod["status"].get("conditions", []))
    ]


def ready_status(sim, node):
    return next(c["status"] for c in sim.get("Node", node)["status"]["conditions"] if c["type"] == "Ready")


def taints(sim, node):
    return {(taint["key"], taint["effect"]) for taint in sim.get("Node", node)["spec"].get("taints", [])}


def power(sim, node, state):
    sim.operator.patch("Node", None, node, {"metadata": {"annotations": {"kubelab.io/power": state}}})


def test_the_demo_starts_with_three_web_pods_spread_over_the_workers():
    sim = demo()
    assert sorted(pod["spec"]["nodeName"] for pod in running(sim)) == ["worker-1", "worker-2", "worker-3"]
    assert all(ready_status(sim, node["metadata"]["name"]) == "True" for node in sim.objects("Node"))
    endpoints = sim.get("Endpoints", "default/web")
    assert len(endpoints["subsets"][0]["addresses"]) == 3


def test_a_failed_worker_turns_unknown_is_tainted_and_its_pod_moves_after_the_toleration():
    sim = demo()
    victim = next(pod for pod in running(sim) if pod["spec"]["nodeName"] == "worker-2")
    power(sim, "worker-2", "off")
    off_at = sim.now
    timeline = {}
    while sim.now < off_at + 400:
        sim.run_for(1)
        elapsed = sim.now - off_at
        if ready_status(sim, "worker-2") == "Unknown":
            timeline.setdefault("unknown", elapsed)
        if ("node.kubernetes.io/unreachable", "NoExecute") in taints(sim, "worker-2"):
            timeline.setdefault("tainted", elapsed)
        pod = sim.get("Pod", f"default/{victim['metadata']['name']}")
        if pod and pod["metadata"].get("deletionTimestamp"):
            timeline.setdefault("evicted", elapsed)
        if len([p for p in running(sim) if p["spec"]["nodeName"] != "worker-2"]) == 3:
            timeline.setdefault("replaced", elapsed)
    # the last heartbeat came within 10 s before the power went; Unknown one 5 s monitor pass after the 50 s grace
    assert 45 < timeline["unknown"] <= 55
    assert timeline["tainted"] == timeline["unknown"] + 5  # NoExecute taint on the next monitor pass
    assert timeline["evicted"] == timeline["tainted"] + 300  # the admission-added tolerationSeconds
    assert timeline["evicted"] < timeline["replaced"] <= timeline["evicted"] + 10
    nodes = {pod["spec"]["nodeName"] for pod in running(sim)}
    assert nodes <= {"worker-1", "worker-3"}
    # the evicted pod stays Terminating on the dead machine until it comes back
    assert sim.get("Pod", f"default/{victim['metadata']['name']}")["metadata"]["deletionTimestamp"]
    reasons = [event["reason"] for event in sim.objects("Event", "default")]
    assert "TaintManagerEviction" in reasons and "NodeNotReady" in reasons
    power(sim, "worker-2", "on")
    sim.run_for(30)
    assert sim.get("Pod", f"default/{victim['metadata']['name']}") is None
    assert ready_status(sim, "worker-2") == "True"
    assert not {key for key, _ in taints(sim, "worker-2")} & {"node.kubernetes.io/unreachable"}


def test_a_single_control_plane_down_freezes_the_cluster_but_pods_keep_running():
    sim = demo()
    power(sim, "control-plane-1", "off")
    sim.run_for(1)
    with pytest.raises(ApiError) as refused:
        sim.server.patch("Deployment", "default", "web", {"spec": {"replicas": 5}})
    assert refused.value.code == 503
    sim.operator.delete("Pod", "default", running(sim)[0]["metadata"]["name"], grace_period_seconds=0)
    sim.run_for(120)
    assert len(running(sim)) == 2  # nobody replaces the deleted pod: no controller can reach the API server
    power(sim, "control-plane-1", "on")
    sim.run_for(60)
    assert len(running(sim)) == 3


def test_an_ha_control_plane_survives_losing_the_leaders_node():
    sim = demo("ha")
    leases = {lease["metadata"]["name"]: lease for lease in sim.objects("Lease", "kube-system")}
    holder = leases["kube-controller-manager"]["spec"]["holderIdentity"]
    leader_node = holder.split("_")[0]
    power(sim, leader_node, "off")
    sim.run_for(1)
    sim.server.patch("Deployment", "default", "web", {"spec": {"replicas": 4}})  # the API server still answers
    sim.run_for(25)  # 15 s lease duration + 2 s retry period, and time to run the new pod
    new_holder = sim.get("Lease", "kube-system/kube-controller-manager")["spec"]["holderIdentity"]
    assert not new_holder.startswith(leader_node)
    assert len(running(sim)) == 4


def test_the_same_seed_replays_the_same_cluster():
    first, second = demo(seed=7), demo(seed=7)
    assert sorted((p["metadata"]["name"], p["spec"]["nodeName"]) for p in web_pods(first)) == sorted(
        (p["metadata"]["name"], p["spec"]["nodeName"]) for p in web_pods(second)
    )
