"""The three patch formats the Kubernetes API accepts.

- JSON merge patch (RFC 7386, `application/merge-patch+json`): maps merge, `null` deletes, lists are replaced.
- Strategic merge patch (`application/strategic-merge-patch+json`, kubectl's default): like merge patch, but lists
  of named things merge by their key (containers by `name`, ports by `containerPort`, ...) as the Go struct tags
  `patchMergeKey` declare upstream, with the `$patch: delete|replace` and `$deleteFromPrimitiveList` directives.
- JSON patch (RFC 6902, `application/json-patch+json`): a list of add/remove/replace/move/copy/test operations.
"""

import copy

from . import errors
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


def apply(kind: Kind, current: dict, body, patch_type: str) -> dict:
    if patch_type == "merge":
        if not isinstance(body, dict):
            raise errors.bad_request("json: cannot unmarshal array into Go value of type map[string]interface {}")
        return merge_patch(current, body)
    if patch_type == "strategic":
        if not isinstance(body, dict):
            raise errors.bad_request("json: cannot unmarshal array into Go value of type map[string]interface {}")
        return strategic_merge(current, body)
    if patch_type == "json":
        return json_patch(current, body)
    raise errors.ApiError(
        415,
        "UnsupportedMediaType",
        f"the body of the request was in an unknown format - accepted media types include: {', '.join(PATCH_TYPES)}",
    )


def merge_patch(target, patch):
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def strategic_merge(target, patch, field: str = ""):
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    if patch.get("$patch") == "replace":
        return {key: copy.deepcopy(value) for key, value in patch.items() if key != "$patch"}
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if key.startswith("$setElementOrder/") or key in ("$patch", "$retainKeys"):
            continue
        if key.startswith("$deleteFromPrimitiveList/"):
            name = key.split("/", 1)[1]
            result[name] = [item for item in result.get(name) or [] if item not in value]
            continue
        if value is None:
            result.pop(key, None)
        elif isinstance(value, list) and isinstance(result.get(key), list):
            result[key] = _merge_list(key, result[key], value, result)
        elif isinstance(value, dict):
            result[key] = strategic_merge(result.get(key), value, key)
        else:
            result[key] = copy.deepcopy(value)
    if "$retainKeys" in patch:
        keep = set(patch["$retainKeys"])
        result = {key: value for key, value in result.items() if key in keep}
    return result


def _merge_list(field: str, current: list, patch: list, parent: dict) -> list:
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
        return copy.deepcopy(patch)
    result = copy.deepcopy(current)
    for item in patch:
        directive = item.get("$patch")
        position = next(
            (
                index
                for index, existing in enumerate(result)
                if isinstance(existing, dict) and existing.get(merge_key) == item.get(merge_key)
            ),
            None,
        )
        if directive == "delete":
            if position is not None:
                result.pop(position)
        elif directive == "replace":
            return [{k: v for k, v in entry.items() if k != "$patch"} for entry in patch]
        elif position is None:
            result.append({key: value for key, value in item.items() if key != "$patch"})
        else:
            result[position] = strategic_merge(result[position], item, field)
    return result


def json_patch(target: dict, operations) -> dict:
    if not isinstance(operations, list):
        raise errors.bad_request("json: cannot unmarshal object into Go value of type jsonpatch.Patch")
    document = copy.deepcopy(target)
    for operation in operations:
        if not isinstance(operation, dict) or "op" not in operation or "path" not in operation:
            raise errors.bad_request("the server rejected our request due to an error in our request")
        op, path = operation["op"], operation["path"]
        if op == "add":
            document = _put(document, path, copy.deepcopy(operation.get("value")), insert=True)
        elif op == "replace":
            _get(document, path)
            document = _put(document, path, copy.deepcopy(operation.get("value")), insert=False)
        elif op == "remove":
            document = _delete(document, path)
        elif op == "test":
            if _get(document, path) != operation.get("value"):
                raise errors.ApiError(
                    422,
                    "Invalid",
                    f"the server rejected our request due to an error in our request: testing value {path} failed",
                )
        elif op in ("move", "copy"):
            value = copy.deepcopy(_get(document, operation.get("from", "")))
            if op == "move":
                document = _delete(document, operation["from"])
            document = _put(document, path, value, insert=True)
        else:
            raise errors.bad_request(f"Unexpected kind: {op}")
    return document


def _pointer(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise errors.bad_request(
            f"the server rejected our request due to an error in our request: invalid JSON pointer {path!r}"
        )
    return [part.replace("~1", "/").replace("~0", "~") for part in path[1:].split("/")]


def _missing(path: str) -> errors.ApiError:
    return errors.ApiError(
        422, "Invalid", f'the server rejected our request due to an error in our request: doc is missing path: "{path}"'
    )


def _get(document, path: str):
    node = document
    for part in _pointer(path):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise _missing(path)
    return node


def _put(document, path: str, value, insert: bool):
    parts = _pointer(path)
    if not parts:
        return value
    parent = (
        _get(document, "/" + "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts[:-1]))
        if len(parts) > 1
        else document
    )
    last = parts[-1]
    if isinstance(parent, dict):
        parent[last] = value
    elif isinstance(parent, list):
        if last == "-":
            parent.append(value)
        elif last.isdigit() and int(last) <= len(parent):
            if insert:
                parent.insert(int(last), value)
            elif int(last) < len(parent):
                parent[int(last)] = value
            else:
                raise _missing(path)
        else:
            raise _missing(path)
    else:
        raise _missing(path)
    return document


def _delete(document, path: str):
    parts = _pointer(path)
    _get(document, path)
    parent = (
        _get(document, "/" + "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts[:-1]))
        if len(parts) > 1
        else document
    )
    if isinstance(parent, dict):
        del parent[parts[-1]]
    else:
        parent.pop(int(parts[-1]))
    return document
