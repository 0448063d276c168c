"""When the simulator itself restarts, its kubelets adopt the containers still running on powered machines."""

from cluster_engine.api.kinds import ALL_KINDS
from cluster_engine.scenarios import demo_objects
from cluster_engine.simulation import Simulation
from cluster_engine.stack import build_stack


def restarted(sim):
    """A second control plane over the same storage, starting from a fresh list, as the lab's host does."""
    stack = build_stack(sim.server, sim.operator, seed=11)
    for kind in ALL_KINDS:
        items, version = sim.operator.list(kind.kind)
        stack.cache.replace(kind.kind, items, version)
    sim.storage.subscribers[:] = [lambda event: stack.cache.apply(event["type"], event["object"])]
    stack.control_plane.start()
    return stack


def web_pods(sim):
    return [pod for pod in sim.operator.list("Pod", "default")[0] if pod["metadata"]["name"].startswith("web-")]


def test_running_containers_survive_a_simulator_restart_without_a_restart_count():
    sim = Simulation(seed=2)
    sim.apply(demo_objects())
    sim.start()
    sim.run_for(60)
    before = {pod["metadata"]["name"]: pod for pod in web_pods(sim)}
    assert len(before) == 3

    stack = restarted(sim)
    stack.control_plane.run_for(120)
    after = {pod["metadata"]["name"]: pod for pod in web_pods(sim)}
    assert after.keys() == before.keys()
    for name, pod in after.items():
        status, old = pod["status"]["containerStatuses"][0], before[name]["status"]["containerStatuses"][0]
        assert status["restartCount"] == 0
        assert status["state"]["running"]["startedAt"] == old["state"]["running"]["startedAt"]
        assert status["containerID"] == old["containerID"]
        assert pod["status"]["podIP"] == before[name]["status"]["podIP"]
        assert status["ready"] is True
    reasons = {event["reason"] for event in sim.operator.list("Event", "default")[0]}
    assert "Killing" not in reasons


def test_a_machine_that_was_off_when_the_simulator_restarted_still_restarts_its_containers():
    sim = Simulation(seed=2)
    sim.apply(demo_objects())
    sim.start()
    sim.run_for(60)
    node = web_pods(sim)[0]["spec"]["nodeName"]
    sim.operator.patch("Node", None, node, {"metadata": {"annotations": {"kubelab.io/power": "off"}}})
    sim.run_for(5)

    stack = restarted(sim)
    stack.control_plane.run_for(5)
    sim.operator.patch("Node", None, node, {"metadata": {"annotations": {"kubelab.io/power": "on"}}})
    stack.control_plane.run_for(60)
    on_node = [pod for pod in web_pods(sim) if pod["spec"]["nodeName"] == node]
    assert on_node and all(pod["status"]["containerStatuses"][0]["restartCount"] == 1 for pod in on_node)
