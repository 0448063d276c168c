"""Requests per second each pod serves, as an application's own metric: what a Prometheus adapter would publish
through the custom metrics API (custom.metrics.k8s.io) as `http_requests_per_second`.

Like the CPU model (`cluster_engine.usage`), it is a pure function of the cluster's objects, so the custom metrics
API (in any web process) and the autoscaler (in the control-plane worker) agree: each traffic client's rate is
shared equally by the endpoints kube-proxy balances its Service over (the ready ones of its EndpointSlices, else
those still serving as they terminate), which is the split the traffic simulation converges to. Every running pod
exports the metric, at 0 when no traffic reaches it.
"""

from .clients import parse_client
from .slice_cache import endpoints_by_service, usable

METRIC = "http_requests_per_second"


def requests_per_second(list_objects, namespace: str | None) -> dict[str, float]:
    """`namespace/pod` → requests per second, for every Running pod (in one namespace, or all)."""
    rates = {
        f"{pod['metadata']['namespace']}/{pod['metadata']['name']}": 0.0
        for pod in list_objects("Pod", namespace)
        if (pod.get("status") or {}).get("phase") == "Running"
    }
    for configmap in list_objects("ConfigMap", namespace):
        client = parse_client(configmap)
        if client is None:
            continue
        endpoints = usable(
            endpoints_by_service(list_objects("EndpointSlice", client.namespace)).get(client.service_key, [])
        )
        for endpoint in endpoints:
            if endpoint.pod in rates:
                rates[endpoint.pod] += client.rate / len(endpoints)
    return rates
