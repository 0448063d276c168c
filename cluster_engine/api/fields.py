"""Field-level API rules: field selectors (`spec.nodeName=node-1`) and what to do with fields a body's decoder does
not know or finds twice (`fieldValidation`)."""

import re
from dataclasses import dataclass, field

from . import errors, schema
from .kinds import Kind

# upstream metav1.FieldValidation{Ignore,Warn,Strict}
IGNORE, WARN, STRICT = "Ignore", "Warn", "Strict"
FIELD_VALIDATIONS = (IGNORE, WARN, STRICT)
STRICT_PREFIX = "strict decoding error: "
_UNKNOWN = re.compile(r'^strict decoding error: (unknown field "(.*)")$')
_PATH_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")

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


@dataclass
class FieldValidation:
    """A write's `fieldValidation` directive, the fields its body repeated (`duplicate field "spec.replicas"`, found
    while parsing, the last value kept) and the warnings the directive turns strict-decoding errors into."""

    directive: str = STRICT
    duplicates: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def settle_strict_errors(
    kind: Kind, obj: dict, problems: list[str], validation: FieldValidation, patched: bool = False
) -> list[str]:
    """Apply the directive to the strict-decoding errors among `problems` (unknown fields) and the body's duplicates,
    as upstream's handlers do: Strict refuses the body with all of them in one 400, Warn drops the unknown fields and
    warns of each, Ignore drops them silently. Returns the other problems (wrong types and the like), which are
    errors whatever the directive and take precedence, as upstream's decoder returns them first. A patched object
    is decoded upstream from the patch's result, a Go map that marshals its keys sorted, so its fields are named in
    that order rather than the body's."""
    unknown = [(match.group(1), match.group(2)) for match in map(_UNKNOWN.match, problems) if match]
    if patched:
        unknown.sort(key=lambda found: _steps(found[1]))
    others = [problem for problem in problems if not _UNKNOWN.match(problem)]
    if others:
        return others
    strict_errors = validation.duplicates + [message for message, _ in unknown]
    if strict_errors and validation.directive == STRICT:
        raise errors.bad_request(
            f'{kind.kind} in version "{kind.version}" cannot be handled as a {kind.kind}: '
            f"{STRICT_PREFIX}{', '.join(strict_errors)}"
        )
    if unknown:
        schema.drop_unknown(kind.kind, obj)
    if validation.directive == WARN:
        validation.warnings.extend(strict_errors)
    return []


def settle_apply_duplicates(validation: FieldValidation) -> None:
    """upstream applyPatcher: once the apply has merged, Strict refuses an apply patch that repeats a key, in
    go-yaml's words, Warn warns of each repeated key, Ignore says nothing; the last value is the one applied."""
    if not validation.duplicates:
        return
    if validation.directive == STRICT:
        raise errors.bad_request(
            "error strict decoding YAML: error converting YAML to JSON: yaml: unmarshal errors:\n  "
            + "\n  ".join(validation.duplicates)
        )
    if validation.directive == WARN:
        validation.warnings.extend(validation.duplicates)


def _steps(path: str) -> list:
    """A decoder's path as keys and list indexes: `a.b[0].c` is ["a", "b", 0, "c"]."""
    return [name if name else int(index) for name, index in _PATH_STEP.findall(path)]
