"""The verbs on stored resources: get, list, create, update, patch, delete, and their subresources.

Each handler turns an HTTP request into one call on the cluster's API server (the same one the admin and the
control plane use) and its result into the body upstream would send. Refusals are ApiErrors the view renders.
"""

from django.http import HttpResponse

from cluster_engine.api import errors, typed
from cluster_engine.api.kinds import Kind

from . import bodies, catalog, field_validation, subresources
from .dryrun import delete_dry_run, dry_run
from .fieldmanager import field_manager, force
from .list_options import ListOptions
from .responses import TABLE_MEDIA, json_response, not_found_path, success, wants_table
from .routes import Target
from .tables import table

INCLUDE_OBJECT = ("None", "Metadata", "Object")


def list_kind(kind: Kind) -> str:
    return f"{kind.kind}List"


def include_object(request) -> str:
    value = request.GET.get("includeObject", "Metadata")
    if value not in INCLUDE_OBJECT:
        raise errors.bad_request(f'includeObject "{value}" is not supported; must be one of None, Metadata, Object')
    return value


def respond(request, kind: Kind, obj: dict, now, status: int = 200) -> HttpResponse:
    if wants_table(request):
        rendered = table(kind.kind, [obj], now, obj["metadata"].get("resourceVersion", ""), include_object(request))
        return json_response(rendered, status, TABLE_MEDIA)
    return json_response(obj, status)


def get_collection(request, server, kind: Kind, target: Target, now) -> HttpResponse:
    ListOptions.of(request, watch=False).validate()
    items, version = server.list(
        kind.kind,
        target.namespace,
        label_selector=request.GET.get("labelSelector"),
        field_selector=request.GET.get("fieldSelector"),
    )
    if wants_table(request):
        return json_response(
            table(kind.kind, items, now, str(version), include_object(request)), content_type=TABLE_MEDIA
        )
    return json_response(
        {
            "kind": list_kind(kind),
            "apiVersion": kind.api_version,
            "metadata": {"resourceVersion": str(version)},
            "items": items,
        }
    )


def get_object(request, server, kind: Kind, target: Target, now) -> HttpResponse:
    return respond(request, kind, server.get(kind.kind, target.namespace, target.name), now)


def create(request, server, kind: Kind, target: Target, now) -> HttpResponse:
    if kind.namespaced and target.namespace is None:
        raise errors.method_not_allowed()
    validation = field_validation.from_request(request)
    body = bodies.decode(request, validation.duplicates)
    created = server.create(
        kind.kind,
        body,
        target.namespace,
        dry_run=dry_run(request),
        field_validation=validation,
        manager=field_manager(request),
    )
    return field_validation.add_warnings(respond(request, kind, created, now, 201), validation)


def update(request, server, kind: Kind, target: Target, now) -> HttpResponse:
    manager = field_manager(request)
    validation = field_validation.from_request(request)
    body = bodies.decode(request, validation.duplicates)
    if isinstance(body, dict):
        metadata = body.setdefault("metadata", {})
        if isinstance(metadata, dict):
            if metadata.get("name") not in (None, target.name):
                raise errors.bad_request(
                    f"the name of the object ({metadata['name']}) does not match the name on the URL ({target.name})"
                )
            metadata["name"] = target.name
            if kind.namespaced:
                if metadata.get("namespace") not in (None, "", target.namespace):
                    raise errors.bad_request(
                        "the namespace of the provided object does not match the namespace sent on the request"
                    )
                metadata["namespace"] = target.namespace
    updated = server.update(
        kind.kind,
        body,
        subresource=target.subresource or None,
        dry_run=dry_run(request),
        field_validation=validation,
        manager=manager,
    )
    return field_validation.add_warnings(respond(request, kind, updated, now), validation)


def patch(request, server, kind: Kind, target: Target, now) -> HttpResponse:
    validation = field_validation.from_request(request)
    body, patch_type = bodies.decode_patch(
        request, validation.duplicates, apply_allowed=target.subresource in ("", "status")
    )
    manager = field_manager(request, apply=patch_type == "apply")
    if patch_type == "apply":
        applied = server.apply(
            kind.kind,
            target.namespace,
            target.name,
            body,
            manager,
            force=force(request),
            dry_run=dry_run(request),
            subresource=target.subresource or None,
            field_validation=validation,
        )
        status = 201 if applied.created else 200
        return field_validation.add_warnings(respond(request, kind, applied.object, now, status), validation)
    patched = server.patch(
        kind.kind,
        target.namespace,
        target.name,
        body,
        patch_type,
        subresource=target.subresource or None,
        dry_run=dry_run(request),
        field_validation=validation,
        manager=manager,
    )
    return field_validation.add_warnings(respond(request, kind, patched, now), validation)


