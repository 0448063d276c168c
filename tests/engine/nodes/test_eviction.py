"""Taint-based eviction and PodGC: which pods leave a tainted or deleted node, and when."""

from cluster_engine.nodes.kubelet import Kubelets
from cluster_engine.nodes.podgc import PodGC
from cluster_engine.nodes.taint_eviction import TaintEvictionController

from .cluster import cluster, condition, events, pod_manifest, run_pod

TAINT = {"key": "maintenance", "value": "now", "effect": "NoExecute"}


def taint_node(sim, taints):
    sim.operator.patch("Node", None, "worker-1", {"spec": {"taints": taints}})
    sim.run_for(0)


def deletion(sim, name):
    pod = sim.get("Pod", f"default/{name}")
    return pod and pod["metadata"].get("deletionTimestamp")


def test_untolerated_no_execute_taint_evicts_at_once_and_tolerated_seconds_later():
    sim = cluster([Kubelets, TaintEvictionController])
    run_pod(sim, pod_manifest("plain"))
    run_pod(sim, pod_manifest("patient", tolerations=[{**TAINT, "operator": "Equal", "tolerationSeconds": 60}]))
    run_pod(sim, pod_manifest("forever", tolerations=[{"key": "maintenance", "operator": "Exists"}]))
    sim.run_until(20)
    taint_node(sim, [TAINT])
    assert deletion(sim, "plain") == "2026-01-01T00:00:50Z"  # deleted at t=20 with the 30 s grace
    assert condition(sim.get("Pod", "default/plain"), "DisruptionTarget")["message"] == (
        "Taint manager: deleting due to NoExecute taint"
    )
    sim.run_until(79)
    assert not deletion(sim, "patient")
    sim.run_until(80)
    assert deletion(sim, "patient") == "2026-01-01T00:01:50Z"
    sim.run_until(1000)
    assert sim.get("Pod", "default/forever")["status"]["phase"] == "Running"
    assert sorted(e["message"] for e in events(sim, "TaintManagerEviction")) == [
        "Marking for deletion Pod default/patient",
        "Marking for deletion Pod default/plain",
    ]


def test_removing_the_taint_cancels_a_scheduled_eviction():
    sim = cluster([Kubelets, TaintEvictionController])
    run_pod(sim, pod_manifest("patient", tolerations=[{**TAINT, "operator": "Equal", "tolerationSeconds": 60}]))
    sim.run_until(20)
    taint_node(sim, [TAINT])
    sim.run_until(50)
    taint_node(sim, [])
    sim.run_until(200)
    assert not deletion(sim, "patient")
    assert [e["message"] for e in events(sim, "TaintManagerEviction")] == ["Cancelling deletion of Pod default/patient"]


def test_podgc_force_deletes_pods_of_a_deleted_node_after_the_quarantine():
    sim = cluster([Kubelets, PodGC], workers=2)
    run_pod(sim, pod_manifest("web"))
    sim.run_until(100)
    sim.operator.delete("Node", None, "worker-1")
    sim.run_until(140)  # the pass at t=100 ran before the delete: noticed at t=120, then 40 s of quarantine
    assert sim.get("Pod", "default/web") is not None
    sim.run_until(159)
    assert sim.get("Pod", "default/web") is not None
    sim.run_until(160)
    assert sim.get("Pod", "default/web") is None


def test_podgc_frees_terminating_pods_of_an_out_of_service_node():
    sim = cluster([Kubelets, PodGC], workers=1)
    run_pod(sim, pod_manifest("web"))
    sim.run_until(30)
    sim.operator.patch("Node", None, "worker-1", {"metadata": {"annotations": {"kubelab.io/power": "off"}}})
    sim.server.delete("Pod", "default", "web")
    out_of_service = [{"key": "node.kubernetes.io/out-of-service", "effect": "NoExecute"}]
    sim.operator.patch("Node", None, "worker-1", {"spec": {"taints": out_of_service}})
    not_ready = {"status": {"conditions": [{"type": "Ready", "status": "Unknown"}]}}
    sim.operator.patch("Node", None, "worker-1", not_ready, subresource="status")
    sim.run_until(39)
    assert sim.get("Pod", "default/web") is not None  # still Terminating: the kubelet is off
    sim.run_until(40)
    assert sim.get("Pod", "default/web") is None
