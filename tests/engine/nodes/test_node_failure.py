"""A worker loses power: lease stops, Ready goes Unknown, taints, eviction after 300 s, clean-up on power-on."""

from cluster_engine.nodes.kubelet import Kubelets
from cluster_engine.nodes.lifecycle import NodeLifecycleController
from cluster_engine.nodes.taint_eviction import TaintEvictionController
from cluster_engine.scenarios import node_manifest

from .cluster import annotate, cluster, condition, events, pod_manifest, run_pod

COMPONENTS = [Kubelets, NodeLifecycleController, TaintEvictionController]


def taints(sim, node="worker-1"):
    return [
        (taint["key"], taint["effect"], taint["timeAdded"]) for taint in sim.get("Node", node)["spec"].get("taints", [])
    ]


def test_powered_off_worker_goes_unknown_tainted_and_its_pods_are_evicted_then_cleaned_up_on_power_on():
    sim = cluster(COMPONENTS, workers=2)
    run_pod(sim, pod_manifest("web"))
    sim.run_until(100)
    assert sim.get("Pod", "default/web")["status"]["phase"] == "Running"
    # The lease was renewed on the 10 s beat, last at t=100, and the monitor pass at t=100 saw it.
    annotate(sim, "Node", "worker-1", {"kubelab.io/power": "off"})
    sim.run_until(150)
    assert sim.get("Lease", "kube-node-lease/worker-1")["spec"]["renewTime"] == "2026-01-01T00:01:40.000000Z"
    assert condition(sim.get("Node", "worker-1"), "Ready")["status"] == "True"  # t=150 is not *after* 100 + 50

    sim.run_until(155)  # the first 5 s monitor tick past the 50 s grace
    node = sim.get("Node", "worker-1")
    for condition_type in ("Ready", "MemoryPressure", "DiskPressure", "PIDPressure"):
        found = condition(node, condition_type)
        assert (found["status"], found["reason"], found["message"]) == (
            "Unknown",
            "NodeStatusUnknown",
            "Kubelet stopped posting node status.",
        )
        assert found["lastTransitionTime"] == "2026-01-01T00:02:35Z"
    assert taints(sim) == [("node.kubernetes.io/unreachable", "NoSchedule", "2026-01-01T00:02:35Z")]
    pod = sim.get("Pod", "default/web")
    assert condition(pod, "Ready")["status"] == "False"
    assert [e["message"] for e in events(sim, "NodeNotReady")] == [
        "Node worker-1 status is now: NodeNotReady",
        "Node is not ready",
    ]

    sim.run_until(160)  # next pass sees Ready=Unknown and queues the NoExecute taint; a token is free at once
    assert taints(sim)[1] == ("node.kubernetes.io/unreachable", "NoExecute", "2026-01-01T00:02:40Z")

    sim.run_until(459)
    assert not sim.get("Pod", "default/web")["metadata"].get("deletionTimestamp")
    sim.run_until(460)  # the default toleration: 300 s after the taint
    pod = sim.get("Pod", "default/web")
    assert pod["metadata"]["deletionTimestamp"] == "2026-01-01T00:08:10Z"  # 30 s grace
    assert condition(pod, "DisruptionTarget")["reason"] == "DeletionByTaintManager"
    assert [e["message"] for e in events(sim, "TaintManagerEviction")] == ["Marking for deletion Pod default/web"]

    sim.run_until(800)  # the kubelet is gone, so nobody confirms: the pod stays Terminating
    assert sim.get("Pod", "default/web") is not None
    annotate(sim, "Node", "worker-1", {"kubelab.io/power": "on"})
    sim.run_until(800)
    assert sim.get("Pod", "default/web") is None  # the rebooted kubelet confirms the deletion at once
    assert condition(sim.get("Node", "worker-1"), "Ready")["status"] == "True"
    assert taints(sim) == [("node.kubernetes.io/unreachable", "NoExecute", "2026-01-01T00:02:40Z")]
    sim.run_until(805)  # the next monitor pass sees the heartbeat and lifts the NoExecute taint
    assert taints(sim) == []


