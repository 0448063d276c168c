"""The three patch formats the Kubernetes API accepts.

- JSON merge patch (RFC 7386, `application/merge-patch+json`): maps merge, `null` deletes, lists are replaced.
- Strategic merge patch (`application/strategic-merge-patch+json`, kubectl's default): like merge patch, but lists
  of named things merge by their key (containers by `name`, ports by `containerPort`, ...) as the Go struct tags
  `patchMergeKey` declare upstream, with the `$patch: delete|replace` and `$deleteFromPrimitiveList` directives.
- JSON patch (RFC 6902, `application/json-patch+json`): a list of add/remove/replace/move/copy/test operations.
"""

import json
import re

from . import errors, schema
from .clone import clone
from .kinds import Kind

PATCH_TYPES = {
    "application/merge-patch+json": "merge",
    "application/strategic-merge-patch+json": "strategic",
    "application/json-patch+json": "json",
    "application/apply-patch+yaml": "apply",
}

# patchMergeKey of list fields, by the field's name (upstream's struct tags for the kinds we serve).
MERGE_KEYS = {
    "containers": "name",
    "initContainers": "name",
    "ephemeralContainers": "name",
    "volumes": "name",
    "volumeMounts": "mountPath",
    "env": "name",
    "ports": None,  # containerPort in containers, port in services: resolved below
    "conditions": "type",
    "ownerReferences": "uid",
    "imagePullSecrets": "name",
    "taints": "key",
    "addresses": "type",
    "containerStatuses": "name",
    "initContainerStatuses": "name",
    "hostAliases": "ip",
    "topologySpreadConstraints": "topologyKey",
    "secrets": "name",
}
# Primitive lists that strategic merge merges as sets rather than replacing.
SET_LISTS = {"finalizers"}


# upstream: maxJSONPatchOperations in the apiserver's patch handler
MAX_JSON_PATCH_OPERATIONS = 10000
_INDEX = re.compile(r"^(0|[1-9][0-9]*)$")


def apply(kind: Kind, current: dict, body, patch_type: str) -> dict:
    if patch_type not in ("merge", "strategic", "json"):
        raise errors.ApiError(
            415,
            "UnsupportedMediaType",
            f"the body of the request was in an unknown format - accepted media types include: {', '.join(PATCH_TYPES)}",
        )
    if not schema.is_json(body):
        raise errors.bad_request("json: unsupported value in the patch body")
    if patch_type == "json":
        return json_patch(current, body)
    if not isinstance(body, dict):
        raise errors.bad_request(
            f"json: cannot unmarshal {schema.json_type(body)} into Go value of type map[string]interface {{}}"
        )
    return merge_patch(current, body) if patch_type == "merge" else strategic_merge(current, body)


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


