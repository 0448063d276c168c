"""Request bodies: size limit, JSON or YAML, and the patch format named by the Content-Type.

Upstream refuses a body over 3 MiB with 413 before reading it, a body that does not parse with 400 and the parser's
own words (a document nested too deep or, in YAML, mostly aliases is one that does not parse), and a PATCH whose
Content-Type is not one of the patch formats with 415. All of these change nothing.
"""

import json

import yaml

from cluster_engine.api import documents, errors
from cluster_engine.api.patch import PATCH_TYPES
from cluster_engine.api.server import MAX_REQUEST_BYTES

from . import protobuf

MAX_BODY_BYTES = MAX_REQUEST_BYTES  # upstream: --max-request-body-bytes, 3 MiB
JSON_TYPES = ("application/json",)
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml")


def read(request) -> bytes:
    """The raw body, refusing it (413) when it is over the limit; read from the stream so Django's own upload limit
    (smaller than upstream's) does not apply."""
    declared = request.META.get("CONTENT_LENGTH")
    if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise errors.request_too_large(MAX_BODY_BYTES)
    body = request.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        raise errors.request_too_large(MAX_BODY_BYTES)
    return body


def media_type(request) -> str:
    return (request.META.get("CONTENT_TYPE") or "application/json").split(";")[0].strip().lower()


def decode(request, duplicates: list[str] | None = None):
    """The JSON value of a create/update body: JSON, YAML (curl, kubectl --raw) or protobuf (kubectl's typed
    commands). Fields a JSON body repeats keep their last value and, when `duplicates` is given, are added to it
    as upstream's strict decoder names them."""
    kind = media_type(request)
    if kind == protobuf.MEDIA_TYPE:
        return protobuf.decode(read(request))
    if kind not in JSON_TYPES + YAML_TYPES:
        raise errors.ApiError(
            415,
            "UnsupportedMediaType",
            f"the body of the request was in an unknown format - accepted media types include: {', '.join(JSON_TYPES + YAML_TYPES)}",
        )
    body = read(request)
    if kind in YAML_TYPES:
        return _from_yaml(body)
    return _from_json(body, duplicates)


def decode_patch(request, duplicates: list[str] | None = None, apply_allowed: bool = True) -> tuple[object, str]:
    """A patch body and its type ("merge", "strategic", "json", "apply"); 415 for any other Content-Type.

    An apply patch is YAML (JSON is YAML too), as kubectl and the official client send it."""
    kind = media_type(request)
    patch_type = PATCH_TYPES.get(kind)
    if patch_type is None or (patch_type == "apply" and not apply_allowed):
        accepted = ", ".join(name for name, known in PATCH_TYPES.items() if apply_allowed or known != "apply")
        raise errors.ApiError(
            415,
            "UnsupportedMediaType",
            f"the body of the request was in an unknown format - accepted media types include: {accepted}",
        )
    if patch_type == "apply":
        return _from_yaml(read(request), duplicates), patch_type
    return _from_json(read(request), duplicates), patch_type


def _from_json(body: bytes, duplicates: list[str] | None = None):
    if not body.strip():
        raise errors.bad_request("the body of the request was empty")
    repeated: dict[int, tuple[dict, list[str]]] = {}  # holding each object keeps its id from being reused

    def object_of(pairs):
        obj = dict(pairs)
        if len(obj) != len(pairs):
            seen: set[str] = set()
            repeated[id(obj)] = (obj, [key for key, _ in pairs if key in seen or seen.add(key)])
        return obj

    try:
        value = documents.load_json(body, object_pairs_hook=object_of)
    except (UnicodeDecodeError, json.JSONDecodeError, documents.NotJson) as error:
        raise errors.bad_request(f"couldn't get version/kind; json parse error: {_json_reason(error)}") from None
    if repeated and duplicates is not None:
        duplicates.extend(f'duplicate field "{path}"' for path in _repeated_paths(value, repeated, ""))
    return value


def _repeated_paths(value, repeated: dict[int, tuple[dict, list[str]]], path: str):
    """The paths of repeated keys, in document order, spelled as upstream's decoder spells field paths."""
    if isinstance(value, dict):
        holder, keys = repeated.get(id(value), (None, ()))
        for key in keys if holder is value else ():
            yield f"{path}.{key}" if path else key
        for key, item in value.items():
            yield from _repeated_paths(item, repeated, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _repeated_paths(item, repeated, f"{path}[{index}]")


def _from_yaml(body: bytes, duplicates: list[str] | None = None):
    try:
        return documents.load_yaml(body, duplicates)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise errors.bad_request(f"error converting YAML to JSON: yaml: {where}{problem}") from None


def _json_reason(error: Exception) -> str:
    """Go's encoding/json wording for the commonest mistakes."""
    if isinstance(error, documents.NotJson):
        return str(error)
    if isinstance(error, json.JSONDecodeError):
        if error.pos >= len(error.doc):
            return "unexpected end of JSON input"
        return f"invalid character {json.dumps(error.doc[error.pos])[1:-1]!r} looking for beginning of value"
    return "invalid UTF-8 in string"