def test_tainting_is_rate_limited_to_one_node_every_10_seconds_per_zone():
    sim = cluster(COMPONENTS, workers=4)
    sim.run_until(100)
    for name in ("worker-1", "worker-2"):
        annotate(sim, "Node", name, {"kubelab.io/power": "off"})
    sim.run_until(200)
    times = sorted(
        taint[2] for name in ("worker-1", "worker-2") for taint in taints(sim, name) if taint[1] == "NoExecute"
    )
    assert times == ["2026-01-01T00:02:40Z", "2026-01-01T00:02:50Z"]


def test_a_partially_disrupted_small_zone_stops_tainting():
    sim = cluster(COMPONENTS, workers=5)
    sim.run_until(100)
    for name in ("worker-1", "worker-2", "worker-3"):
        annotate(sim, "Node", name, {"kubelab.io/power": "off"})
    sim.run_until(400)
    # At t=155 all three go Unknown in one pass: 3 of 5 not ready >= 55 % is PartialDisruption, and a zone of
    # 5 <= 50 nodes stops tainting before the pass at t=160 would have tainted the first of them.
    no_execute = [x for name in ("worker-1", "worker-2", "worker-3") for x in taints(sim, name) if x[1] == "NoExecute"]
    assert no_execute == []
    assert condition(sim.get("Node", "worker-3"), "Ready")["status"] == "Unknown"
    annotate(sim, "Node", "worker-3", {"kubelab.io/power": "on"})
    sim.run_until(430)
    # The pass at t=405 sees 2 of 5 not ready, Normal again: tainting resumes at 0.1 node/s. The stopped bucket
    # had no token, so upstream's SwapLimiter drains the new one: the first taint waits 10 s, to t=415.
    times = sorted(x[2] for name in ("worker-1", "worker-2") for x in taints(sim, name) if x[1] == "NoExecute")
    assert times == ["2026-01-01T00:06:55Z", "2026-01-01T00:07:05Z"]


def test_when_every_zone_is_fully_disrupted_no_node_is_tainted_no_execute():
    sim = cluster(COMPONENTS, workers=2)
    sim.run_until(100)
    for name in ("worker-1", "worker-2"):
        annotate(sim, "Node", name, {"kubelab.io/power": "off"})
    sim.run_until(400)
    assert [x for name in ("worker-1", "worker-2") for x in taints(sim, name) if x[1] == "NoExecute"] == []
    assert condition(sim.get("Node", "worker-1"), "Ready")["status"] == "Unknown"


def test_a_node_that_never_reports_goes_unknown_after_the_60_second_startup_grace():
    sim = cluster(COMPONENTS, workers=0)
    manifest = node_manifest("worker-9", 9)
    manifest["metadata"]["annotations"]["kubelab.io/power"] = "off"
    node = sim.apply([manifest])[0]
    assert node["metadata"]["creationTimestamp"] == "2026-01-01T00:00:00Z"
    sim.run_until(60)
    assert condition(sim.get("Node", "worker-9"), "Ready") is None
    sim.run_until(65)
    ready = condition(sim.get("Node", "worker-9"), "Ready")
    assert (ready["status"], ready["reason"], ready["message"]) == (
        "Unknown",
        "NodeStatusNeverUpdated",
        "Kubelet never posted node status.",
    )


def test_cordon_adds_and_uncordon_removes_the_unschedulable_taint():
    sim = cluster(COMPONENTS, workers=1)
    sim.run_until(10)
    sim.operator.patch("Node", None, "worker-1", {"spec": {"unschedulable": True}})
    sim.run_until(10)
    assert [(key, effect) for key, effect, _ in taints(sim)] == [("node.kubernetes.io/unschedulable", "NoSchedule")]
    sim.operator.patch("Node", None, "worker-1", {"spec": {"unschedulable": False}})
    sim.run_until(10)
    assert taints(sim) == []
