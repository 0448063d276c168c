"""The control plane's writes carry the field managers upstream's binaries do: the user agent's first part."""

from cluster_engine.api.server import DEFAULT_MANAGER
from cluster_engine.scenarios import demo_objects
from cluster_engine.simulation import Simulation


def managers(obj: dict) -> set[tuple[str, str, str]]:
    return {
        (entry["manager"], entry["operation"], entry.get("subresource", ""))
        for entry in obj["metadata"].get("managedFields") or []
    }


def test_controllers_scheduler_and_kubelets_write_as_their_binaries():
    sim = Simulation(seed=3)
    sim.apply(demo_objects())
    sim.start()
    sim.run_for(60)
    pod = next(pod for pod in sim.objects("Pod", "default") if pod["metadata"]["name"].startswith("web-"))
    assert managers(pod) == {("kube-controller-manager", "Update", ""), ("kubelet", "Update", "status")}
    deployment = sim.get("Deployment", "default/web")
    assert ("kube-controller-manager", "Update", "status") in managers(deployment)
    worker = sim.get("Node", "worker-1")
    assert ("kubelet", "Update", "status") in managers(worker)
    assert managers(sim.get("Lease", "kube-node-lease/worker-1")) == {("kubelet", "Update", "")}
    assert managers(sim.get("Lease", "kube-system/kube-scheduler")) == {("kube-scheduler", "Update", "")}
    events = sim.objects("Event", "default")
    scheduled = next(event for event in events if event["reason"] == "Scheduled")
    started = next(event for event in events if event["reason"] == "Started")
    assert managers(scheduled) == {("kube-scheduler", "Update", "")}
    assert managers(started) == {("kubelet", "Update", "")}
    # what the simulator itself seeded is the lab's own
    assert (DEFAULT_MANAGER, "Update", "") in managers(sim.get("Namespace", "default"))
