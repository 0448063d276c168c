"""Scaling a node pool down drains as AKS does, ignoring DaemonSet pods: the node agents go with the node."""

from cluster_engine.controllers.daemonset import DaemonSetController
from cluster_engine.nodes.kubelet import Kubelets
from cluster_engine.nodes.podgc import PodGC
from cluster_engine.scheduler.component import Scheduler

from .cluster import node_names, pools, scale, started


def agents_on(sim, node: str) -> list[str]:
    return sorted(
        pod["metadata"]["name"].rsplit("-", 1)[0]
        for pod in sim.objects("Pod", "kube-system")
        if pod["spec"].get("nodeName") == node
    )


def test_scale_down_leaves_daemon_pods_and_the_pod_gc_removes_them_with_the_node():
    sim = started(pools(nodepool1=3), components=(Kubelets, DaemonSetController, Scheduler, PodGC))
    sim.run_for(60)
    assert agents_on(sim, "worker-3") == ["azure-cns", "kube-proxy"]
    scale(sim, "nodepool1", "count: 2")
    sim.run_for(0)
    # the drain evicts nothing else here, so the node goes at once, its agents never recreated on it
    assert node_names(sim) == ["control-plane-1", "worker-1", "worker-2"]
    sim.run_for(120)
    assert agents_on(sim, "worker-3") == []
    assert agents_on(sim, "worker-2") == ["azure-cns", "kube-proxy"]