def delete_options(request) -> dict:
    """DeleteOptions from the body (kubectl, the Python client) merged with the query (curl, older clients)."""
    options = {}
    if request.META.get("CONTENT_LENGTH") not in (None, "", "0"):
        options.update(typed.decode("", "v1", "DeleteOptions", bodies.decode(request), prefixed=False))
    for name in ("propagationPolicy", "gracePeriodSeconds", "orphanDependents"):
        if name in request.GET:
            options[name] = request.GET[name]
    if "gracePeriodSeconds" in options:
        try:
            options["gracePeriodSeconds"] = int(options["gracePeriodSeconds"])
        except (TypeError, ValueError):
            raise errors.bad_request(f"invalid gracePeriodSeconds {options['gracePeriodSeconds']!r}") from None
        low, high = typed.INTEGER_RANGES["int64"]
        if not low <= options["gracePeriodSeconds"] <= high:
            raise errors.bad_request(f"invalid gracePeriodSeconds {options['gracePeriodSeconds']!r}")
    if str(options.pop("orphanDependents", "")).lower() == "true":
        options.setdefault("propagationPolicy", "Orphan")
    return options


def delete(request, server, kind: Kind, target: Target, now) -> HttpResponse:
    options = delete_options(request)
    result = server.delete(
        kind.kind,
        target.namespace,
        target.name,
        propagation_policy=options.get("propagationPolicy"),
        grace_period_seconds=options.get("gracePeriodSeconds"),
        preconditions=options.get("preconditions"),
        dry_run=delete_dry_run(request, options),
    )
    obj = result.object
    # upstream: an object that lingers (graceful termination, finalizers) comes back as it now is, and so does a
    # deleted object of a registry that returns deleted objects; the others answer a finished delete with a Status.
    if not result.finished or kind.kind in catalog.RETURN_DELETED_OBJECT:
        return json_response(obj)
    details = {"name": target.name, "kind": kind.plural, "uid": obj["metadata"].get("uid", "")}
    if kind.group:
        details["group"] = kind.group
    return json_response(success(details))


def delete_collection(request, server, kind: Kind, target: Target, now) -> HttpResponse:
    """DELETE on a collection: the objects the selectors matched, as a List of them before they were deleted."""
    if not catalog.deletes_collections(kind):
        raise errors.method_not_allowed()
    options = delete_options(request)
    items, version = server.delete_collection(
        kind.kind,
        target.namespace,
        label_selector=request.GET.get("labelSelector"),
        field_selector=request.GET.get("fieldSelector"),
        propagation_policy=options.get("propagationPolicy"),
        grace_period_seconds=options.get("gracePeriodSeconds"),
        dry_run=delete_dry_run(request, options),
    )
    return json_response(
        {
            "kind": list_kind(kind),
            "apiVersion": kind.api_version,
            "metadata": {"resourceVersion": str(version)},
            "items": items,
        }
    )


COLLECTION_VERBS = {"GET": get_collection, "POST": create, "DELETE": delete_collection}
OBJECT_VERBS = {"GET": get_object, "PUT": update, "PATCH": patch, "DELETE": delete}
SUBRESOURCE_VERBS = {
    "status": {"GET": get_object, "PUT": update, "PATCH": patch},
    "finalize": {"PUT": update},  # namespaces/finalize: how the namespace controller releases a namespace
}


def handle(request, cluster, server, kind: Kind, target: Target, now) -> HttpResponse:
    """Dispatch a request on a stored kind by method and path shape."""
    if target.subresource and target.subresource not in kind.subresources:
        raise not_found_path()
    if target.collection:
        verbs = COLLECTION_VERBS
    elif target.subresource in SUBRESOURCE_VERBS:
        verbs = SUBRESOURCE_VERBS[target.subresource]
    elif target.subresource:
        return subresources.handle(request, cluster, server, kind, target)
    else:
        verbs = OBJECT_VERBS
    handler = verbs.get(request.method)
    if handler is None:
        raise errors.method_not_allowed()
    return handler(request, server, kind, target, now)
