"""The autoscaler on metrics beyond a whole pod's resource: a per-pod metric from the custom metrics API (requests
per second from the simulated traffic) and one container's CPU, on the demo cluster."""

from cluster_engine.traffic.request_rate import METRIC, requests_per_second
from cluster_engine.usage import LOAD_ANNOTATION
from tests.engine.traffic.helpers import cluster, web_pods

from .test_podautoscaler import conditions, hpa, replicas


def autoscaler(*metrics: dict) -> dict:
    manifest = hpa()
    manifest["spec"]["metrics"] = list(metrics)
    return manifest


def requests_metric(average: str) -> dict:
    return {
        "type": "Pods",
        "pods": {"metric": {"name": METRIC}, "target": {"type": "AverageValue", "averageValue": average}},
    }


def container_cpu(container: str, utilization: int) -> dict:
    target = {"type": "Utilization", "averageUtilization": utilization}
    return {"type": "ContainerResource", "containerResource": {"name": "cpu", "container": container, "target": target}}


def status(sim) -> dict:
    return sim.get("HorizontalPodAutoscaler", "default/web")["status"]


def hpa_events(sim) -> list[tuple[str, str]]:
    found = [e for e in sim.objects("Event") if e["involvedObject"]["kind"] == "HorizontalPodAutoscaler"]
    found.sort(key=lambda event: int(event["metadata"]["resourceVersion"]))
    return [(event["reason"], event["message"]) for event in found]


def test_requests_per_second_are_shared_by_the_ready_endpoints_of_the_clients_service():
    sim, _ = cluster(rate=300)
    rates = requests_per_second(sim.objects, "default")
    web = {f"default/{pod['metadata']['name']}" for pod in web_pods(sim)}
    assert {key: rate for key, rate in rates.items() if key in web} == dict.fromkeys(web, 100.0)
    assert all(rate == 0.0 for key, rate in rates.items() if key not in web)  # running, but no traffic reaches it


def test_a_pods_metric_scales_out_until_each_pod_serves_its_target_average():
    sim, _ = cluster(rate=300)
    sim.operator.create("HorizontalPodAutoscaler", autoscaler(requests_metric("50")))
    sim.run_for(1)
    # three pods at 100 requests per second each, twice the target: six pods
    assert replicas(sim) == 6
    assert ("SuccessfulRescale", f"New size: 6; reason: pods metric {METRIC} above target") in hpa_events(sim)
    assert status(sim)["currentMetrics"] == [
        {"type": "Pods", "pods": {"metric": {"name": METRIC}, "current": {"averageValue": "100"}}}
    ]
    sim.run_for(120)
    assert replicas(sim) == 6
    assert status(sim)["currentMetrics"][0]["pods"]["current"]["averageValue"] == "50"
    assert conditions(sim)["ScalingActive"] == ("True", "ValidMetricFound")
    message = next(c["message"] for c in status(sim)["conditions"] if c["type"] == "ScalingActive")
    assert message == f"the HPA was able to successfully calculate a replica count from pods metric {METRIC}"


def test_a_pods_metric_nobody_serves_stops_the_autoscaler_with_upstreams_reason():
    sim, _ = cluster(rate=300)
    unknown = requests_metric("50")
    unknown["pods"]["metric"]["name"] = "queue_depth"
    sim.operator.create("HorizontalPodAutoscaler", autoscaler(unknown))
    sim.run_for(1)
    assert conditions(sim)["ScalingActive"] == ("False", "FailedGetPodsMetric")
    message = (
        "unable to get metric queue_depth: unable to fetch metrics from custom metrics API: the server could not find "
        "the metric queue_depth for pods"
    )
    assert ("FailedGetPodsMetric", message) in hpa_events(sim)
    assert replicas(sim) == 3


def test_a_container_resource_metric_measures_only_that_container():
    sim, _ = cluster(rate=10)
    annotations = {LOAD_ANNOTATION: "900m"}
    sim.operator.patch("Deployment", "default", "web", {"metadata": {"annotations": annotations}})
    sim.operator.create("HorizontalPodAutoscaler", autoscaler(container_cpu("nginx", 50)))
    sim.run_for(1)
    # each pod's nginx uses 300m plus 2m idle of its 250m request: 120 %, a ratio of 2.4; the default policies
    # allow at most 3 + 4 pods in 15 s
    assert replicas(sim) == 7
    reason = "cpu container resource utilization (percentage of request) above target"
    assert ("SuccessfulRescale", f"New size: 7; reason: {reason}") in hpa_events(sim)
    [current] = status(sim)["currentMetrics"]
    assert current == {
        "type": "ContainerResource",
        "containerResource": {
            "name": "cpu",
            "container": "nginx",
            "current": {"averageUtilization": 120, "averageValue": "302m"},
        },
    }


def test_a_container_resource_metric_for_a_container_the_pods_lack_fails():
    sim, _ = cluster(rate=10)
    sim.operator.create("HorizontalPodAutoscaler", autoscaler(container_cpu("sidecar", 50)))
    sim.run_for(1)
    assert conditions(sim)["ScalingActive"] == ("False", "FailedGetContainerResourceMetric")
    reason, message = hpa_events(sim)[-1]
    assert reason == "FailedGetContainerResourceMetric"
    assert message.startswith(
        "failed to get cpu utilization: unable to get metrics for resource cpu: failed to get container metrics: "
        "container sidecar not present in metrics for pod default/web-"
    )
