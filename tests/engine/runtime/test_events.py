"""Event explanations: the English text for API clients, and for a template also the template and its arguments."""

from cluster_engine.cloud import LOAD_BALANCER_SECONDS
from cluster_engine.runtime.events import explanation_annotations

from ..cloud.cluster import started
from ..cloud.test_load_balancers import service


def annotations(sim, reason: str) -> list[dict]:
    return [event["metadata"].get("annotations") for event in sim.objects("Event") if event["reason"] == reason]


def test_a_templated_explanation_is_stored_rendered_and_as_template_with_compact_json_arguments():
    sim = started(service("web"))
    sim.run_until(LOAD_BALANCER_SECONDS)
    assert annotations(sim, "EnsuredLoadBalancer") == [
        {
            "kubelab.io/explanation": "The cloud's load balancer now sends traffic for 203.0.113.1 to this Service's "
            "node ports.",
            "kubelab.io/explanation-template": "The cloud's load balancer now sends traffic for {ip} to this "
            "Service's node ports.",
            "kubelab.io/explanation-args": '{"ip":"203.0.113.1"}',
        }
    ]


def test_a_fixed_explanation_is_stored_as_text_only_and_no_explanation_means_no_annotations():
    sim = started(service("web"))
    sim.run_until(LOAD_BALANCER_SECONDS)
    sim.server.delete("Service", "default", "web")
    sim.run_for(0)
    assert annotations(sim, "DeletedLoadBalancer") == [
        {"kubelab.io/explanation": "The cloud removed the load balancer and released its public IP address."}
    ]
    assert annotations(sim, "EnsuringLoadBalancer") == [None]


def test_arguments_keep_numbers_as_numbers_and_text_unescaped():
    assert explanation_annotations("{who} scored {points} points", {"who": "ノード-1", "points": 73}) == {
        "kubelab.io/explanation": "ノード-1 scored 73 points",
        "kubelab.io/explanation-template": "{who} scored {points} points",
        "kubelab.io/explanation-args": '{"who":"ノード-1","points":73}',
    }
