"""The three patch formats the Kubernetes API accepts.

- JSON merge patch (RFC 7386, `application/merge-patch+json`): maps merge, `null` deletes, lists are replaced.
- Strategic merge patch (`application/strategic-merge-patch+json`, kubectl's default): see `strategicmerge`. Only
  kinds upstream defines have one; for the others (the simulator's own kinds, like a CRD upstream) it is refused.
- JSON patch (RFC 6902, `application/json-patch+json`): a list of add/remove/replace/move/copy/test operations.
"""

import re

from . import errors, schema, strategicmerge
from .clone import clone

PATCH_TYPES = {
    "application/merge-patch+json": "merge",
    "application/strategic-merge-patch+json": "strategic",
    "application/json-patch+json": "json",
    "application/apply-patch+yaml": "apply",
}

# upstream: maxJSONPatchOperations in the apiserver's patch handler
MAX_JSON_PATCH_OPERATIONS = 10000
_INDEX = re.compile(r"^(0|[1-9][0-9]*)$")
# The patch types upstream's installer accepts for built-in kinds, and the CRD handler for custom resources.
BUILT_IN_PATCH_TYPES = (
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
    "application/apply-patch+yaml",
)
CUSTOM_PATCH_TYPES = ("application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml")


def apply(definition: str | None, current: dict, body, patch_type: str) -> dict:
    """`current` patched; `definition` names its upstream type (`io.k8s.api.core.v1.Pod`), None for our own kinds."""
    if patch_type not in ("merge", "json") and (patch_type != "strategic" or definition is None):
        accepted = BUILT_IN_PATCH_TYPES if definition else CUSTOM_PATCH_TYPES
        raise errors.ApiError(
            415,
            "UnsupportedMediaType",
            f"the body of the request was in an unknown format - accepted media types include: {', '.join(accepted)}",
        )
    if not schema.is_json(body):
        raise errors.bad_request("json: unsupported value in the patch body")
    if patch_type == "json":
        return json_patch(current, body)
    if not isinstance(body, dict):
        raise errors.bad_request(
            f"json: cannot unmarshal {schema.json_type(body)} into Go value of type map[string]interface {{}}"
        )
    if patch_type == "merge":
        return merge_patch(current, body)
    return strategicmerge.apply(current, body, definition)


def merge_patch(target, patch):
    if not isinstance(patch, dict):
        return clone(patch)
    result = clone(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def json_patch(target: dict, operations) -> dict:
    """RFC 6902 with the messages of the library upstream uses (evanphx/json-patch v4)."""
    if not isinstance(operations, list):
        raise errors.bad_request(
            f"json: cannot unmarshal {schema.json_type(operations)} into Go value of type jsonpatch.Patch"
        )
    if len(operations) > MAX_JSON_PATCH_OPERATIONS:
        raise errors.ApiError(
            413,
            "RequestEntityTooLarge",
            f"Request entity too large: The allowed maximum operations in a JSON patch is {MAX_JSON_PATCH_OPERATIONS}, "
            f"got {len(operations)}",
        )
    document = clone(target)
    for operation in operations:
        if not isinstance(operation, dict):
            raise errors.bad_request(
                f"json: cannot unmarshal {schema.json_type(operation)} into Go value of type jsonpatch.Operation"
            )
        op, path = operation.get("op"), operation.get("path")
        if not isinstance(path, str):
            raise errors.server_rejected(f"{op} operation does not apply: operation missing path field: missing value")
        if op == "add":
            document = _put(document, path, clone(operation.get("value")), insert=True, op="add")
        elif op == "replace":
            try:
                _get(document, path)
            except LookupError:
                raise errors.server_rejected(
                    f"replace operation does not apply: doc is missing key: {path}: missing value"
                ) from None
            document = _put(document, path, clone(operation.get("value")), insert=False, op="replace")
        elif op == "remove":
            document = _delete(document, path, f'remove operation does not apply: doc is missing path: "{path}"')
        elif op == "test":
            try:
                found = _get(document, path)
            except LookupError:
                found = _ABSENT
            if found != operation.get("value"):
                raise errors.server_rejected(f"testing value {path} failed: test failed")
        elif op in ("move", "copy"):
            source = operation.get("from")
            if not isinstance(source, str):
                raise errors.server_rejected(
                    f"{op} operation does not apply: operation missing from field: missing value"
                )
            try:
                value = clone(_get(document, source))
            except LookupError:
                raise errors.server_rejected(
                    f"{op} operation does not apply: doc is missing from path: {source}"
                ) from None
            if op == "move":
                document = _delete(
                    document, source, f"move operation does not apply: doc is missing from path: {source}"
                )
            document = _put(document, path, value, insert=True, op=op)
        else:
            raise errors.server_rejected(f"Unexpected kind: {op}: unknown object type")
    return document


_ABSENT = object()


def _pointer(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise errors.server_rejected(f'JSON pointer must be empty or start with a "/": "{path}"')
    return [part.replace("~1", "/").replace("~0", "~") for part in path[1:].split("/")]


def _get(document, path: str):
    """The value at a JSON pointer; LookupError when it is not there."""
    node = document
    for part in _pointer(path):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and _INDEX.match(part) and int(part) < len(node):
            node = node[int(part)]
        else:
            raise LookupError(path)
    return node


def _parent(document, parts: list[str], message: str):
    node = document
    for part in parts[:-1]:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and _INDEX.match(part) and int(part) < len(node):
            node = node[int(part)]
        else:
            raise errors.server_rejected(message)
    return node


def _put(document, path: str, value, insert: bool, op: str):
    parts = _pointer(path)
    if not parts:
        return value
    message = f'{op} operation does not apply: doc is missing path: "{path}": missing value'
    parent = _parent(document, parts, message)
    last = parts[-1]
    if isinstance(parent, dict):
        parent[last] = value
    elif isinstance(parent, list):
        if last == "-" and insert:
            parent.append(value)
        elif _INDEX.match(last) and int(last) < len(parent) + (1 if insert else 0):
            if insert:
                parent.insert(int(last), value)
            else:
                parent[int(last)] = value
        else:
            raise errors.server_rejected(message)
    else:
        raise errors.server_rejected(message)
    return document


def _delete(document, path: str, message: str):
    parts = _pointer(path)
    try:
        _get(document, path)
    except LookupError:
        raise errors.server_rejected(f"{message}: missing value") from None
    if not parts:
        raise errors.server_rejected(f"{message}: missing value")
    parent = _parent(document, parts, message)
    if isinstance(parent, dict):
        del parent[parts[-1]]
    else:
        parent.pop(int(parts[-1]))
    return document
