"""The HTTP entry points of a cluster's kube API: authenticate, authorise, resolve the path, dispatch.

Everything but watches runs as Django's sync views do (the ORM-backed API server is synchronous); a watch is an
async stream fed by the watch cache, so two hundred open `kubectl get -w` cost no thread each.
"""

import logging

from asgiref.sync import sync_to_async
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

from cluster_engine.api import errors

from ..apiserver import api_server_for, clock_for
from ..models import Cluster
from ..watchcache import watch_cache
from . import aggregated, auth, catalog, discovery, handlers, reviews, routes
from .activity import announce
from .handlers import include_object
from .list_options import ListOptions
from .responses import error_response, json_response, not_found_path, wants_table
from .watch import WatchPlan, stream, timeout_of

logger = logging.getLogger(__name__)
METHOD_VERBS = {"POST": "create", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}


def cluster_named(name: str) -> Cluster:
    cluster = Cluster.objects.filter(name=name).first()
    if cluster is None:
        raise not_found_path()
    return cluster


def version(request, cluster: str) -> HttpResponse:
    """GET /version: public, as upstream's system:public-info-viewer makes it."""
    try:
        cluster_named(cluster)
    except errors.ApiError as error:
        return error_response(error)
    return json_response(discovery.version())


def is_watch(request) -> bool:
    return request.method == "GET" and request.GET.get("watch", "").lower() in ("true", "1")


def verb_of(request, target: routes.Target) -> str:
    if request.method == "GET":
        if target.collection:
            return "watch" if is_watch(request) else "list"
        return "get"
    if request.method == "DELETE" and target.collection:
        return "deletecollection"
    return METHOD_VERBS.get(request.method, request.method.lower())


def serve(request, cluster: Cluster, root: str, segments: list[str]):
    """Everything up to the response: an HttpResponse, or a WatchPlan for the async view to stream."""
    identity = auth.authenticate(cluster, auth.credentials(request))
    if root == "api":
        if not segments:
            return json_response(discovery.api_versions())
        group, version_name, rest = "", segments[0], segments[1:]
    else:
        if not segments:
            return json_response(discovery.api_group_list())
        if len(segments) == 1:
            document = discovery.api_group(segments[0])
            if document is None:
                raise not_found_path()
            return json_response(document)
        group, version_name, rest = segments[0], segments[1], segments[2:]
    if not rest:
        document = discovery.resource_list(group, version_name)
        if document is None:
            raise not_found_path()
        return json_response(document)
    target = routes.parse(group, version_name, rest)
    if target is None:
        raise not_found_path()
    served = aggregated.SERVED.get((group, version_name))
    if served is not None:
        response = served.handle(request, api_server_for(cluster), identity, target, clock_for(cluster).wall_time())
        announce(cluster, identity, request, served.verb(target), target, response.status_code)
        return response
    review = catalog.review(group, version_name, target.resource)
    if review is not None and target.collection and target.namespace is None:
        return reviews.handle(request, identity, review)
    kind = catalog.stored_kind(group, version_name, target.resource)
    if kind is None or (target.namespace is not None and not kind.namespaced):
        raise not_found_path()
    verb = verb_of(request, target)
    try:
        outcome = answer(request, cluster, identity, kind, target, verb)
    except errors.ApiError as refusal:
        announce(cluster, identity, request, verb, target, refusal.code)
        raise
    announce(cluster, identity, request, verb, target, 200 if isinstance(outcome, WatchPlan) else outcome.status_code)
    return outcome


def answer(request, cluster: Cluster, identity, kind, target: routes.Target, verb: str):
    """An authorised request on one resource: its HttpResponse, or the WatchPlan of a watch."""
    auth.authorize(identity, verb, kind.group, target.resource, target.subresource, target.namespace, target.name)
    server = api_server_for(cluster)
    now = clock_for(cluster).wall_time()
    if verb == "watch":
        options = ListOptions.of(request, watch=True)
        options.validate()
        plan = WatchPlan(
            cluster_id=cluster.pk,
            kind=kind,
            namespace=target.namespace,
            label_selector=request.GET.get("labelSelector"),
            field_selector=request.GET.get("fieldSelector"),
            resource_version=options.resource_version,
            timeout=timeout_of(request),
            as_table=wants_table(request),
            include_object=include_object(request),
            now=now,
            allow_bookmarks=options.allow_watch_bookmarks,
            send_initial_events=options.send_initial_events,
            list_objects=lambda: server.list(
                kind.kind,
                target.namespace,
                label_selector=request.GET.get("labelSelector"),
                field_selector=request.GET.get("fieldSelector"),
            ),
        )
        plan.parse_selectors()
        refusal = server.gate("watch", kind) if server.gate else None
        if refusal is not None:
            raise refusal  # a down API server refuses to start a watch too
        return plan
    return handlers.handle(request, cluster, server, kind, target, now)


@csrf_exempt
async def api(request, cluster: str, root: str, rest: str | None = None):
    """/api/... and /apis/...: the whole REST surface of one cluster."""
    segments = rest.split("/") if rest else []
    if segments and segments[-1] == "":
        segments.pop()
    try:
        found = await sync_to_async(cluster_named)(cluster)
        # The watch cache follows the cluster from before any list is answered, so a client that lists and then
        # watches from the list's resourceVersion always finds that version in the window.
        await watch_cache(found.pk)
        outcome = await sync_to_async(serve)(request, found, root, segments)
        if isinstance(outcome, WatchPlan):
            return await stream(outcome)
        return outcome
    except errors.ApiError as error:
        return error_response(error)
    except Exception:
        # What nobody foresaw still answers as upstream's panic recovery does: a 500 Status kubectl can print, not
        # Django's HTML page; the traceback goes to the log.
        logger.exception("%s %s failed", request.method, request.path)
        return error_response(errors.ApiError(500, "InternalError", "Internal error occurred: the request failed"))
