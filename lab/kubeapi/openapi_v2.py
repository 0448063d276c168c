"""The OpenAPI v2 (swagger 2.0) document: every kind we serve, for the clients that still read it.

kubectl 1.36 and 1.37 read /openapi/v3 for nearly everything, but not to validate a `kind: List` (what
`kubectl get deploy,svc -o yaml` writes): their v3 field-validation verifier declares a List unsupported
(k8s.io/cli-runtime resource.QueryParamVerifierV3), so kubectl validates the List itself, item by item, against
the definitions of /openapi/v2 (k8s.io/kubectl/pkg/validation), and refuses the file when that document is missing.
It asks for gnostic's protobuf form; JSON is served too, as kube-openapi's handler does, with the same ETag.

The document is upstream's swagger for the kinds we serve: the operations the v3 documents declare (create, replace,
patch, with their query parameters and patch media types), and the definitions they reference, which the vendored
upstream definitions already hold in v2 form (`#/definitions/` references, IntOrString and Quantity as strings).
"""

import json
from email.utils import formatdate
from functools import cache

from django.http import HttpResponse

from cluster_engine import openapi as definitions
from cluster_engine.api import errors

from . import auth, catalog, openapi, openapi_v2_proto
from .responses import JSON, error_response
from .views import cluster_named

# upstream's http.ServeContent sniffs the type of a response served without one (net/http DetectContentType)
SNIFFED_TYPES = {JSON: "text/plain; charset=utf-8", openapi_v2_proto.MEDIA_TYPE: "application/octet-stream"}
PATCH_BODY = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch"
# upstream: the bearer token every operation accepts (pkg/controlplane/apiserver/config.go's SecurityDefinitions)
SECURITY_DEFINITIONS = {
    "BearerToken": {
        "description": "Bearer Token authentication",
        "in": "header",
        "name": "authorization",
        "type": "apiKey",
    }
}
# Last-Modified of a document built once per process, as upstream's OpenAPIService stamps its spec when built
STARTED = formatdate(usegmt=True)


def _operations(kind) -> dict:
    reference = {"$ref": definitions.REF_PREFIX + kind.definition_name}
    query = [{"in": "query", "name": name, "type": "string", "uniqueItems": True} for name in openapi.QUERY_PARAMETERS]

    def operation(action: str, consumes: list[str], body: dict, codes: dict[str, str]) -> dict:
        responses = {code: {"description": text, "schema": reference} for code, text in codes.items()}
        return {
            "consumes": consumes,
            "parameters": [{"in": "body", "name": "body", "required": True, "schema": body}, *query],
            "produces": [JSON],  # the only representation our answers come in
            "responses": {**responses, "401": {"description": "Unauthorized"}},
            "schemes": ["https"],
            "x-kubernetes-action": action,
            "x-kubernetes-group-version-kind": {"group": kind.group, "kind": kind.kind, "version": kind.version},
        }

    patch = {"$ref": definitions.REF_PREFIX + PATCH_BODY}
    return {
        "collection": {
            "post": operation("post", ["*/*"], reference, {"200": "OK", "201": "Created", "202": "Accepted"})
        },
        "object": {
            "patch": operation("patch", openapi.patch_types(kind), patch, {"200": "OK", "201": "Created"}),
            "put": operation("put", ["*/*"], reference, {"200": "OK", "201": "Created"}),
        },
    }


@cache
def swagger() -> dict:
    """The document, the same for every cluster, built once."""
    paths, schemas = {}, {PATCH_BODY: definitions.definitions()[PATCH_BODY]}
    for group, versions in catalog.group_versions().items():
        for version in versions:
            for kind in catalog.kinds_in(group, version):
                collection, item = openapi.resource_paths(kind)
                operations = _operations(kind)
                paths[collection], paths[item] = operations["collection"], operations["object"]
                schemas[kind.definition_name] = kind.definition
    return {
        "swagger": "2.0",
        "info": openapi.info(),
        "paths": dict(sorted(paths.items())),
        "definitions": dict(sorted(definitions.with_references(schemas).items())),
        "securityDefinitions": SECURITY_DEFINITIONS,
        "security": [{"BearerToken": []}],
    }


@cache
def encoded(media_type: str) -> bytes:
    as_json = json.dumps(swagger(), separators=(",", ":")).encode()
    return as_json if media_type == JSON else openapi_v2_proto.encode(swagger())


def _chosen_media_type(accept: str) -> str | None:
    """The first representation the Accept header takes, by quality then order (upstream's goautoneg)."""
    clauses = []
    for position, clause in enumerate((accept or "*/*").split(",")):
        media, *params = (part.strip() for part in clause.split(";"))
        quality = next((float(p[2:]) for p in params if p.startswith("q=") and p[2:].replace(".", "", 1).isdigit()), 1)
        clauses.append((-quality, position, media))
    for quality, _, media in sorted(clauses):
        if quality == 0:
            continue
        kind, _, subtype = media.partition("/")
        for offered in (JSON, openapi_v2_proto.MEDIA_TYPE):
            offered_kind, _, offered_subtype = offered.partition("/")
            if kind in (offered_kind, "*") and subtype in (offered_subtype, "*"):
                return offered
    return None


def document(request, cluster: str) -> HttpResponse:
    """GET /openapi/v2, for authenticated clients (upstream's system:discovery)."""
    try:
        auth.authenticate(cluster_named(cluster), auth.credentials(request))
    except errors.ApiError as error:
        return error_response(error)
    media_type = _chosen_media_type(request.META.get("HTTP_ACCEPT", ""))
    if media_type is None:
        response = HttpResponse(status=406)
    else:
        # upstream reuses the JSON's ETag for the protobuf form: the Vary header keeps the two apart in caches
        etag = f'"{openapi.digest(encoded(JSON))}"'
        if etag in request.META.get("HTTP_IF_NONE_MATCH", ""):
            response = HttpResponse(status=304)
        else:
            response = HttpResponse(encoded(media_type), content_type=SNIFFED_TYPES[media_type])
        response["ETag"], response["Last-Modified"] = etag, STARTED
    response["Vary"] = "Accept"
    return response
