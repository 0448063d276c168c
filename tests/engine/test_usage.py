"""The simulated usage model: idle use, a load shared by the ready pods it selects, limits, and node totals."""

from cluster_engine import usage


def pod(name, ready=True, node="worker-1", phase="Running", limit=None, labels=None):
    resources = {"requests": {"cpu": "200m", "memory": "64Mi"}}
    if limit:
        resources["limits"] = {"cpu": limit}
    return {
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "default", "labels": labels or {"app": "web"}},
        "spec": {"nodeName": node, "containers": [{"name": "app", "resources": resources}]},
        "status": {"phase": phase, "conditions": [{"type": "Ready", "status": "True" if ready else "False"}]},
    }


def lister(objects):
    return lambda kind, namespace: [
        obj for obj in objects if obj["kind"] == kind and namespace in (None, obj["metadata"].get("namespace"))
    ]


def deployment(load):
    return {
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default", "annotations": {usage.LOAD_ANNOTATION: load}},
        "spec": {"selector": {"matchLabels": {"app": "web"}}},
    }


def node(name, power="on"):
    return {"kind": "Node", "metadata": {"name": name, "annotations": {"kubelab.io/power": power}}}


def test_a_load_is_shared_by_ready_pods_only_and_capped_by_limits():
    objects = [
        deployment("900m"),
        pod("a"),
        pod("b"),
        pod("c", limit="250m"),
        pod("d", ready=False),
        pod("e", phase="Pending", node=""),
    ]
    measured = usage.container_usage(lister(objects))
    assert measured["default/a"] == {"app": (302, 64 * 2**20)}  # 900m / 3 ready pods + 2m idle
    assert measured["default/c"]["app"][0] == 250  # its limit
    assert measured["default/d"]["app"][0] == usage.IDLE_MILLICORES  # not ready: no share of the load
    assert "default/e" not in measured  # not running: nothing to measure


def test_nodes_add_their_pods_to_their_own_system_use_and_a_dead_node_reports_nothing():
    objects = [deployment("1"), pod("a"), pod("b", node="worker-2"), node("worker-1"), node("worker-2", power="off")]
    assert usage.node_usage(lister(objects)) == {
        "worker-1": (usage.NODE_SYSTEM_MILLICORES + 502, usage.NODE_SYSTEM_MEMORY + 64 * 2**20)
    }
