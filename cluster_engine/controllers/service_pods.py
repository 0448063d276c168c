"""The pods behind a Service and how each is published, shared by the Endpoints and EndpointSlice controllers.

Upstream keeps these rules in one place too (pkg/api/v1/endpoints, pkg/controller/util/endpoint and the slice
controller's podToEndpoint), so both objects always agree on which pods are in and which are ready.
"""

from ..runtime.cache import key_of
from .pods import is_ready, is_terminal


def selects(service: dict, labels: dict) -> bool:
    selector = service["spec"].get("selector")
    return bool(selector) and all(labels.get(key) == value for key, value in selector.items())


def services_selecting(cache, pod: dict) -> list[str]:
    """The keys of the Services in the pod's namespace whose selector matches it."""
    labels = pod["metadata"].get("labels") or {}
    return [
        key_of(service)
        for service in cache.list("Service", pod["metadata"].get("namespace"))
        if selects(service, labels)
    ]


def should_be_in_endpoints(pod: dict, include_terminating: bool) -> bool:
    """upstream ShouldPodBeInEndpoints: not finished, has an IP, and not terminating unless asked for."""
    if is_terminal(pod) or not (pod.get("status") or {}).get("podIP"):
        return False
    return include_terminating or not pod["metadata"].get("deletionTimestamp")


def conditions(service: dict, pod: dict) -> dict:
    """upstream podToEndpoint's conditions: serving is the pod's readiness, terminating its deletion, and ready
    both (never true for a terminating pod) unless the Service publishes not-ready addresses."""
    serving = is_ready(pod)
    terminating = bool(pod["metadata"].get("deletionTimestamp"))
    ready = bool(service["spec"].get("publishNotReadyAddresses")) or (serving and not terminating)
    return {"ready": ready, "serving": serving, "terminating": terminating}


def find_port(pod: dict, service_port: dict) -> int | None:
    """upstream FindPort: a numeric targetPort as is; a named one via the container port of that name."""
    target = service_port.get("targetPort", service_port.get("port"))
    if isinstance(target, int):
        return target
    if isinstance(target, str) and target.isdigit():
        return int(target)
    protocol = service_port.get("protocol", "TCP")
    for container in pod["spec"].get("containers") or []:
        for port in container.get("ports") or []:
            if port.get("name") == target and port.get("protocol", "TCP") == protocol:
                return port["containerPort"]
    return None


def pod_reference(pod: dict) -> dict:
    """The `targetRef` both objects give an address backed by this pod."""
    return {
        "kind": "Pod",
        "namespace": pod["metadata"]["namespace"],
        "name": pod["metadata"]["name"],
        "uid": pod["metadata"]["uid"],
    }
