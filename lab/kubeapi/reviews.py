"""Reviews: questions a client asks about itself, answered from its token and never stored.

`kubectl auth can-i` posts a SelfSubjectAccessReview and prints yes or no; `kubectl auth whoami` posts a
SelfSubjectReview and prints the user and groups.
"""

from django.http import HttpResponse

from cluster_engine.api import errors, typed

from . import auth, bodies
from .catalog import Review
from .responses import json_response

# upstream: system:discovery and system:public-info-viewer let any authenticated user read these paths
DISCOVERY_PATHS = ("/api", "/apis", "/version", "/healthz", "/livez", "/readyz", "/openapi")


def handle(request, identity: auth.Identity, review: Review) -> HttpResponse:
    if request.method != "POST":
        raise errors.method_not_allowed()
    body = typed.decode(review.group, review.version, review.kind, bodies.decode(request))
    if review.kind == "SelfSubjectReview":
        status = {"userInfo": {"username": identity.username, "uid": identity.uid, "groups": identity.groups}}
        return json_response(_answer(review, {}, status), 201)
    spec = body.get("spec") or {}
    attributes = spec.get("resourceAttributes")
    if isinstance(attributes, dict):
        allowed = auth.allowed(
            identity,
            attributes.get("verb", ""),
            attributes.get("group", ""),
            attributes.get("resource", ""),
            attributes.get("subresource", ""),
        )
    else:
        non_resource = spec.get("nonResourceAttributes") or {}
        path, verb = non_resource.get("path", ""), non_resource.get("verb", "")
        allowed = identity.role == auth.ADMIN or (verb == "get" and path.startswith(DISCOVERY_PATHS))
    status = {"allowed": allowed}
    if allowed:
        status["reason"] = auth.reason(identity, allowed)
    return json_response(_answer(review, spec, status), 201)


def _answer(review: Review, spec: dict, status: dict) -> dict:
    answer = {"kind": review.kind, "apiVersion": review.api_version, "metadata": {"creationTimestamp": None}}
    if spec:
        answer["spec"] = spec
    answer["status"] = status
    return answer
