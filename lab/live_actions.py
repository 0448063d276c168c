"""What the diagram's buttons do, each as the equivalent request to the cluster's API server.

A student's actions (cordon, drain, scale, delete a pod, crash a container, add a node) are a client's requests:
they go through the gated API server and are refused with a 503 Status while the simulated kube-apiserver is down,
exactly as kubectl would be. Powering a machine and taking a control-plane component down are the simulator's
own hands (fault injection), so they use the operator's server and always work. Every refusal is a Kubernetes
Status, shown to the learner as the reason and message kubectl would print.
"""

from cluster_engine.api import errors
from cluster_engine.api.availability import POWER_ANNOTATION, STATE_ANNOTATION
from cluster_engine.api.eviction import evict
from cluster_engine.scenarios import node_manifest
from cluster_engine.traffic.clients import MAX_RATE, VIA, client_configmap

from .apiserver import api_server_for
from .models import Cluster

CRASH_ANNOTATION = "kubelab.io/crash"
MIRROR_ANNOTATION = "kubernetes.io/config.mirror"  # upstream: static pods' mirrors are never drained


def perform(cluster_id: int, request: dict) -> dict:
    """Run one action; returns {"object": ...} or {"objects": [...]}; raises ApiError when refused."""
    action = request.get("action")
    handler = ACTIONS.get(action) if isinstance(action, str) else None
    if handler is None:
        raise errors.bad_request(f"unknown action {action!r}; supported actions: {', '.join(sorted(ACTIONS))}")
    try:
        cluster = Cluster.objects.get(pk=cluster_id)
    except Cluster.DoesNotExist:
        raise errors.ApiError(404, "NotFound", f"cluster {cluster_id} not found") from None
    return handler(cluster, request)


def _text(request: dict, field: str) -> str:
    value = request.get(field)
    if not isinstance(value, str) or not value:
        raise errors.bad_request(f'action {request["action"]!r} needs a non-empty string "{field}"')
    return value


def _choice(request: dict, field: str, options: tuple[str, ...]) -> str:
    value = request.get(field)
    if value not in options:
        raise errors.bad_request(f'action {request["action"]!r} needs "{field}" to be one of: {", ".join(options)}')
    return value


def power(cluster, request):
    """Switch the simulated machine off or on: its kubelet (and any control-plane component on it) stops or starts."""
    state = _choice(request, "state", ("on", "off"))
    operator = api_server_for(cluster, operator=True)
    body = {"metadata": {"annotations": {POWER_ANNOTATION: state}}}
    return {"object": operator.patch("Node", None, _text(request, "node"), body)}


def component_state(cluster, request):
    """Take a control-plane component down or bring it back (every instance of it unless one is named)."""
    state = _choice(request, "state", ("down", "up"))
    component = _text(request, "component")
    operator = api_server_for(cluster, operator=True)
    instances, _ = operator.list("ControlPlaneComponent")
    targets = [
        obj
        for obj in instances
        if obj["spec"].get("component") == component and request.get("name") in (None, obj["metadata"]["name"])
    ]
    if not targets:
        raise errors.ApiError(404, "NotFound", f'controlplanecomponents.kubelab.io "{component}" not found')
    body = {"metadata": {"annotations": {STATE_ANNOTATION: state}}}
    return {
        "objects": [operator.patch("ControlPlaneComponent", None, obj["metadata"]["name"], body) for obj in targets]
    }


def cordon(cluster, request):
    """kubectl cordon / uncordon: a merge patch of spec.unschedulable."""
    unschedulable = request.get("unschedulable", True)
    if not isinstance(unschedulable, bool):
        raise errors.bad_request('action "cordon" needs "unschedulable" to be true or false')
    body = {"spec": {"unschedulable": True if unschedulable else None}}
    return {"object": api_server_for(cluster).patch("Node", None, _text(request, "node"), body)}


