"""Subresources: scale (kubectl scale), eviction (kubectl drain), log (kubectl logs), token (kubectl create token)
and binding (what a scheduler posts). Each speaks its own upstream body and maps onto the API server's verbs."""

from datetime import UTC, datetime

from asgiref.sync import sync_to_async
from django.http import HttpResponse, StreamingHttpResponse

from cluster_engine.api import errors, typed
from cluster_engine.api import patch as patches
from cluster_engine.api.eviction import evict
from cluster_engine.api.kinds import Kind, kind_named
from cluster_engine.openapi import definition_name

from . import auth, bodies, field_validation, log_follow
from .dryrun import delete_dry_run, dry_run
from .fieldmanager import field_manager, force
from .responses import json_response, not_found_path, success
from .routes import Target
from .selectors import label_selector_string

SCALE_KIND = "Scale.autoscaling"
SCALE_API_VERSION = "autoscaling/v1"
# upstream: the kubelet's port, which the API server dials to stream container logs
KUBELET_PORT = 10250


# ---- scale ---------------------------------------------------------------------------------------------------
def scale_of(obj: dict) -> dict:
    """The autoscaling/v1 Scale view of a Deployment, ReplicaSet or ReplicationController (whose selector is a map)."""
    metadata = obj["metadata"]
    selector = (obj.get("spec") or {}).get("selector")
    if obj["kind"] == "ReplicationController":
        selector = {"matchLabels": selector or {}}  # upstream: labels.SelectorFromSet(rc.Spec.Selector)
    return {
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            key: metadata[key]
            for key in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
            if key in metadata
        },
        "spec": {"replicas": (obj.get("spec") or {}).get("replicas", 0)},
        "status": {
            "replicas": (obj.get("status") or {}).get("replicas", 0),
            "selector": label_selector_string(selector),
        },
    }


def _scale(request, server, kind: Kind, target: Target) -> HttpResponse:
    current = server.get(kind.kind, target.namespace, target.name)
    if request.method == "GET":
        return json_response(scale_of(current))
    if request.method == "PUT":
        sent = bodies.decode(request)
        wanted = typed.decode("autoscaling", "v1", "Scale", sent)
    elif request.method == "PATCH":
        validation = field_validation.from_request(request)
        sent, patch_type = bodies.decode_patch(request, validation.duplicates)
        if patch_type == "apply":
            return _apply_scale(request, server, kind, target, sent, validation)
        scale_type = definition_name("autoscaling", "v1", "Scale")
        wanted = typed.decode(
            "autoscaling", "v1", "Scale", patches.apply(scale_type, scale_of(current), sent, patch_type)
        )
    else:
        raise errors.method_not_allowed()
    replicas = (wanted.get("spec") or {}).get("replicas", 0)
    _require_replicas_not_negative(target, replicas)
    change = {"spec": {"replicas": replicas}}
    # Only a resourceVersion the client sent is a precondition (upstream applies a patch to the object as it is
    # when written); the one our read put in `scale_of(current)` must not turn a racing status write into a 409.
    named = wanted if request.method == "PUT" else sent  # a patch names a version only if its own body does
    metadata = named.get("metadata") if isinstance(named, dict) else None
    version = metadata.get("resourceVersion") if isinstance(metadata, dict) else None
    if version:
        change["metadata"] = {"resourceVersion": version}
    manager = field_manager(request, "PUT" if request.method == "PUT" else "PATCH")
    # upstream records the change under the parent with `subresource: scale`
    updated = server.patch(
        kind.kind,
        target.namespace,
        target.name,
        change,
        "merge",
        subresource="scale",
        dry_run=dry_run(request),
        manager=manager,
    )
    return json_response(scale_of(updated))


def _require_replicas_not_negative(target: Target, replicas: int) -> None:
    """upstream ValidateScale, which answers for the Scale rather than its parent."""
    if replicas < 0:
        raise errors.ApiError(
            422,
            "Invalid",
            f'{SCALE_KIND} "{target.name}" is invalid: spec.replicas: Invalid value: {replicas}: must be greater than or equal to 0',
            {
                "name": target.name,
                "group": "autoscaling",
                "kind": "Scale",
                "causes": [errors.invalid("spec.replicas", replicas, "must be greater than or equal to 0").cause()],
            },
        )


