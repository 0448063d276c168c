"""The cloud node lifecycle controller: gone machines lose their Node, shut-down ones get the shutdown taint."""

from cluster_engine.cloud import MACHINE_ANNOTATION, NODE_MONITOR_PERIOD, SHUTDOWN_TAINT

from .cluster import events, node_names, started


def report_ready(sim, node: str, status: str) -> None:
    """The Ready condition as the node's kubelet (or the node lifecycle controller) last left it."""
    found = sim.get("Node", node)
    conditions = [{"type": "Ready", "status": status, "lastTransitionTime": "2026-01-01T00:00:00Z"}]
    sim.operator.update(
        "Node", {**found, "status": {**found["status"], "conditions": conditions}}, subresource="status"
    )


def annotate(sim, node: str, annotations: dict) -> None:
    sim.operator.patch("Node", None, node, {"metadata": {"annotations": annotations}})


def taints(sim, node: str) -> list[dict]:
    return sim.get("Node", node)["spec"].get("taints", [])


def test_a_not_ready_node_whose_machine_is_gone_is_deleted_on_the_next_monitor_pass():
    sim = started()
    report_ready(sim, "worker-2", "Unknown")
    annotate(sim, "worker-2", {MACHINE_ANNOTATION: "deleted", "kubelab.io/power": "off"})
    sim.run_until(NODE_MONITOR_PERIOD - 0.001)
    assert "worker-2" in node_names(sim)
    sim.run_until(NODE_MONITOR_PERIOD)
    assert node_names(sim) == ["control-plane-1", "worker-1", "worker-3"]
    assert events(sim, "DeletingNode") == ["Deleting node worker-2 because it does not exist in the cloud provider"]


def test_a_ready_node_is_kept_even_if_the_cloud_forgot_it():
    sim = started()
    report_ready(sim, "worker-2", "True")
    annotate(sim, "worker-2", {MACHINE_ANNOTATION: "deleted"})
    sim.run_for(60)
    assert "worker-2" in node_names(sim)


def test_a_shut_down_machine_is_tainted_until_its_node_is_ready_again():
    sim = started()
    report_ready(sim, "worker-1", "Unknown")
    annotate(sim, "worker-1", {"kubelab.io/power": "off"})
    sim.run_until(NODE_MONITOR_PERIOD)
    assert taints(sim, "worker-1") == [SHUTDOWN_TAINT]
    sim.run_for(30)
    assert taints(sim, "worker-1") == [SHUTDOWN_TAINT]  # added once, not stacked

    annotate(sim, "worker-1", {"kubelab.io/power": "on"})
    report_ready(sim, "worker-1", "True")
    sim.run_for(NODE_MONITOR_PERIOD)
    assert taints(sim, "worker-1") == []
    assert "worker-1" in node_names(sim)
