"""The horizontal pod autoscaler on the full control plane, driven by the simulated CPU usage model."""

from cluster_engine.scenarios import demo_objects
from cluster_engine.simulation import Simulation
from cluster_engine.usage import LOAD_ANNOTATION

from .helpers import events


def hpa(target=50, minimum=1, maximum=10):
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
            "minReplicas": minimum,
            "maxReplicas": maximum,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": target}},
                }
            ],
        },
    }


def demo_with_hpa():
    sim = Simulation(seed=3)
    sim.apply(demo_objects())
    sim.start()
    sim.run_for(60)
    sim.operator.create("HorizontalPodAutoscaler", hpa())
    return sim


def load(sim, value):
    annotations = {LOAD_ANNOTATION: value}
    sim.operator.patch("Deployment", "default", "web", {"metadata": {"annotations": annotations}})


def replicas(sim):
    return sim.get("Deployment", "default/web")["spec"]["replicas"]


def conditions(sim):
    status = sim.get("HorizontalPodAutoscaler", "default/web")["status"]
    return {c["type"]: (c["status"], c["reason"]) for c in status["conditions"]}


def test_idle_pods_scale_down_to_the_minimum_only_after_the_stabilisation_window():
    sim = demo_with_hpa()
    sim.run_for(1)
    status = sim.get("HorizontalPodAutoscaler", "default/web")["status"]
    # three pods idling at 2m of a 250m request: 0 % of the 50 % target
    assert status["currentMetrics"][0]["resource"]["current"]["averageUtilization"] == 0
    assert conditions(sim)["AbleToScale"] == ("True", "ScaleDownStabilized")
    assert replicas(sim) == 3
    sim.run_for(280)
    assert replicas(sim) == 3  # the first recommendation (3) is still in the 300 s window
    sim.run_for(40)
    assert replicas(sim) == 1
    assert events(sim, "SuccessfulRescale") == [("SuccessfulRescale", "New size: 1; reason: All metrics below target")]


def test_load_scales_up_at_the_policy_rate_then_settles_within_tolerance():
    sim = demo_with_hpa()
    load(sim, "1500m")  # 500m a pod of 250m requested: 200 %, four times the target
    sim.run_for(1)
    assert replicas(sim) == 7  # ceil(3 x 2.008) = 7, within max(3 + 4 pods, 3 + 100 %) per 15 s
    assert events(sim, "SuccessfulRescale") == [
        ("SuccessfulRescale", "New size: 7; reason: cpu resource utilization (percentage of request) above target")
    ]
    sim.run_for(120)
    # once the new pods are ready the load is shared: 1500m / 250m / 50 % = 12 pods wanted, capped at 10
    assert replicas(sim) == 10
    assert conditions(sim)["ScalingLimited"] == ("True", "TooManyReplicas")
    load(sim, "1200m")  # 120m + 2m a pod over ten pods: 48 %, inside the 10 % tolerance
    sim.run_for(60)
    assert replicas(sim) == 10
    assert conditions(sim)["ScalingLimited"] == ("False", "DesiredWithinRange")


def test_a_missing_target_is_reported_on_the_conditions_and_as_an_event():
    sim = demo_with_hpa()
    sim.operator.patch("HorizontalPodAutoscaler", "default", "web", {"spec": {"scaleTargetRef": {"name": "nope"}}})
    sim.run_for(16)
    assert conditions(sim)["AbleToScale"] == ("False", "FailedGetScale")
    assert ("FailedGetScale", 'deployments.apps "nope" not found') in events(sim, "FailedGetScale")


def test_a_container_without_a_cpu_request_makes_the_metric_fail_as_upstream_says():
    sim = demo_with_hpa()
    patch = {"spec": {"template": {"spec": {"containers": [{"name": "nginx", "resources": {"requests": None}}]}}}}
    sim.operator.patch("Deployment", "default", "web", patch, "strategic")
    sim.run_for(120)
    status = sim.get("HorizontalPodAutoscaler", "default/web")["status"]
    active = next(c for c in status["conditions"] if c["type"] == "ScalingActive")
    assert active["reason"] == "FailedGetResourceMetric"
    assert active["message"].startswith(
        "the HPA was unable to compute the replica count: failed to get cpu utilization: missing request for cpu in "
        "container nginx of Pod web-"
    )


def test_a_scale_down_policy_removes_one_pod_a_minute_once_the_window_is_zero():
    sim = demo_with_hpa()
    behavior = {
        "scaleDown": {"stabilizationWindowSeconds": 0, "policies": [{"type": "Pods", "value": 1, "periodSeconds": 60}]}
    }
    sim.operator.patch("HorizontalPodAutoscaler", "default", "web", {"spec": {"behavior": behavior}})
    sim.run_for(16)
    assert replicas(sim) == 2
    assert conditions(sim)["ScalingLimited"] == ("True", "ScaleDownLimit")
    sim.run_for(30)
    assert replicas(sim) == 2  # the minute since the last removal has not passed
    sim.run_for(45)
    assert replicas(sim) == 1