def _apply_scale(request, server, kind: Kind, target: Target, sent, validation) -> HttpResponse:
    """Server-side apply of an autoscaling/v1 Scale. Upstream's scale handler shows the parent's owners of
    spec.replicas as the Scale's owners and moves what the Scale's apply takes back to the parent: the applier
    owns the parent's spec.replicas in an Apply entry with `subresource: scale`, a change to a value another
    manager owns is a conflict unless forced, and the answer is the Scale."""
    manager = field_manager(request, apply=True)
    if isinstance(sent, dict) and sent.get("apiVersion") != SCALE_API_VERSION:
        # upstream structuredMergeManager.Apply
        raise errors.bad_request(
            "Incorrect version specified in apply patch. "
            f"Specified patch version: {sent.get('apiVersion') or ''}, expected: {SCALE_API_VERSION}"
        )
    wanted = typed.decode("autoscaling", "v1", "Scale", sent)
    metadata = wanted.get("metadata") or {}
    if metadata.get("name") not in (None, target.name):
        raise errors.bad_request(
            f"the name of the object ({metadata['name']}) does not match the name on the URL ({target.name})"
        )
    configuration = {"apiVersion": kind.api_version, "kind": kind.kind, "metadata": {"name": target.name}}
    if "replicas" in (wanted.get("spec") or {}):
        _require_replicas_not_negative(target, wanted["spec"]["replicas"])
        configuration["spec"] = {"replicas": wanted["spec"]["replicas"]}
    applied = server.apply(
        kind.kind,
        target.namespace,
        target.name,
        configuration,
        manager,
        force=force(request),
        dry_run=dry_run(request),
        subresource="scale",
        field_validation=validation,
    )
    return field_validation.add_warnings(json_response(scale_of(applied.object)), validation)


# ---- eviction ------------------------------------------------------------------------------------------------
def _evict(request, server, kind: Kind, target: Target) -> HttpResponse:
    """POST pods/<name>/eviction: a delete the pod's PodDisruptionBudget must allow (429 when it does not)."""
    if request.method != "POST":
        raise errors.method_not_allowed()
    eviction = typed.decode("policy", "v1", "Eviction", bodies.decode(request))
    named = (eviction.get("metadata") or {}).get("name")
    if named and named != target.name:
        raise errors.bad_request("name in URL does not match name in Eviction object")
    options = eviction.get("deleteOptions") or {}
    evict(server, target.namespace, target.name, options, dry_run=delete_dry_run(request, options))
    return json_response(success(code=201), 201)


# ---- log -----------------------------------------------------------------------------------------------------
def _log(request, cluster, server, target: Target) -> HttpResponse:
    if request.method != "GET":
        raise errors.method_not_allowed()
    pod = server.get("Pod", target.namespace, target.name)
    names = [container["name"] for container in pod["spec"].get("containers") or []]
    container = request.GET.get("container")
    if not container:
        if len(names) != 1:
            raise errors.bad_request(
                f"a container name must be specified for pod {target.name}, choose one of: [{' '.join(names)}]"
            )
        container = names[0]
    init_names = [c["name"] for c in pod["spec"].get("initContainers") or []]
    if container not in names + init_names:
        raise errors.bad_request(f"container {container} is not valid for pod {target.name}")
    node_name = pod["spec"].get("nodeName")
    if not node_name:
        return HttpResponse(b"", content_type="text/plain")  # upstream: no host yet, so an empty log
    previous = request.GET.get("previous", "").lower() in ("true", "1")
    if previous:
        if not _terminated_before(pod, container):
            raise errors.bad_request(f'previous terminated container "{container}" in pod "{target.name}" not found')
    else:
        waiting = _waiting_reason(pod, container)
        if waiting is not None:
            raise errors.bad_request(f'container "{container}" in pod "{target.name}" is waiting to start: {waiting}')
    from lab import engine_host

    def read(previous: bool):
        return engine_host.pod_logs(cluster.pk, target.namespace, target.name, container, previous)

    lines = read(previous)
    if lines is None:
        raise _kubelet_unreachable(server, node_name, target, container)
    text = log_follow.encode(_tail(lines, request.GET.get("tailLines")))
    # upstream: a previous (terminated) container has nothing more to follow, so its log ends at once
    if request.GET.get("follow", "").lower() not in ("true", "1") or previous:
        return HttpResponse(text, content_type="text/plain")
    still_running = sync_to_async(log_follow.container_running)
    stream = log_follow.follow(read, lambda: still_running(server, target.namespace, target.name, container), lines)
    return StreamingHttpResponse(_starting_with(text, stream), content_type="text/plain")


async def _starting_with(first: bytes, rest):
    yield first  # what the log holds already; also sends the headers before any new line
    async for chunk in rest:
        yield chunk