def strategic_merge(target, patch, field: str = ""):
    if not isinstance(patch, dict):
        return clone(patch)
    directive = patch.get("$patch")
    if directive == "replace":
        return {key: clone(value) for key, value in patch.items() if key != "$patch"}
    if directive == "delete":
        return {}  # upstream handleDirectiveInMergeMap: the whole map goes
    if directive not in (None, "merge"):
        raise errors.bad_request(f"unknown patch type: {directive} in map: {json.dumps(patch, sort_keys=True)}")
    retain = patch.get("$retainKeys")
    if retain is not None and (not isinstance(retain, list) or not all(isinstance(key, str) for key in retain)):
        raise errors.bad_request("invalid $retainKeys: must be a list of strings")
    result = clone(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if key.startswith("$setElementOrder/") or key in ("$patch", "$retainKeys"):
            continue
        if key.startswith("$deleteFromPrimitiveList/"):
            name = key.split("/", 1)[1]
            if not isinstance(value, list):
                raise errors.bad_request(f"invalid value for {key}: must be a list")
            if isinstance(result.get(name), list):
                result[name] = [item for item in result[name] if item not in value]
            continue
        if value is None:
            result.pop(key, None)
        elif isinstance(value, list) and isinstance(result.get(key), list):
            result[key] = _merge_list(key, result[key], value)
        elif isinstance(value, list):
            result[key] = _without_directives(value)
        elif isinstance(value, dict):
            result[key] = strategic_merge(result.get(key), value, key)
        else:
            result[key] = clone(value)
    if retain is not None:
        keep = set(retain)
        result = {key: value for key, value in result.items() if key in keep}
    return result


def _without_directives(items: list) -> list:
    """A list arriving where there was none: directives in it have nothing to act on."""
    return [
        {key: value for key, value in item.items() if key != "$patch"} if isinstance(item, dict) else item
        for item in items
        if not (isinstance(item, dict) and item.get("$patch") == "delete")
    ]


def _merge_list(field: str, current: list, patch: list) -> list:
    if field in SET_LISTS:
        return current + [item for item in patch if item not in current]
    merge_key = MERGE_KEYS.get(field, "")
    if field == "ports":
        merge_key = (
            "containerPort"
            if any("containerPort" in item for item in current + patch if isinstance(item, dict))
            else "port"
        )
    if not merge_key or not all(isinstance(item, dict) for item in patch):
        if len(patch) == 1 and isinstance(patch[0], dict) and patch[0].get("$patch") == "replace":
            return []
        return _without_directives(patch)
    if any(item.get("$patch") == "replace" for item in patch):
        return [
            {k: v for k, v in entry.items() if k != "$patch"} for entry in patch if entry.get("$patch") != "replace"
        ]
    result = clone(current)
    for item in patch:
        position = next(
            (
                index
                for index, existing in enumerate(result)
                if isinstance(existing, dict) and existing.get(merge_key) == item.get(merge_key)
            ),
            None,
        )
        if item.get("$patch") == "delete":
            if position is not None:
                result.pop(position)
        elif position is None:
            result.append({key: value for key, value in item.items() if key != "$patch"})
        else:
            result[position] = strategic_merge(result[position], item, field)
    return result


def patch_failed(message: str) -> errors.ApiError:
    """upstream wraps a JSON patch that cannot apply in NewGenericServerResponse(422, ...): the detail is a cause."""
    return errors.ApiError(
        422,
        "Invalid",
        "the server rejected our request due to an error in our request",
        {"causes": [{"reason": "UnexpectedServerResponse", "message": message}]},
    )


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
            raise patch_failed(f"{op} operation does not apply: operation missing path field: missing value")
        if op == "add":
            document = _put(document, path, clone(operation.get("value")), insert=True, op="add")
        elif op == "replace":
            try:
                _get(document, path)
            except LookupError:
                raise patch_failed(
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
                raise patch_failed(f"testing value {path} failed: test failed")
        elif op in ("move", "copy"):
            source = operation.get("from")
            if not isinstance(source, str):
                raise patch_failed(f"{op} operation does not apply: operation missing from field: missing value")
            try:
                value = clone(_get(document, source))
            except LookupError:
                raise patch_failed(f"{op} operation does not apply: doc is missing from path: {source}") from None
            if op == "move":
                document = _delete(
                    document, source, f"move operation does not apply: doc is missing from path: {source}"
                )
            document = _put(document, path, value, insert=True, op=op)
        else:
            raise patch_failed(f"Unexpected kind: {op}: unknown object type")
    return document


_ABSENT = object()


def _pointer(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise patch_failed(f'JSON pointer must be empty or start with a "/": "{path}"')
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
            raise patch_failed(message)
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
            raise patch_failed(message)
    else:
        raise patch_failed(message)
    return document


def _delete(document, path: str, message: str):
    parts = _pointer(path)
    try:
        _get(document, path)
    except LookupError:
        raise patch_failed(f"{message}: missing value") from None
    if not parts:
        raise patch_failed(f"{message}: missing value")
    parent = _parent(document, parts, message)
    if isinstance(parent, dict):
        del parent[parts[-1]]
    else:
        parent.pop(int(parts[-1]))
    return document
