"""The resource metrics API (metrics.k8s.io/v1beta1), answered as metrics-server answers it behind the aggregator.

`kubectl top pods|nodes` finds the group in discovery, lists PodMetrics or NodeMetrics (read-only, get and list),
and prints their usage. The numbers come from the simulated usage model (`cluster_engine.usage`), in metrics-server's
units: CPU in nanocores, memory in kibibytes, over its 15 s resolution window.
"""

from django.http import HttpResponse

from cluster_engine import usage
from cluster_engine.api import errors
from cluster_engine.api.labels import matches, parse_selector_string

from . import auth
from .responses import json_response, not_found_path
from .routes import Target

GROUP, VERSION = "metrics.k8s.io", "v1beta1"
API_VERSION = f"{GROUP}/{VERSION}"
# upstream metrics-server: --metric-resolution default
WINDOW = "15s"
RESOURCES = {"pods": ("PodMetrics", True), "nodes": ("NodeMetrics", False)}


def resource_list() -> dict:
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": API_VERSION,
        "resources": [
            {"name": plural, "singularName": "", "namespaced": namespaced, "kind": kind, "verbs": ["get", "list"]}
            for plural, (kind, namespaced) in RESOURCES.items()
        ],
    }


def verb(target: Target) -> str:
    return "list" if target.collection else "get"


def handle(request, server, identity, target: Target, now) -> HttpResponse:
    if target.resource not in RESOURCES or target.subresource:
        raise not_found_path()
    kind, namespaced = RESOURCES[target.resource]
    if target.namespace is not None and not namespaced:
        raise not_found_path()
    if request.method != "GET":
        raise errors.method_not_allowed()
    auth.authorize(identity, verb(target), GROUP, target.resource, "", target.namespace, target.name)
    timestamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")

    def list_objects(object_kind: str, namespace: str | None) -> list[dict]:
        return server.list(object_kind, namespace)[0]

    if kind == "PodMetrics":
        items = _pod_metrics(list_objects, target.namespace, timestamp)
    else:
        items = _node_metrics(list_objects, timestamp)
    requirements = parse_selector_string(request.GET.get("labelSelector"))
    items = [item for item in items if matches(requirements, item["metadata"].get("labels"))]
    if target.name is not None:
        found = next((item for item in items if item["metadata"]["name"] == target.name), None)
        if found is None:
            # metrics-server names the resource podmetrics/nodemetrics, and a pod as namespace/name
            resource = kind.lower()
            name = f"{target.namespace}/{target.name}" if namespaced else target.name
            raise errors.ApiError(
                404,
                "NotFound",
                f'{resource}.{GROUP} "{name}" not found',
                {"name": name, "group": GROUP, "kind": resource},
            )
        return json_response(found)
    return json_response({"kind": f"{kind}List", "apiVersion": API_VERSION, "metadata": {}, "items": items})


def _metadata(obj: dict, timestamp: str) -> dict:
    metadata = {"name": obj["metadata"]["name"]}
    if obj["metadata"].get("namespace"):
        metadata["namespace"] = obj["metadata"]["namespace"]
    metadata["creationTimestamp"] = timestamp
    if obj["metadata"].get("labels"):
        metadata["labels"] = obj["metadata"]["labels"]
    return metadata


def _usage(millicores: int, memory: int) -> dict:
    return {"cpu": f"{millicores * 1_000_000}n", "memory": f"{memory // 1024}Ki"}


def _pod_metrics(list_objects, namespace: str | None, timestamp: str) -> list[dict]:
    by_pod = usage.container_usage(list_objects, namespace)
    items = []
    for pod in list_objects("Pod", namespace):
        containers = by_pod.get(f"{pod['metadata']['namespace']}/{pod['metadata']['name']}")
        if containers is None:
            continue  # metrics-server has nothing for a pod that is not running
        items.append(
            {
                "metadata": _metadata(pod, timestamp),
                "timestamp": timestamp,
                "window": WINDOW,
                "containers": [{"name": name, "usage": _usage(cpu, mem)} for name, (cpu, mem) in containers.items()],
            }
        )
    return items


def _node_metrics(list_objects, timestamp: str) -> list[dict]:
    by_node = usage.node_usage(list_objects)
    return [
        {
            "metadata": _metadata(node, timestamp),
            "timestamp": timestamp,
            "window": WINDOW,
            "usage": _usage(*by_node[name]),
        }
        for node in list_objects("Node", None)
        if (name := node["metadata"]["name"]) in by_node
    ]
