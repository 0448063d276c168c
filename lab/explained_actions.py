"""The page's actions, each answered with what it did: the kubectl command that does the same and the diff of every
object it wrote (see `edit_explanations`).

Before an action runs, the objects it may write are read (through the operator's server, so reading works while the
simulated kube-apiserver is down; the action itself is refused then as before); the objects it returns are what the
API server stored, and each is compared with its own earlier version.
"""

from cluster_engine.api.availability import POWER_ANNOTATION, STATE_ANNOTATION
from cluster_engine.api.errors import ApiError
from cluster_engine.traffic.clients import client_configmap

from . import kubectl_equivalents as kubectl
from . import live_actions
from .apiserver import api_server_for
from .classroom.permissions import actor_for
from .edit_explanations import announce, explain
from .models import Cluster


def identity(obj: dict) -> tuple[str, str | None, str]:
    metadata = obj["metadata"]
    return obj["kind"], metadata.get("namespace"), metadata["name"]


def actor_name(scope: dict) -> str:
    """Who a page's WebSocket belongs to, as explanations name them: the student's display name or the user's."""
    return actor_for(scope.get("user"), scope.get("session")).name()


def perform(cluster_id: int, request: dict, actor: str) -> dict:
    """`live_actions.perform`, its answer carrying {"explanation": {"command", "diff", "actor", "id"}}."""
    cluster = Cluster.objects.filter(pk=cluster_id).first()
    action = request.get("action")
    if cluster is None or not isinstance(action, str) or action not in COMMANDS:
        return live_actions.perform(cluster_id, request)
    before = {identity(obj): obj for obj in _candidates(cluster, request)}
    reply = live_actions.perform(cluster_id, request)
    written = [obj for obj in [reply.get("object"), *reply.get("objects", [])] if obj is not None]
    if not written:
        return reply  # stopping traffic that was not running changed nothing
    stopped = action == "traffic" and request.get("rate") == 0  # the client's ConfigMap is deleted, gone at once
    changes = [(before.get(identity(obj)), None if stopped else obj) for obj in written]
    explanation = explain(COMMANDS[action](request, changes), changes, actor)
    announce(cluster_id, explanation)
    return {**reply, "explanation": explanation.as_json()}


def _candidates(cluster, request: dict) -> list[dict]:
    """Every object the action may write, as it stands now."""
    server = api_server_for(cluster, operator=True)
    namespace = request.get("namespace") or "default"
    action = request["action"]
    found = []
    try:
        if action in ("power", "cordon", "drain"):
            found.append(server.get("Node", None, str(request.get("node"))))
        if action == "drain":
            found += server.list("Pod", field_selector=f"spec.nodeName={request.get('node')}")[0]
        if action == "component":
            found += server.list("ControlPlaneComponent")[0]
        if action == "scale":
            found.append(server.get("Deployment", namespace, str(request.get("name"))))
        if action in ("delete-pod", "crash"):
            found.append(server.get("Pod", namespace, str(request.get("name"))))
        if action == "traffic":
            manifest = client_configmap(namespace, str(request.get("service")), 0, "ClusterIP")
            found.append(server.get("ConfigMap", namespace, manifest["metadata"]["name"]))
    except ApiError:
        pass  # nothing to compare with: the action itself says what is wrong
    return found


def _written(changes):
    return [after or before for before, after in changes]


def _power(request, changes):
    return kubectl.annotate("Node", None, [request["node"]], POWER_ANNOTATION, request["state"])


def _component(request, changes):
    names = [obj["metadata"]["name"] for obj in _written(changes)]
    return kubectl.annotate("ControlPlaneComponent", None, names, STATE_ANNOTATION, request["state"])


def _cordon(request, changes):
    return kubectl.cordon(request["node"]) if request.get("unschedulable", True) else kubectl.uncordon(request["node"])


def _drain(request, changes):
    return kubectl.drain(request["node"], [obj for obj in _written(changes) if obj["kind"] == "Pod"])


def _add_node(request, changes):
    manifest = changes[0][1]
    return kubectl.create(
        {
            "apiVersion": manifest["apiVersion"],
            "kind": "Node",
            "metadata": _authored(manifest),
            "spec": manifest["spec"],
        }
    )


def _authored(manifest: dict) -> dict:
    """The metadata a person writes in a manifest: what the API server adds (uid, timestamps, ...) left out."""
    return {
        key: manifest["metadata"][key]
        for key in ("name", "namespace", "labels", "annotations")
        if key in manifest["metadata"]
    }


def _scale(request, changes):
    return kubectl.scale("Deployment", request.get("namespace") or "default", request["name"], request["replicas"])


def _delete_pod(request, changes):
    return kubectl.delete("Pod", request.get("namespace") or "default", request["name"])


def _crash(request, changes):
    container = changes[0][1]["metadata"]["annotations"][live_actions.CRASH_ANNOTATION]
    namespace = request.get("namespace") or "default"
    return kubectl.annotate("Pod", namespace, [request["name"]], live_actions.CRASH_ANNOTATION, container)


def _traffic(request, changes):
    """Starting a client creates its ConfigMap, a new rate patches its data, stopping deletes it."""
    before, configmap = changes[0]
    metadata = (configmap or before)["metadata"]
    if configmap is None:
        return kubectl.delete("ConfigMap", metadata["namespace"], metadata["name"])
    if before is not None:
        return kubectl.patch("ConfigMap", metadata["namespace"], metadata["name"], before, configmap)
    return kubectl.create(
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": _authored(configmap), "data": configmap["data"]}
    )


COMMANDS = {
    "power": _power,
    "component": _component,
    "cordon": _cordon,
    "drain": _drain,
    "add-node": _add_node,
    "scale": _scale,
    "delete-pod": _delete_pod,
    "crash": _crash,
    "traffic": _traffic,
}
