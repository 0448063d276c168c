"""The OpenAPI v3 documents kubectl consults before it writes.

kubectl (apply, create, ...) validates by default: it looks up the resource's PATCH operation in /openapi/v3 and,
when that declares the `fieldValidation` query parameter, leaves validation to the server (our strict decoding,
as upstream's). Without any OpenAPI document it tries to download the v2 one (protobuf) and gives up. So we publish,
per group version, the operations with their group-version-kind and parameters, and no schemas: `kubectl apply` then
computes its strategic merge patches from its own built-in types, as it does for any server's built-in kinds.
"""

import hashlib

from django.http import HttpResponse

from cluster_engine.api import errors

from . import auth, catalog, discovery
from .responses import error_response, json_response, not_found_path
from .views import cluster_named

# upstream: the hash in a path's serverRelativeURL is the document's ETag, so clients may cache it for good; ours
# change only with the release whose API they describe
DOCUMENT_HASH = hashlib.sha512(discovery.KUBERNETES_VERSION["gitVersion"].encode()).hexdigest().upper()


def _path_key(group: str, version: str) -> str:
    return f"apis/{group}/{version}" if group else f"api/{version}"


def root(prefix: str) -> dict:
    paths = {}
    for group, versions in catalog.group_versions().items():
        for version in versions:
            key = _path_key(group, version)
            paths[key] = {"serverRelativeURL": f"{prefix}/openapi/v3/{key}?hash={DOCUMENT_HASH}"}
    return {"paths": paths}


def group_version_document(group: str, version: str) -> dict | None:
    if version not in catalog.group_versions().get(group, []):
        return None
    paths = {}
    base = f"/{_path_key(group, version)}"
    for kind in catalog.kinds_in(group, version):
        scope = f"{base}/namespaces/{{namespace}}/{kind.plural}" if kind.namespaced else f"{base}/{kind.plural}"
        gvk = {"group": group, "version": version, "kind": kind.kind}
        parameters = [
            {"name": name, "in": "query", "schema": {"type": "string", "uniqueItems": True}}
            for name in ("dryRun", "fieldManager", "fieldValidation")
        ]
        paths[scope] = {"post": {"x-kubernetes-group-version-kind": gvk, "parameters": parameters, "responses": {}}}
        paths[f"{scope}/{{name}}"] = {
            "patch": {
                "x-kubernetes-group-version-kind": gvk,
                "x-kubernetes-action": "patch",
                "parameters": parameters,
                "responses": {},
            },
            "put": {"x-kubernetes-group-version-kind": gvk, "parameters": parameters, "responses": {}},
        }
    info = {"title": "Kubernetes", "version": discovery.KUBERNETES_VERSION["gitVersion"]}
    return {"openapi": "3.0.0", "info": info, "paths": paths, "components": {"schemas": {}}}


def document(request, cluster: str, rest: str) -> HttpResponse:
    """GET /openapi/v3 and /openapi/v3/<group version>, for authenticated clients (upstream's system:discovery).
    /openapi/v2 is not served: kubectl needs it only when v3 is missing."""
    try:
        auth.authenticate(cluster_named(cluster), auth.credentials(request))
        parts = [part for part in rest.split("/") if part]
        if parts == ["v3"]:
            return json_response(root(f"/k8s/clusters/{cluster}"))
        if len(parts) >= 3 and parts[0] == "v3":
            if parts[1] == "api" and len(parts) == 3:
                found = group_version_document("", parts[2])
            elif parts[1] == "apis" and len(parts) == 4:
                found = group_version_document(parts[2], parts[3])
            else:
                found = None
            if found is not None:
                return json_response(found)
        raise not_found_path()
    except errors.ApiError as error:
        return error_response(error)
