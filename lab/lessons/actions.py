"""What a lesson step can do to a cluster, each as the requests a client would send to its API server.

The vocabulary: the diagram's own actions (power, component, cordon, drain, add-node, scale, delete-pod, crash; see
lab/live_actions.py) plus `apply` (create objects, or merge their spec/data into existing ones, as
`kubectl apply` would), `patch` (one object, merge or strategic), `annotate-pod` (the first pod, by name, matching
a label selector: how a step crashes "a web pod" without knowing generated names), `undo` (`kubectl rollout
undo`: the previous revision's template back on the Deployment), `power-node-of` (power the node a named pod runs
on, wherever the scheduler put it), `force-delete-pod` (`kubectl delete pod --force --grace-period=0`) and
`add-node-in-zone-of` (a new worker in the zone of a claim's disk).
"""

from cluster_engine.api import errors
from cluster_engine.controllers.csi_provisioner import volume_zone
from lab import live_actions
from lab.apiserver import api_server_for
from lab.models import Cluster

REVISION_ANNOTATION = "deployment.kubernetes.io/revision"  # upstream: deploymentutil.RevisionAnnotation
POD_TEMPLATE_HASH = "pod-template-hash"  # upstream: appsv1.DefaultDeploymentUniqueLabelKey


def run(cluster: Cluster, action: dict) -> dict:
    """Perform `action` on `cluster`; returns {"objects": [...]}; raises ApiError when the cluster refuses."""
    name = action["action"]
    if name in OWN_ACTIONS:
        return {"objects": OWN_ACTIONS[name](cluster, action)}
    result = live_actions.perform(cluster.pk, action)
    return {"objects": result.get("objects") or [result["object"]]}


def apply(cluster: Cluster, action: dict) -> list[dict]:
    server = api_server_for(cluster)
    applied = []
    for obj in action["objects"]:
        kind, metadata = obj["kind"], obj["metadata"]
        try:
            applied.append(server.create(kind, obj))
        except errors.ApiError as error:
            if error.code != 409:
                raise
            body = {key: obj[key] for key in ("spec", "data", "stringData") if key in obj}
            applied.append(server.patch(kind, metadata.get("namespace"), metadata["name"], body))
    return applied


def patch(cluster: Cluster, action: dict) -> list[dict]:
    server = api_server_for(cluster)
    return [
        server.patch(
            action["kind"],
            action.get("namespace"),
            action["name"],
            action["body"],
            patch_type=action.get("patch_type", "merge"),
        )
    ]


def annotate_pod(cluster: Cluster, action: dict) -> list[dict]:
    server = api_server_for(cluster)
    selector = ",".join(f"{key}={value}" for key, value in sorted(action["selector"].items()))
    pods, _ = server.list("Pod", "default", label_selector=selector)
    live = sorted(
        (pod for pod in pods if not pod["metadata"].get("deletionTimestamp") and pod["spec"].get("nodeName")),
        key=lambda pod: pod["metadata"]["name"],
    )
    if not live:
        raise errors.ApiError(404, "NotFound", f'no running pod matches "{selector}"')
    name = live[0]["metadata"]["name"]
    return [server.patch("Pod", "default", name, {"metadata": {"annotations": action["annotations"]}})]


def undo(cluster: Cluster, action: dict) -> list[dict]:
    """kubectl rollout undo: replace the template with the previous revision's (without its pod-template-hash)."""
    server = api_server_for(cluster)
    deployment = server.get("Deployment", "default", action["name"])
    owned = [
        rs
        for rs in server.list("ReplicaSet", "default")[0]
        if any(ref.get("uid") == deployment["metadata"]["uid"] for ref in rs["metadata"].get("ownerReferences") or [])
    ]
    revisions = sorted(owned, key=lambda rs: int(rs["metadata"].get("annotations", {}).get(REVISION_ANNOTATION, 0)))
    if len(revisions) < 2:
        raise errors.ApiError(400, "BadRequest", f'no rollout history found for deployment "{action["name"]}"')
    template = revisions[-2]["spec"]["template"]
    labels = {k: v for k, v in (template["metadata"].get("labels") or {}).items() if k != POD_TEMPLATE_HASH}
    template = {**template, "metadata": {**template["metadata"], "labels": labels}}
    body = [{"op": "replace", "path": "/spec/template", "value": template}]
    return [server.patch("Deployment", "default", action["name"], body, patch_type="json")]


def power_node_of(cluster: Cluster, action: dict) -> list[dict]:
    """Power the node a pod is bound to: a lesson cannot know beforehand where the scheduler put db-1."""
    pod = api_server_for(cluster).get("Pod", "default", action["pod"])
    node = pod["spec"].get("nodeName")
    if not node:
        raise errors.ApiError(409, "Conflict", f'pod "{action["pod"]}" is not bound to a node yet')
    return [live_actions.perform(cluster.pk, {"action": "power", "node": node, "state": action["state"]})["object"]]


def force_delete_pod(cluster: Cluster, action: dict) -> list[dict]:
    """kubectl delete pod --force --grace-period=0: the Pod object goes at once, confirmed or not."""
    deleted = api_server_for(cluster).delete("Pod", "default", action["name"], grace_period_seconds=0)
    return [deleted.object]


def add_node_in_zone_of(cluster: Cluster, action: dict) -> list[dict]:
    """A new worker where a claim's zonal disk lives: a lesson cannot know beforehand which zone that is."""
    server = api_server_for(cluster)
    claim = server.get("PersistentVolumeClaim", "default", action["claim"])
    volume_name = claim["spec"].get("volumeName")
    zone = volume_zone(server.get("PersistentVolume", None, volume_name)) if volume_name else None
    number = (zone or "").rpartition("-")[2]
    if not number.isdigit():
        raise errors.ApiError(409, "Conflict", f'claim "{action["claim"]}" is not bound to a disk in a zone')
    return [live_actions.add_worker(server, zone=int(number))]


OWN_ACTIONS = {
    "apply": apply,
    "patch": patch,
    "annotate-pod": annotate_pod,
    "undo": undo,
    "power-node-of": power_node_of,
    "force-delete-pod": force_delete_pod,
    "add-node-in-zone-of": add_node_in_zone_of,
}
