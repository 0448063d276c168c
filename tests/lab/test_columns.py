"""Admin list columns read like `kubectl get`."""

from lab.admin import columns


def test_node_status_and_roles():
    ready = {"conditions": [{"type": "Ready", "status": "True"}]}
    lost = {"conditions": [{"type": "Ready", "status": "Unknown"}]}
    assert columns.node_status({}, ready) == "Ready"
    assert columns.node_status({"unschedulable": True}, ready) == "Ready,SchedulingDisabled"
    assert columns.node_status({}, lost) == "NotReady"
    assert columns.node_status({}, {}) == "Unknown"
    assert columns.node_roles({"node-role.kubernetes.io/control-plane": "", "app": "x"}) == "control-plane"
    assert columns.node_roles({"app": "x"}) == "<none>"


def test_pod_columns():
    spec = {"containers": [{"name": "a"}, {"name": "b"}]}
    status = {
        "phase": "Running",
        "containerStatuses": [
            {"ready": True, "restartCount": 1, "state": {"running": {}}},
            {"ready": False, "restartCount": 4, "state": {"waiting": {"reason": "CrashLoopBackOff"}}},
        ],
    }
    assert columns.pod_ready(status, spec) == "1/2"
    assert columns.pod_restarts(status) == 5
    assert columns.pod_status(status, terminating=False) == "CrashLoopBackOff"
    assert columns.pod_status(status, terminating=True) == "Terminating"
    assert columns.pod_status({"phase": "Pending"}, terminating=False) == "Pending"


def test_taints_services_and_endpoints():
    assert columns.taints(
        {"taints": [{"key": "k", "value": "v", "effect": "NoExecute"}, {"key": "x", "effect": "NoSchedule"}]}
    ) == ("k=v:NoExecute, x:NoSchedule")
    service = {"type": "LoadBalancer", "ports": [{"port": 80, "nodePort": 31000, "protocol": "TCP"}]}
    assert columns.service_ports(service) == "80:31000/TCP"
    assert columns.external_ip(service, {}) == "<pending>"
    assert columns.external_ip(service, {"loadBalancer": {"ingress": [{"ip": "203.0.113.7"}]}}) == "203.0.113.7"
    subsets = [{"addresses": [{"ip": f"10.244.1.{i}"} for i in range(5)], "ports": [{"port": 80}]}]
    assert columns.endpoint_addresses(subsets) == "10.244.1.0:80,10.244.1.1:80,10.244.1.2:80 + 2 more..."
    assert columns.endpoint_addresses(None) == "<none>"
