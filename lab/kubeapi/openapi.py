"""The OpenAPI v3 documents kubectl reads: one per group version, with the operations and the schemas of its kinds.

kubectl fetches /openapi/v3 (the list of group versions, each with a content hash it caches by) and then the group
version's document, for:
- `explain`: it finds the kind's schema in `components.schemas` by `x-kubernetes-group-version-kind` and walks its
  fields through the references;
- validation: the PATCH operation declaring the `fieldValidation` query parameter tells it the server validates
  strictly, so kubectl sends `fieldValidation=Strict` and leaves unknown fields to our decoder, as with upstream;
- `apply`: a PATCH accepting `application/strategic-merge-patch+json` lets it compute the patch from these schemas'
  `x-kubernetes-patch-*` extensions; our own kind accepts merge patches only, as a custom resource does upstream.
The schemas are upstream's definitions (and our kinds' own, in the same format) in upstream's v3 form: references
under `#/components/schemas/`, a reference with siblings wrapped in `allOf`, and the two types with a v3 union of
their own. kubectl 1.36 and 1.37 still read /openapi/v2 (openapi_v2.py) to validate a `kind: List`, whose items
they check themselves since no single PATCH operation declares `fieldValidation` for a List.
"""

import hashlib
import json
from functools import cache

from django.http import HttpResponse

from cluster_engine import openapi as definitions
from cluster_engine.api import errors

from . import auth, catalog, discovery
from .responses import JSON, error_response, json_response, not_found_path
from .views import cluster_named

V3_REF_PREFIX = "#/components/schemas/"
# upstream's OpenAPIV3OneOfTypes: these types are spelled as unions in v3 (a single `type: string` in v2)
V3_UNIONS = {
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString": {
        "format": "int-or-string",
        "oneOf": [{"type": "integer"}, {"type": "string"}],
    },
    "io.k8s.apimachinery.pkg.api.resource.Quantity": {"oneOf": [{"type": "string"}, {"type": "number"}]},
}
PATCH_TYPES = (
    "application/apply-patch+yaml",
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
)
STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json"
QUERY_PARAMETERS = ("dryRun", "fieldManager", "fieldValidation")


def _path_key(group: str, version: str) -> str:
    return f"apis/{group}/{version}" if group else f"api/{version}"


def resource_paths(kind) -> tuple[str, str]:
    """The kind's collection path and object path, as upstream's installer names them in every document."""
    base = f"/{_path_key(kind.group, kind.version)}"
    collection = f"{base}/namespaces/{{namespace}}/{kind.plural}" if kind.namespaced else f"{base}/{kind.plural}"
    return collection, f"{collection}/{{name}}"


def patch_types(kind) -> list[str]:
    """The patch media types the kind accepts: our own kind takes no strategic merge, as a custom resource upstream."""
    built_in = kind.own_definition is None
    return [media for media in PATCH_TYPES if built_in or media != STRATEGIC_MERGE_PATCH]


def info() -> dict:
    return {"title": "Kubernetes", "version": discovery.KUBERNETES_VERSION["gitVersion"]}


def v3_schema(node):
    """One definition (or part of one) in upstream's v3 form."""
    if isinstance(node, list):
        return [v3_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {}
    for key, value in node.items():
        if key == "properties":  # field names, not schema keywords
            converted[key] = {name: v3_schema(field) for name, field in value.items()}
        elif key != "$ref":
            converted[key] = v3_schema(value)
    if "$ref" in node:
        reference = {"$ref": V3_REF_PREFIX + node["$ref"][len(definitions.REF_PREFIX) :]}
        return {"allOf": [reference], **converted} if converted else reference
    return converted


def _components(kinds) -> dict[str, dict]:
    schemas = definitions.with_references({kind.definition_name: kind.definition for kind in kinds})
    converted = {}
    for name, schema in sorted(schemas.items()):
        if name in V3_UNIONS:
            kept = {key: value for key, value in schema.items() if key not in ("type", "format")}
            converted[name] = {**kept, **V3_UNIONS[name]}
        else:
            converted[name] = v3_schema(schema)
    return converted


def _operations(kind) -> dict:
    gvk = {"group": kind.group, "version": kind.version, "kind": kind.kind}
    parameters = [
        {"name": name, "in": "query", "schema": {"type": "string", "uniqueItems": True}} for name in QUERY_PARAMETERS
    ]
    body = {"content": {"*/*": {"schema": {"$ref": V3_REF_PREFIX + kind.definition_name}}}}
    patch_body = {"content": {media: {"schema": {"type": "object"}} for media in patch_types(kind)}}

    def operation(action: str, request_body: dict) -> dict:
        return {
            "x-kubernetes-group-version-kind": gvk,
            "x-kubernetes-action": action,
            "parameters": parameters,
            "requestBody": request_body,
            "responses": {},
        }

    return {
        "collection": {"post": operation("post", body)},
        "object": {"patch": operation("patch", patch_body), "put": operation("put", body)},
    }


@cache
def group_version_document(group: str, version: str) -> dict | None:
    """The group version's document; the same for every cluster, built once."""
    if version not in catalog.group_versions().get(group, []):
        return None
    paths = {}
    kinds = catalog.kinds_in(group, version)
    for kind in kinds:
        collection, item = resource_paths(kind)
        operations = _operations(kind)
        paths[collection] = operations["collection"]
        paths[item] = operations["object"]
    return {"openapi": "3.0.0", "info": info(), "paths": paths, "components": {"schemas": _components(kinds)}}


@cache
def _encoded(group: str, version: str) -> bytes:
    return json.dumps(group_version_document(group, version), separators=(",", ":")).encode()


def digest(encoded: bytes) -> str:
    """upstream's computeETag: the uppercase hex SHA-512 of a document, so a cache keyed by it is never stale."""
    return hashlib.sha512(encoded).hexdigest().upper()


def content_hash(group: str, version: str) -> str:
    return digest(_encoded(group, version))


def root(prefix: str) -> dict:
    paths = {}
    for group, versions in catalog.group_versions().items():
        for version in versions:
            key = _path_key(group, version)
            paths[key] = {"serverRelativeURL": f"{prefix}/openapi/v3/{key}?hash={content_hash(group, version)}"}
    return {"paths": paths}


def document(request, cluster: str, rest: str) -> HttpResponse:
    """GET /openapi/v3 and /openapi/v3/<group version>, for authenticated clients (upstream's system:discovery)."""
    try:
        auth.authenticate(cluster_named(cluster), auth.credentials(request))
        parts = [part for part in rest.split("/") if part]
        if parts == ["v3"]:
            return json_response(root(f"/k8s/clusters/{cluster}"))
        if len(parts) >= 3 and parts[0] == "v3":
            if parts[1] == "api" and len(parts) == 3:
                group, version = "", parts[2]
            elif parts[1] == "apis" and len(parts) == 4:
                group, version = parts[2], parts[3]
            else:
                group, version = None, None
            if group is not None and group_version_document(group, version) is not None:
                return HttpResponse(_encoded(group, version), content_type=JSON)
        raise not_found_path()
    except errors.ApiError as error:
        return error_response(error)
