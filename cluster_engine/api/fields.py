"""Field-level API rules: field selectors (`spec.nodeName=node-1`) and strict decoding of unknown fields."""

from . import errors, schema
from .kinds import Kind

# upstream: each kind accepts field selectors on metadata.name, metadata.namespace plus a few of its own fields
SELECTABLE_FIELDS = {
    "Pod": {
        "spec.nodeName",
        "spec.restartPolicy",
        "spec.schedulerName",
        "spec.serviceAccountName",
        "status.phase",
        "status.podIP",
        "status.nominatedNodeName",
    },
    "Node": {"spec.unschedulable"},
    "Event": {
        "involvedObject.kind",
        "involvedObject.namespace",
        "involvedObject.name",
        "involvedObject.uid",
        "involvedObject.apiVersion",
        "involvedObject.resourceVersion",
        "involvedObject.fieldPath",
        "reason",
        "reportingComponent",
        "source",
        "type",
    },
    "ReplicaSet": {"status.replicas"},
    "ReplicationController": {"status.replicas"},
    "Namespace": {"status.phase"},
    "Secret": {"type"},
}


def parse_field_selector(kind: Kind, text: str | None) -> list[tuple[str, bool, str]]:
    """(path, equal?, value) triples; a field the kind does not support is a 400, as upstream."""
    if not text or not text.strip():
        return []
    requirements = []
    allowed = {"metadata.name", "metadata.namespace"} | SELECTABLE_FIELDS.get(kind.kind, set())
    for part in text.split(","):
        if "!=" in part:
            path, value = part.split("!=", 1)
            equal = False
        elif "==" in part:
            path, value = part.split("==", 1)
            equal = True
        elif "=" in part:
            path, value = part.split("=", 1)
            equal = True
        else:
            raise errors.bad_request(f"invalid selector: '{text}'; can't understand '{part}'")
        path = path.strip()
        if path not in allowed:
            raise errors.bad_request(f"field label not supported: {path}")
        requirements.append((path, equal, value.strip()))
    return requirements


def field_value(obj: dict, path: str) -> str:
    value = obj
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):  # Event "source" selects on its component
        return value.get("component", "")
    return str(value)


def matches(requirements, obj: dict) -> bool:
    return all((field_value(obj, path) == value) == equal for path, equal, value in requirements)


def decode_problems(kind: Kind, obj: dict) -> list[str]:
    """Strict decoding: upstream refuses a body with fields its schema does not declare, or of the wrong type."""
    return schema.problems(kind.kind, obj)