def _tail(lines: list[str], tail: str | None) -> list[str]:
    if tail is not None and tail.lstrip("-").isdigit() and int(tail) >= 0:
        return lines[len(lines) - int(tail) :] if int(tail) else []
    return list(lines)


def _terminated_before(pod: dict, container: str) -> bool:
    statuses = (pod.get("status") or {}).get("containerStatuses") or []
    return any(s.get("name") == container and (s.get("lastState") or {}).get("terminated") for s in statuses)


def _waiting_reason(pod: dict, container: str) -> str | None:
    statuses = (pod.get("status") or {}).get("containerStatuses") or []
    for status in statuses:
        if status.get("name") == container:
            waiting = (status.get("state") or {}).get("waiting")
            if waiting is not None and not (status.get("lastState") or {}).get("terminated"):
                return waiting.get("reason") or "ContainerCreating"
            return None
    return "ContainerCreating"


def _kubelet_unreachable(server, node_name: str, target: Target, container: str) -> errors.ApiError:
    """What kubectl prints when the API server cannot reach the node's kubelet (a powered-off machine)."""
    node = server.storage.get("Node", None, node_name) or {"status": {}}
    address = next(
        (a["address"] for a in (node.get("status") or {}).get("addresses") or [] if a.get("type") == "InternalIP"),
        node_name,
    )
    url = f"https://{address}:{KUBELET_PORT}/containerLogs/{target.namespace}/{target.name}/{container}"
    return errors.ApiError(
        500, "InternalError", f'Get "{url}": dial tcp {address}:{KUBELET_PORT}: connect: no route to host'
    )


# ---- token ---------------------------------------------------------------------------------------------------
def _token(request, cluster, server, target: Target) -> HttpResponse:
    """POST serviceaccounts/<name>/token (TokenRequest): a token carrying that account's role."""
    if request.method != "POST":
        raise errors.method_not_allowed()
    token_request = typed.decode("authentication.k8s.io", "v1", "TokenRequest", bodies.decode(request))
    spec = token_request.get("spec") or {}
    seconds = spec.get("expirationSeconds", auth.DEFAULT_TOKEN_SECONDS)
    problem = None
    if seconds < auth.MIN_TOKEN_SECONDS:
        problem = "may not specify a duration less than 10 minutes"
    elif seconds > auth.MAX_TOKEN_SECONDS:
        problem = "may not specify a duration larger than 2^32 seconds"
    if problem is not None:
        cause = errors.invalid("spec.expirationSeconds", seconds, problem)
        raise errors.ApiError(
            422,
            "Invalid",
            f'TokenRequest.authentication.k8s.io "{target.name}" is invalid: {cause}',
            {"name": target.name, "group": "authentication.k8s.io", "kind": "TokenRequest", "causes": [cause.cause()]},
        )
    account = server.get("ServiceAccount", target.namespace, target.name)
    token, expires = auth.issue_token(cluster, account, seconds)
    return json_response(
        {
            "kind": "TokenRequest",
            "apiVersion": "authentication.k8s.io/v1",
            "metadata": {"name": target.name, "namespace": target.namespace, "creationTimestamp": None},
            "spec": {
                "audiences": spec.get("audiences") or ["https://kubernetes.default.svc.cluster.local"],
                "expirationSeconds": seconds,
                "boundObjectRef": spec.get("boundObjectRef"),
            },
            "status": {"token": token, "expirationTimestamp": _rfc3339(expires)},
        },
        201,
    )


def _rfc3339(unix_seconds: int) -> str:
    return datetime.fromtimestamp(unix_seconds, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---- binding -------------------------------------------------------------------------------------------------
def _binding(request, server, target: Target) -> HttpResponse:
    if request.method != "POST":
        raise errors.method_not_allowed()
    binding = typed.decode("", "v1", "Binding", bodies.decode(request))
    node = (binding.get("target") or {}).get("name")
    if not node:
        raise errors.invalid_object(kind_named("Pod"), target.name, [errors.required("target.name")])
    server.bind(target.namespace, target.name, node, dry_run=dry_run(request))
    return json_response(success(code=201), 201)


def handle(request, cluster, server, kind: Kind, target: Target) -> HttpResponse:
    name = target.subresource
    if name == "scale":
        return _scale(request, server, kind, target)
    if name == "eviction":
        return _evict(request, server, kind, target)
    if name == "log":
        return _log(request, cluster, server, target)
    if name == "token":
        return _token(request, cluster, server, target)
    if name == "binding":
        return _binding(request, server, target)
    raise not_found_path()