def drain(cluster, request):
    """kubectl drain: cordon, then evict every pod on the node except mirror pods and DaemonSet pods. A pod whose
    disruption budget refuses (429) stays, and the refusal is the answer once the others are evicted: where kubectl
    would retry every 5 seconds, the page says why and the student drains again."""
    node = _text(request, "node")
    server = api_server_for(cluster)
    cordoned = server.patch("Node", None, node, {"spec": {"unschedulable": True}})
    pods, _ = server.list("Pod", field_selector=f"spec.nodeName={node}")
    evicted, refusal = [], None
    for pod in pods:
        metadata = pod["metadata"]
        owners = metadata.get("ownerReferences") or []
        if MIRROR_ANNOTATION in (metadata.get("annotations") or {}) or any(o["kind"] == "DaemonSet" for o in owners):
            continue
        if metadata.get("deletionTimestamp"):
            continue
        try:
            evicted.append(evict(server, metadata["namespace"], metadata["name"]))
        except errors.ApiError as error:
            if error.code != 429:
                raise
            refusal = refusal or error
    if refusal is not None:
        raise refusal
    return {"object": cordoned, "objects": evicted}


def add_node(cluster, request):
    """Register one more worker, as a kubelet (or KWOK) does, under the next free worker-N name."""
    return {"object": add_worker(api_server_for(cluster))}


def add_worker(server, zone: int = 1) -> dict:
    """A new worker-N (the first free N) in availability zone `zone`, created through `server`."""
    nodes, _ = server.list("Node")
    names = {node["metadata"]["name"] for node in nodes}
    number = next(n for n in range(1, len(names) + 2) if f"worker-{n}" not in names)
    return server.create("Node", node_manifest(f"worker-{number}", len(nodes), zone=zone))


def scale(cluster, request):
    """kubectl scale deployment: a merge patch of spec.replicas (the API server validates the number)."""
    replicas = request.get("replicas")
    if isinstance(replicas, bool) or not isinstance(replicas, int):
        raise errors.bad_request('action "scale" needs an integer "replicas"')
    body = {"spec": {"replicas": replicas}}
    namespace = request.get("namespace") or "default"
    return {"object": api_server_for(cluster).patch("Deployment", namespace, _text(request, "name"), body)}


def delete_pod(cluster, request):
    """kubectl delete pod: graceful, so the pod shows Terminating until its kubelet confirms."""
    namespace = request.get("namespace") or "default"
    return {"object": api_server_for(cluster).delete("Pod", namespace, _text(request, "name")).object}


def crash(cluster, request):
    """Make a container exit with an error, so the kubelet restarts it with upstream's backoff."""
    namespace = request.get("namespace") or "default"
    server = api_server_for(cluster)
    name = _text(request, "name")
    container = request.get("container") or server.get("Pod", namespace, name)["spec"]["containers"][0]["name"]
    body = {"metadata": {"annotations": {CRASH_ANNOTATION: container}}}
    return {"object": server.patch("Pod", namespace, name, body)}


def traffic(cluster, request):
    """Start, re-rate or stop (rate 0) the simulated client of a Service: the simulator's hands, like power, since
    the client is outside Kubernetes and its ConfigMap is how the traffic model learns of it."""
    rate = request.get("rate")
    if isinstance(rate, bool) or not isinstance(rate, int) or not 0 <= rate <= MAX_RATE:
        raise errors.bad_request(f'action "traffic" needs an integer "rate" from 0 (stop) to {MAX_RATE}')
    namespace = request.get("namespace") or "default"
    manifest = client_configmap(namespace, _text(request, "service"), rate, _choice(request, "via", VIA))
    operator = api_server_for(cluster, operator=True)
    name = manifest["metadata"]["name"]
    if rate == 0:
        try:
            return {"object": operator.delete("ConfigMap", namespace, name).object}
        except errors.ApiError as error:
            if error.code != 404:
                raise
            return {"objects": []}
    try:
        return {"object": operator.create("ConfigMap", manifest)}
    except errors.ApiError as error:
        if error.code != 409:
            raise
        return {"object": operator.patch("ConfigMap", namespace, name, {"data": manifest["data"]})}


ACTIONS = {
    "power": power,
    "component": component_state,
    "cordon": cordon,
    "drain": drain,
    "add-node": add_node,
    "scale": scale,
    "delete-pod": delete_pod,
    "crash": crash,
    "traffic": traffic,
}
