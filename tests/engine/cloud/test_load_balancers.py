"""The service controller: LoadBalancer Services get a public IP after the cloud built the balancer."""

from cluster_engine.cloud import LOAD_BALANCER_FINALIZER, LOAD_BALANCER_SECONDS
from cluster_engine.scenarios import web_app

from .cluster import events, started


def service(name: str = "web", service_type: str = "LoadBalancer") -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"type": service_type, "selector": {"app": name}, "ports": [{"port": 80}]},
    }


def ingress(sim, name: str = "web") -> list[dict]:
    return sim.get("Service", f"default/{name}")["status"]["loadBalancer"].get("ingress", [])


def test_a_load_balancer_service_gets_a_documentation_range_ip_after_the_cloud_built_it():
    sim = started(web_app()[1])
    assert events(sim, "EnsuringLoadBalancer") == ["Ensuring load balancer"]
    assert sim.get("Service", "default/web")["metadata"]["finalizers"] == [LOAD_BALANCER_FINALIZER]
    sim.run_until(LOAD_BALANCER_SECONDS - 0.001)
    assert ingress(sim) == []
    sim.run_until(LOAD_BALANCER_SECONDS)
    assert ingress(sim) == [{"ip": "203.0.113.1", "ipMode": "VIP"}]
    assert events(sim, "EnsuredLoadBalancer") == ["Ensured load balancer"]
    sim.run_for(300)
    assert len(sim.objects("Event")) == 3 + 2  # three leases won, then ensuring and ensured once each


def test_each_balancer_gets_its_own_address_and_deleting_the_service_releases_it():
    sim = started(service("web"), service("api"), service("internal", "ClusterIP"))
    sim.run_until(LOAD_BALANCER_SECONDS)
    assert {ingress(sim, "api")[0]["ip"], ingress(sim, "web")[0]["ip"]} == {"203.0.113.1", "203.0.113.2"}
    assert ingress(sim, "internal") == []
    assert "finalizers" not in sim.get("Service", "default/internal")["metadata"]
    released = ingress(sim, "web")[0]["ip"]

    result = sim.server.delete("Service", "default", "web")
    assert result.finished is False  # held by the cleanup finalizer until the cloud let go of the balancer
    sim.run_for(0)
    assert sim.get("Service", "default/web") is None
    assert events(sim, "DeletingLoadBalancer") == ["Deleting load balancer"]
    assert events(sim, "DeletedLoadBalancer") == ["Deleted load balancer"]

    sim.server.create("Service", service("next"))
    sim.run_for(LOAD_BALANCER_SECONDS)
    assert ingress(sim, "next") == [{"ip": released, "ipMode": "VIP"}]


def test_changing_the_type_away_from_load_balancer_releases_the_address():
    sim = started(service("web"))
    sim.run_until(LOAD_BALANCER_SECONDS)
    sim.server.patch("Service", "default", "web", {"spec": {"type": "ClusterIP"}})
    sim.run_for(0)
    web = sim.get("Service", "default/web")
    assert web["status"]["loadBalancer"] == {}
    assert web["metadata"].get("finalizers", []) == []


def test_no_balancer_is_built_while_the_cloud_controller_manager_has_no_leader():
    sim = started()
    sim.operator.patch("Node", None, "control-plane-1", {"metadata": {"annotations": {"kubelab.io/power": "off"}}})
    sim.apply([service("web")])
    sim.run_for(120)
    assert ingress(sim) == []
    assert events(sim, "EnsuringLoadBalancer") == []
