"""The demo cluster on every default component: an outage of the single control plane and an HA failover."""

from cluster_engine.scenarios import demo_objects
from cluster_engine.simulation import Simulation

from .cluster import holder_node, power


def demo(topology: str) -> Simulation:
    sim = Simulation(seed=0)
    sim.apply(demo_objects(topology))
    sim.start()
    sim.run_until(61)
    return sim


def web_pods(sim: Simulation) -> dict[str, str]:
    return {pod["metadata"]["name"]: pod["status"].get("phase") for pod in sim.objects("Pod", "default")}


def test_running_pods_keep_running_through_a_single_control_plane_outage_and_work_resumes_after():
    sim = demo("single")
    before = web_pods(sim)
    assert sorted(before.values()) == ["Running"] * 3
    power(sim, "control-plane-1", "off")
    sim.run_until(400)  # far past the 50 s grace and 300 s toleration: nobody was there to act on them
    assert web_pods(sim) == before
    assert all(
        not node["spec"].get("taints") for node in sim.objects("Node") if node["metadata"]["name"] != "control-plane-1"
    )

    power(sim, "control-plane-1", "on")
    sim.run_until(440)
    sim.server.patch("Deployment", "default", "web", {"spec": {"replicas": 4}})
    sim.run_until(470)
    after = web_pods(sim)
    assert sorted(after.values()) == ["Running"] * 4
    assert set(before) < set(after)
    assert sim.ctx.errors == []


def test_ha_failover_on_the_demo_cluster_breaks_nothing_else():
    sim = demo("ha")
    before = web_pods(sim)
    old = holder_node(sim, "kube-scheduler")
    power(sim, old, "off")
    sim.server.patch("Deployment", "default", "web", {"spec": {"replicas": 5}})  # another API server answers
    sim.run_until(61 + 30)
    assert holder_node(sim, "kube-scheduler") != old
    after = web_pods(sim)
    assert sorted(after.values()) == ["Running"] * 5
    assert set(before) < set(after)
    assert sim.get("Service", "default/web")["status"]["loadBalancer"]["ingress"] == [
        {"ip": "203.0.113.1", "ipMode": "VIP"}
    ]
    assert sim.ctx.errors == []
