from cluster_engine.controllers.endpoints import EndpointsController
from cluster_engine.controllers.replicaset import ReplicaSetController

from .helpers import pods, replica_set, set_pod_status, simulation


def service(target_port="http", publish_not_ready=False, selector=None):
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web", "namespace": "default", "labels": {"tier": "front"}},
        "spec": {
            "selector": {"app": "web"} if selector is None else selector,
            "ports": [{"name": "web", "port": 80, "targetPort": target_port}],
            "publishNotReadyAddresses": publish_not_ready,
        },
    }


def address(pod, ip, node):
    ref = {"kind": "Pod", "namespace": "default", "name": pod["metadata"]["name"], "uid": pod["metadata"]["uid"]}
    return {"ip": ip, "nodeName": node, "targetRef": ref}


def started(sim, ready_flags):
    """Bind the pods and report IPs 10.244.1.(10+i), ready as given."""
    found = pods(sim)
    for index, (pod, ready) in enumerate(zip(found, ready_flags, strict=True)):
        sim.server.bind("default", pod["metadata"]["name"], "worker-1")
        set_pod_status(
            sim, sim.get("Pod", f"default/{pod['metadata']['name']}"), ready=ready, ip=f"10.244.1.{10 + index}"
        )
    sim.run_for(0)
    return pods(sim)


def test_ready_and_not_ready_pods_are_split_and_named_ports_resolved():
    sim = simulation([ReplicaSetController, EndpointsController], [replica_set(replicas=3), service()])
    first, second, third = started(sim, [True, False, True])
    endpoints = sim.get("Endpoints", "default/web")
    assert endpoints["metadata"]["labels"] == {"tier": "front"}
    assert endpoints["subsets"] == [
        {
            "addresses": [address(first, "10.244.1.10", "worker-1"), address(third, "10.244.1.12", "worker-1")],
            "notReadyAddresses": [address(second, "10.244.1.11", "worker-1")],
            "ports": [{"name": "web", "port": 8080, "protocol": "TCP"}],
        }
    ]


def test_terminating_and_ipless_pods_are_left_out_and_numeric_target_port_used():
    sim = simulation([ReplicaSetController, EndpointsController], [replica_set(replicas=2), service(target_port=9090)])
    sim.run_for(0)
    assert sim.get("Endpoints", "default/web")["subsets"] == []  # no pod has an IP yet
    first, second = started(sim, [True, True])
    sim.operator.delete("Pod", "default", first["metadata"]["name"])  # graceful: it lingers, terminating
    sim.run_for(0)
    subsets = sim.get("Endpoints", "default/web")["subsets"]
    assert [a["targetRef"]["name"] for a in subsets[0]["addresses"]] == [second["metadata"]["name"]]
    assert subsets[0]["ports"] == [{"name": "web", "port": 9090, "protocol": "TCP"}]


def test_publish_not_ready_addresses_lists_every_pod_as_ready():
    sim = simulation(
        [ReplicaSetController, EndpointsController], [replica_set(replicas=2), service(publish_not_ready=True)]
    )
    first, second = started(sim, [False, False])
    [subset] = sim.get("Endpoints", "default/web")["subsets"]
    assert [a["ip"] for a in subset["addresses"]] == ["10.244.1.10", "10.244.1.11"]
    assert "notReadyAddresses" not in subset


def test_endpoints_follow_the_service_and_its_pods():
    sim = simulation([ReplicaSetController, EndpointsController], [replica_set(replicas=1), service()])
    [pod] = started(sim, [True])
    sim.operator.patch("Pod", "default", pod["metadata"]["name"], {"metadata": {"labels": {"app": "other"}}})
    sim.run_for(0)
    # the pod left the selector: the ReplicaSet releases it and makes a new one (which has no IP yet)
    assert sim.get("Endpoints", "default/web")["subsets"] == []
    sim.operator.delete("Service", "default", "web")
    sim.run_for(0)
    assert sim.get("Endpoints", "default/web") is None
