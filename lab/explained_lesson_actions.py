"""A lesson step's action, answered as a click in the page is (see `explained_actions`): the kubectl command that
makes the same change and the diff of every object it wrote, announced to every page of the cluster.

The diagram's own actions a step may run are explained by `explained_actions` itself; the lesson's own actions
(lab/lessons/actions.py) read the objects they may write first, through the operator's server, and each written
object is compared with its earlier version.
"""

import contextlib

from cluster_engine.api.errors import ApiError
from cluster_engine.api.kinds import kind_named

from . import explained_actions
from . import kubectl_equivalents as kubectl
from .apiserver import api_server_for
from .edit_explanations import announce, explain
from .explained_actions import identity
from .lessons import actions as lesson_actions
from .models import Cluster


def run(cluster: Cluster, action: dict, actor: str) -> dict:
    """`lesson_actions.run`, its answer carrying {"explanation": {"command", "diff", "actor", "id"}} once the action
    wrote anything; raises ApiError when the cluster refuses (nothing is explained then)."""
    name = action["action"]
    if name not in COMMANDS:
        reply = explained_actions.perform(cluster.pk, action, actor)
        objects = reply.get("objects") or [reply["object"]]
        return {"objects": objects, "explanation": reply.get("explanation")}
    before = {identity(obj): obj for obj in _current(api_server_for(cluster, operator=True), action)}
    objects = lesson_actions.run(cluster, action)["objects"]
    gone = name == "force-delete-pod"  # a zero grace period removes the Pod at once
    changes = [(before.get(identity(obj)), None if gone else obj) for obj in objects]
    explanation = explain(COMMANDS[name](action, changes), changes, actor)
    announce(cluster.pk, explanation)
    return {"objects": objects, "explanation": explanation.as_json()}


def _namespace(kind: str, manifest: dict) -> str | None:
    """Where the API server puts an object: its manifest's namespace, `default` when a namespaced kind names none."""
    return manifest["metadata"].get("namespace") or ("default" if kind_named(kind).namespaced else None)


def _current(server, action: dict) -> list[dict]:
    """Every object the action may write, as it stands now (those that do not exist yet are simply missing)."""
    name = action["action"]
    reads = []
    if name == "apply":
        reads = [(obj["kind"], _namespace(obj["kind"], obj), obj["metadata"]["name"]) for obj in action["objects"]]
    if name == "patch":
        reads = [(action["kind"], action.get("namespace"), action["name"])]
    if name in ("undo", "force-delete-pod"):
        reads = [("Deployment" if name == "undo" else "Pod", "default", action["name"])]
    found = []
    for kind, namespace, object_name in reads:
        with contextlib.suppress(ApiError):  # not there yet: the action creates it, or says itself what is wrong
            found.append(server.get(kind, namespace, object_name))
    with contextlib.suppress(ApiError):
        if name == "annotate-pod":
            selector = ",".join(f"{key}={value}" for key, value in sorted(action["selector"].items()))
            found += server.list("Pod", "default", label_selector=selector)[0]
        if name == "power-node-of":
            node = server.get("Pod", "default", action["pod"])["spec"].get("nodeName")
            found += [server.get("Node", None, node)] if node else []
    return found


def _apply(action, changes):
    """A new object is created from the step's manifest as written; an existing one gets the step's spec and data
    merged in, which is what the step's write did (`kubectl apply` would also record its last-applied annotation)."""
    sent = {(obj["kind"], _namespace(obj["kind"], obj), obj["metadata"]["name"]): obj for obj in action["objects"]}
    commands = []
    for before, after in changes:
        kind, namespace, name = identity(after)
        manifest = sent[(kind, namespace, name)]
        if before is None:
            commands.append(kubectl.create(manifest))
        else:
            body = {key: manifest[key] for key in ("spec", "data", "stringData") if key in manifest}
            commands.append(kubectl.patch_with(kind, namespace, name, body))
    return "\n".join(commands)


def _patch(action, changes):
    return kubectl.patch_with(
        action["kind"], action.get("namespace"), action["name"], action["body"], action.get("patch_type", "merge")
    )


def _annotate_pod(action, changes):
    name = changes[0][1]["metadata"]["name"]
    return "\n".join(
        kubectl.annotate("Pod", "default", [name], key, value) for key, value in action["annotations"].items()
    )


def _undo(action, changes):
    return kubectl.rollout_undo("Deployment", "default", action["name"])


def _power_node_of(action, changes):
    node = changes[0][1]["metadata"]["name"]
    return explained_actions.COMMANDS["power"]({"node": node, "state": action["state"]}, changes)


def _force_delete_pod(action, changes):
    return kubectl.force_delete("Pod", "default", action["name"])


COMMANDS = {
    "apply": _apply,
    "patch": _patch,
    "annotate-pod": _annotate_pod,
    "undo": _undo,
    "power-node-of": _power_node_of,
    "force-delete-pod": _force_delete_pod,
    "add-node-in-zone-of": explained_actions.COMMANDS["add-node"],
}
