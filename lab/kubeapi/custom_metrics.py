"""The custom metrics API (custom.metrics.k8s.io/v1beta2), answered as a Prometheus adapter answers it behind the
aggregator: each pod's `http_requests_per_second`, from the simulated traffic (`cluster_engine.traffic.request_rate`).

A HorizontalPodAutoscaler with a Pods metric reads the same numbers in the control plane;
`kubectl get --raw /apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/*/http_requests_per_second` shows
them as MetricValues, one per running pod (`*`, or one pod by name, `labelSelector` to narrow).
"""

from django.http import HttpResponse

from cluster_engine.api import errors
from cluster_engine.api.labels import matches, parse_selector_string
from cluster_engine.api.quantity import format_millis
from cluster_engine.traffic.request_rate import METRIC, requests_per_second

from . import auth
from .responses import json_response, not_found_path
from .routes import Target

GROUP, VERSION = "custom.metrics.k8s.io", "v1beta2"
API_VERSION = f"{GROUP}/{VERSION}"


def resource_list() -> dict:
    """The metrics the adapter serves, one `<resource>/<metric>` entry each, as its discovery lists them."""
    resource = {
        "name": f"pods/{METRIC}",
        "singularName": "",
        "namespaced": True,
        "kind": "MetricValueList",
        "verbs": ["get"],
    }
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": API_VERSION, "resources": [resource]}


def verb(_target: Target) -> str:
    return "get"  # every metric read is a get, of one object or of `*`


def handle(request, server, identity, target: Target, now) -> HttpResponse:
    if target.resource != "pods" or target.namespace is None or target.name is None or not target.subresource:
        raise not_found_path()
    if request.method != "GET":
        raise errors.method_not_allowed()
    auth.authorize(identity, "get", GROUP, "pods", target.subresource, target.namespace, target.name)
    if target.subresource != METRIC:
        # custom-metrics-apiserver's NewMetricNotFoundError
        raise errors.ApiError(404, "NotFound", f"the server could not find the metric {target.subresource} for pods")

    def list_objects(kind: str, namespace: str | None) -> list[dict]:
        return server.list(kind, namespace)[0]

    rates = requests_per_second(list_objects, target.namespace)
    requirements = parse_selector_string(request.GET.get("labelSelector"))
    timestamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    items = [
        _value(pod, rates[key], timestamp)
        for pod in list_objects("Pod", target.namespace)
        if (key := f"{pod['metadata']['namespace']}/{pod['metadata']['name']}") in rates
        and (target.name == "*" or pod["metadata"]["name"] == target.name)
        and matches(requirements, pod["metadata"].get("labels"))
    ]
    if target.name != "*" and not items:
        message = f"the server could not find the metric {METRIC} for pods {target.name}"  # NewMetricNotFoundForError
        raise errors.ApiError(404, "NotFound", message)
    return json_response({"kind": "MetricValueList", "apiVersion": API_VERSION, "metadata": {}, "items": items})


def _value(pod: dict, rate: float, timestamp: str) -> dict:
    described = {"kind": "Pod", "namespace": pod["metadata"]["namespace"], "name": pod["metadata"]["name"]}
    return {
        # the adapter names the core group's version so, with the empty group before the slash
        "describedObject": {**described, "apiVersion": "/v1"},
        "metric": {"name": METRIC, "selector": None},
        "timestamp": timestamp,
        "value": format_millis(round(rate * 1000)),
    }
