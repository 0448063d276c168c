"""API errors shaped like upstream's `metav1.Status` (k8s.io/apimachinery/pkg/api/errors).

Every refusal in KubeLab is one of these, whichever door the request came through (admin, kubectl, browser,
controller), so a learner reads the same reason and message kubectl would print against a real cluster.
"""

import json
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldError:
    """One cause of a 422, as upstream's field.Error renders it."""

    field: str
    reason: str  # FieldValueRequired, FieldValueInvalid, FieldValueNotSupported, FieldValueForbidden, ...
    detail: str = ""
    value: object = None

    @property
    def message(self) -> str:
        if self.reason == "FieldValueRequired":
            return "Required value" + (f": {self.detail}" if self.detail else "")
        if self.reason == "FieldValueForbidden":
            return "Forbidden" + (f": {self.detail}" if self.detail else "")
        if self.reason == "FieldValueTooLong":
            return "Too long" + (f": {self.detail}" if self.detail else "")
        if self.reason == "FieldValueTooMany":
            return f"Too many: {render_value(self.value)}: {self.detail}"
        if self.reason == "FieldValueDuplicate":
            return f"Duplicate value: {render_value(self.value)}"
        if self.reason == "FieldValueNotSupported":
            return f"Unsupported value: {render_value(self.value)}" + (f": {self.detail}" if self.detail else "")
        return f"Invalid value: {render_value(self.value)}" + (f": {self.detail}" if self.detail else "")

    def cause(self) -> dict:
        return {"reason": self.reason, "message": self.message, "field": self.field}

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


def required(path: str, detail: str = "") -> FieldError:
    return FieldError(path, "FieldValueRequired", detail)


def invalid(path: str, value, detail: str) -> FieldError:
    return FieldError(path, "FieldValueInvalid", detail, value)


def not_supported(path: str, value, supported) -> FieldError:
    listed = ", ".join(json.dumps(option) for option in supported)
    return FieldError(path, "FieldValueNotSupported", f"supported values: {listed}", value)


def forbidden(path: str, detail: str) -> FieldError:
    return FieldError(path, "FieldValueForbidden", detail)


def duplicate(path: str, value) -> FieldError:
    return FieldError(path, "FieldValueDuplicate", value=value)


def too_long(path: str, limit: int) -> FieldError:
    """upstream field.TooLong: the value itself is left out of the message (it is the thing that is too big)."""
    return FieldError(path, "FieldValueTooLong", f"must have at most {limit} bytes")


def too_many(path: str, actual: int, limit: int) -> FieldError:
    """upstream field.TooMany."""
    return FieldError(path, "FieldValueTooMany", f"must have at most {limit} items", actual)


def render_value(value) -> str:
    """A value as upstream's messages quote it (field errors, fieldpath keys): strings quoted, numbers bare, JSON
    for the rest."""
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


@dataclass
class ApiError(Exception):
    """A refused request. `status()` is the body every client receives."""

    code: int
    reason: str
    message: str
    details: dict = field(default_factory=dict)

    def __post_init__(self):
        super().__init__(self.message)

    def status(self) -> dict:
        body = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        }
        if not self.reason:
            del body["reason"]  # StatusReasonUnknown is "", which upstream's JSON omits
        if self.details:
            body["details"] = self.details
        return body

    @property
    def causes(self) -> list[dict]:
        return self.details.get("causes", [])


def _details(kind, name: str | None) -> dict:
    details = {"kind": kind.plural}
    if name:
        details = {"name": name, **details}
    if kind.group:
        details["group"] = kind.group
    return details


def not_found(kind, name: str) -> ApiError:
    return ApiError(404, "NotFound", f'{kind.qualified_plural} "{name}" not found', _details(kind, name))


def namespace_not_found(namespace: str) -> ApiError:
    return ApiError(404, "NotFound", f'namespaces "{namespace}" not found', {"name": namespace, "kind": "namespaces"})


def already_exists(kind, name: str) -> ApiError:
    return ApiError(409, "AlreadyExists", f'{kind.qualified_plural} "{name}" already exists', _details(kind, name))


def conflict(
    kind,
    name: str,
    why: str = "the object has been modified; please apply your changes to the latest version and try again",
) -> ApiError:
    return ApiError(
        409,
        "Conflict",
        f'Operation cannot be fulfilled on {kind.qualified_plural} "{name}": {why}',
        _details(kind, name),
    )


def invalid_object(kind, name: str, errors: list[FieldError]) -> ApiError:
    unique: dict[str, FieldError] = {}
    for error in errors:
        unique.setdefault(str(error), error)  # upstream's ToAggregate drops repeated messages
    errors = list(unique.values())
    rendered = str(errors[0]) if len(errors) == 1 else "[" + ", ".join(str(error) for error in errors) + "]"
    details = {"kind": kind.kind, "causes": [error.cause() for error in errors]}
    if name:  # upstream's StatusDetails.name is omitempty: a nameless object (ListOptions) has none
        details = {"name": name, **details}
    if kind.group:
        details["group"] = kind.group
    return ApiError(422, "Invalid", f'{kind.qualified_kind} "{name}" is invalid: {rendered}', details)


def server_rejected(message: str) -> ApiError:
    """upstream's NewGenericServerResponse(422, ...) with no kind or name: the detail travels as the only cause."""
    return ApiError(
        422,
        "Invalid",
        "the server rejected our request due to an error in our request",
        {"causes": [{"reason": "UnexpectedServerResponse", "message": message}]},
    )


def bad_request(message: str) -> ApiError:
    return ApiError(400, "BadRequest", message)


def method_not_allowed(message: str = "the server does not allow this method on the requested resource") -> ApiError:
    return ApiError(405, "MethodNotAllowed", message)


def service_unavailable(message: str) -> ApiError:
    return ApiError(503, "ServiceUnavailable", message)


def gone(requested: int, oldest: int) -> ApiError:
    return ApiError(410, "Expired", f"too old resource version: {requested} ({oldest})")


def too_large_resource_version(minimum: int, current: int) -> ApiError:
    """storage.NewTooLargeResourceVersionError: the cache did not reach the version asked for in time."""
    return ApiError(
        504,
        "Timeout",
        f"Timeout: Too large resource version: {minimum}, current: {current}",
        # upstream: resourceVersionTooHighRetrySeconds = 1 (staging/src/k8s.io/apiserver/pkg/storage/cacher)
        {
            "causes": [{"reason": "ResourceVersionTooLarge", "message": "Too large resource version"}],
            "retryAfterSeconds": 1,
        },
    )


def too_many_requests(message: str) -> ApiError:
    return ApiError(429, "TooManyRequests", message)


def request_too_large(limit: int) -> ApiError:
    return ApiError(413, "RequestEntityTooLarge", f"Request entity too large: limit is {limit}")


def unauthorized() -> ApiError:
    return ApiError(401, "Unauthorized", "Unauthorized")


def forbidden_request(user: str, verb: str, kind, namespace: str | None, name: str | None = None) -> ApiError:
    where = f' in the namespace "{namespace}"' if namespace else " at the cluster scope"
    message = f'{kind.qualified_plural}{f" {json.dumps(name)}" if name else ""} is forbidden: User "{user}" cannot {verb} resource "{kind.plural}" in API group "{kind.group}"{where}'
    return ApiError(403, "Forbidden", message, _details(kind, name))
