"""A rolling update of a single pod that goes before its successor is ready: while no endpoint is ready, kube-proxy
sends requests to the pod that is still serving as it terminates, so a pod that drains slowly drops nothing."""

from .helpers import cluster, failures, record, web_pods

ONE_AT_A_TIME = {"replicas": 1, "strategy": {"rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}}}
ROLLOUT = {"spec": {"template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:1.28"}]}}}}


def single_pod_draining_in(shutdown_seconds: str):
    """One web pod whose container keeps serving this long after SIGTERM, about to be replaced without a surge."""
    sim, traffic = cluster(seed=1, rate=100, via="ClusterIP")
    annotations = {"kubelab.io/shutdown-seconds": shutdown_seconds}
    sim.client.patch(
        "Deployment",
        "default",
        "web",
        {"spec": {**ONE_AT_A_TIME, "template": {"metadata": {"annotations": annotations}}}},
    )
    sim.run_for(90)
    (pod,) = web_pods(sim)
    return sim, traffic, f"default/{pod['metadata']['name']}"


def slice_conditions(sim, pod_key: str) -> dict | None:
    for slice_ in sim.objects("EndpointSlice", "default"):
        for endpoint in slice_.get("endpoints") or []:
            target = endpoint.get("targetRef") or {}
            if f"{target.get('namespace')}/{target.get('name')}" == pod_key:
                return endpoint["conditions"]
    return None


def test_a_terminating_pod_that_still_serves_takes_the_traffic_until_its_successor_is_ready():
    sim, traffic, old = single_pod_draining_in("30")
    sim.client.patch("Deployment", "default", "web", ROLLOUT)
    sim.run_for(1)
    assert sim.get("Pod", old)["metadata"].get("deletionTimestamp")
    assert slice_conditions(sim, old) == {"ready": False, "serving": True, "terminating": True}
    (new,) = [
        f"default/{pod['metadata']['name']}" for pod in web_pods(sim) if f"default/{pod['metadata']['name']}" != old
    ]
    seconds = record(sim, traffic, 30)
    assert failures(seconds) == {}
    served_by_old = [second["at"] for second in seconds if second["pods"].get(old)]
    served_by_new = [second["at"] for second in seconds if second["pods"].get(new)]
    # The old pod answered alone for whole seconds after it was deleted, then the new one took over for good.
    assert any(second["pods"] == {old: 100} for second in seconds)
    assert served_by_new and max(served_by_old) <= min(served_by_new)
    assert all(second["pods"] == {new: 100} for second in seconds[-10:])


def test_a_pod_that_exits_at_once_leaves_the_service_refusing_until_its_successor_is_ready():
    sim, traffic, old = single_pod_draining_in("0")
    sim.client.patch("Deployment", "default", "web", ROLLOUT)
    failed = failures(record(sim, traffic, 30))
    assert failed and sum(reasons.get("refused", 0) for reasons in failed.values()) >= 200
    assert sim.get("Pod", old) is None
