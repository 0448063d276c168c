"""Names, label keys and values, annotations, owner references and finalizers, checked as upstream's
k8s.io/apimachinery/pkg/util/validation and pkg/api/validation/objectmeta.go check them, with the same messages."""

import re

from .errors import FieldError, forbidden, invalid, required, too_long

_DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_DNS1035_LABEL = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
_QUALIFIED_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")

DNS1123_LABEL_MESSAGE = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end "
    "with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)
DNS1123_SUBDOMAIN_MESSAGE = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start "
    "and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
DNS1035_LABEL_MESSAGE = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic "
    "character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation "
    "is '[a-z]([-a-z0-9]*[a-z0-9])?')"
)
QUALIFIED_NAME_MESSAGE = (
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
    "character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
    "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)
LABEL_VALUE_MESSAGE = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start "
    "and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for "
    "validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)
# upstream: TotalAnnotationSizeLimitB = 256 KiB over every key and value together
ANNOTATIONS_SIZE_LIMIT = 256 * 1024
FOREGROUND_FINALIZER = "foregroundDeletion"
ORPHAN_FINALIZER = "orphan"


def _max_length(limit: int) -> str:
    return f"must be no more than {limit} characters"


def dns1123_label_messages(value: str) -> list[str]:
    messages = [_max_length(63)] if len(value) > 63 else []
    return messages + ([] if _DNS1123_LABEL.match(value) else [DNS1123_LABEL_MESSAGE])


def dns1123_subdomain_messages(value: str) -> list[str]:
    messages = [_max_length(253)] if len(value) > 253 else []
    return messages + ([] if _DNS1123_SUBDOMAIN.match(value) else [DNS1123_SUBDOMAIN_MESSAGE])


def dns1035_label_messages(value: str) -> list[str]:
    messages = [_max_length(63)] if len(value) > 63 else []
    return messages + ([] if _DNS1035_LABEL.match(value) else [DNS1035_LABEL_MESSAGE])


def qualified_name_messages(value: str) -> list[str]:
    """upstream IsQualifiedName: an optional DNS-subdomain prefix and '/', then a name part of at most 63."""
    parts = value.split("/")
    if len(parts) > 2:
        return [
            f"a qualified name {QUALIFIED_NAME_MESSAGE} with an optional DNS subdomain prefix and '/' "
            "(e.g. 'example.com/MyName')"
        ]
    messages = []
    name = parts[-1]
    if len(parts) == 2:
        prefix = parts[0]
        if not prefix:
            messages.append("prefix part must be non-empty")
        else:
            messages += ["prefix part " + message for message in dns1123_subdomain_messages(prefix)]
    if not name:
        messages.append("name part must be non-empty")
    elif len(name) > 63:
        messages.append("name part " + _max_length(63))
    if not _QUALIFIED_NAME.match(name):
        messages.append("name part " + QUALIFIED_NAME_MESSAGE)
    return messages


def label_value_messages(value: str) -> list[str]:
    messages = [_max_length(63)] if len(value) > 63 else []
    return messages + ([] if _LABEL_VALUE.match(value) else [LABEL_VALUE_MESSAGE])


def _each(path: str, value, messages: list[str]) -> list[FieldError]:
    return [invalid(path, value, message) for message in messages]


def dns1123_label(value: str, path: str) -> list[FieldError]:
    return _each(path, value, dns1123_label_messages(value))


def dns1123_subdomain(value: str, path: str) -> list[FieldError]:
    return _each(path, value, dns1123_subdomain_messages(value))


def dns1035_label(value: str, path: str) -> list[FieldError]:
    return _each(path, value, dns1035_label_messages(value))


def qualified_name(value: str, path: str) -> list[FieldError]:
    return _each(path, value, qualified_name_messages(value))


def labels(values: dict, path: str) -> list[FieldError]:
    """upstream ValidateLabels: every key a qualified name, every value a label value; errors on the map's path."""
    problems = []
    for key, value in values.items():
        problems += qualified_name(key, path)
        problems += _each(path, value, label_value_messages(value))
    return problems


def annotations(values: dict, path: str) -> list[FieldError]:
    problems = []
    for key in values:
        problems += _each(path, key, qualified_name_messages(key.lower()))
    if sum(len(key) + len(value) for key, value in values.items()) > ANNOTATIONS_SIZE_LIMIT:
        problems.append(too_long(path, ANNOTATIONS_SIZE_LIMIT))
    return problems


def owner_references(references: list, path: str) -> list[FieldError]:
    """upstream ValidateOwnerReferences: errors carry the list's path (no index), at most one controller."""
    problems, first_controller = [], ""
    for reference in references:
        api_version = reference.get("apiVersion", "")
        if not api_version.rpartition("/")[2]:
            problems.append(invalid(f"{path}.apiVersion", api_version, "version must not be empty"))
        for field in ("kind", "name", "uid"):
            if not reference.get(field):
                problems.append(invalid(f"{path}.{field}", reference.get(field, ""), "must not be empty"))
        if api_version == "v1" and reference.get("kind") == "Event":
            problems.append(invalid(path, reference, "/v1, Kind=Event is disallowed from being an owner"))
        if reference.get("controller"):
            current = f"{reference.get('kind', '')}/{reference.get('name', '')}"
            if first_controller:
                problems.append(
                    invalid(
                        path,
                        references,
                        'Only one reference can have Controller set to true. Found "true" in references for '
                        f"{first_controller} and {current}",
                    )
                )
            else:
                first_controller = current
    return problems


def finalizers(names: list, path: str) -> list[FieldError]:
    problems = []
    for name in names:
        problems += qualified_name(name, path)
    if FOREGROUND_FINALIZER in names and ORPHAN_FINALIZER in names:
        problems.append(
            invalid(path, names, f"finalizer {ORPHAN_FINALIZER} and {FOREGROUND_FINALIZER} cannot be both set")
        )
    return problems


def object_meta(metadata: dict, name_messages, namespaced: bool) -> list[FieldError]:
    """upstream ValidateObjectMetaAccessor; `name_messages` is the kind's name rule (label, subdomain, DNS-1035)."""
    problems = []
    generate_name = metadata.get("generateName")
    if generate_name:
        # upstream validates the prefix with its trailing dash masked, as the generated name will not end in it
        masked = generate_name[:-1] + "a" if generate_name.endswith("-") else generate_name
        problems += _each("metadata.generateName", generate_name, name_messages(masked))
    name = metadata.get("name")
    if not name:
        problems.append(required("metadata.name", "name or generateName is required"))
    else:
        problems += _each("metadata.name", name, name_messages(name))
    if namespaced:
        problems += dns1123_label(metadata.get("namespace") or "", "metadata.namespace")
    if isinstance(metadata.get("generation"), int) and metadata["generation"] < 0:
        problems.append(invalid("metadata.generation", metadata["generation"], "must be greater than or equal to 0"))
    problems += labels(metadata.get("labels") or {}, "metadata.labels")
    problems += annotations(metadata.get("annotations") or {}, "metadata.annotations")
    problems += owner_references(metadata.get("ownerReferences") or [], "metadata.ownerReferences")
    problems += finalizers(metadata.get("finalizers") or [], "metadata.finalizers")
    return problems


def object_meta_update(new: dict, old: dict) -> list[FieldError]:
    """upstream ValidateObjectMetaAccessorUpdate: what metadata an update may not change."""
    problems = []
    if old.get("deletionTimestamp"):
        added = sorted(set(new.get("finalizers") or []) - set(old.get("finalizers") or []))
        if added:
            listed = ", ".join(f'"{name}"' for name in added)
            problems.append(
                forbidden(
                    "metadata.finalizers",
                    f"no new finalizers can be added if the object is being deleted, found new finalizers []string{{{listed}}}",
                )
            )
    return problems
