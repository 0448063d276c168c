"""Responses as the Kubernetes API shapes them: JSON objects, Tables when asked for, Status bodies for refusals."""

import json

from django.http import HttpResponse

from cluster_engine.api import errors

JSON = "application/json"
TABLE_MEDIA = "application/json;as=Table;v=v1;g=meta.k8s.io"


def json_response(data, status: int = 200, content_type: str = JSON) -> HttpResponse:
    return HttpResponse(json.dumps(data, separators=(",", ":")), status=status, content_type=content_type)


def error_response(error: errors.ApiError) -> HttpResponse:
    response = json_response(error.status(), error.code)
    if error.code == 401:
        response["WWW-Authenticate"] = 'Bearer realm="kubernetes"'
    return response


def not_found_path() -> errors.ApiError:
    """What upstream answers for a path that names no resource it serves."""
    return errors.ApiError(404, "NotFound", "the server could not find the requested resource")


def success(details: dict | None = None, code: int = 200) -> dict:
    """A Status of success, as upstream returns for a finished delete or a created eviction."""
    body = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success"}
    if details:
        body["details"] = details
    if code != 200:
        body["code"] = code
    return body


def wants_table(request) -> bool:
    accept = request.META.get("HTTP_ACCEPT", "")
    first = accept.split(",")[0]
    return "as=Table" in first and "g=meta.k8s.io" in first
