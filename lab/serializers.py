"""Rows to Kubernetes JSON and back, for every kind.

A row stores each field of the object in its snake_case column; an absent field is NULL (or "" for strings, which
Kubernetes omits when empty), so `to_kube(from_kube(obj))` gives back the same object.
"""

import functools
import re
from datetime import UTC, datetime

import yaml
from django.db import models

from cluster_engine.api.clone import Unchanging
from cluster_engine.api.kinds import kind_named

from .models import KubeObject, model_for

METADATA = (
    "name",
    "generateName",
    "namespace",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "labels",
    "annotations",
    "ownerReferences",
    "finalizers",
    "managedFields",
)
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"  # metav1.Time: RFC 3339 at second precision, always UTC
# A row written from the API server holds its managed field sets as the engine shares them; YAML (the admin's
# forms) shows them as the plain mappings they are.
yaml.SafeDumper.add_representer(Unchanging, yaml.SafeDumper.represent_dict)


@functools.cache
def column(json_name: str) -> str:
    """`ownerReferences` → `owner_references` (cached: every row read and written asks for every field)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", json_name).lower()


def to_kube(row: KubeObject) -> dict:
    spec = kind_named(row.KIND)
    metadata = _fields(row, METADATA)
    metadata["resourceVersion"] = str(row.resource_version)
    return {"apiVersion": spec.api_version, "kind": spec.kind, "metadata": metadata, **_fields(row, row.BODY)}


def from_kube(obj: dict, row: KubeObject) -> KubeObject:
    """Fill `row` (new or loaded) from the object; every column is written, so nothing of a previous version stays."""
    metadata = obj["metadata"]
    for name in METADATA:
        _set(row, column(name), metadata.get(name))
    row.resource_version = int(metadata["resourceVersion"])
    for name in row.BODY:
        _set(row, column(name), obj.get(name))
    if row.KIND == "Pod":
        row.node_name = (obj.get("spec") or {}).get("nodeName") or ""
    return row


def new_row(cluster, obj: dict) -> KubeObject:
    return from_kube(obj, model_for(obj["kind"])(cluster=cluster))


def _fields(row: KubeObject, names) -> dict:
    found = {}
    for name in names:
        value = getattr(row, column(name))
        if value is None or value == "":
            continue
        found[name] = value.astimezone(UTC).strftime(TIME_FORMAT) if isinstance(value, datetime) else value
    return found


def _set(row: KubeObject, attribute: str, value) -> None:
    is_time, is_text = _field_types(type(row), attribute)
    if is_time and isinstance(value, str):
        value = datetime.strptime(value, TIME_FORMAT).replace(tzinfo=UTC)
    elif value is None and is_text:
        value = ""
    setattr(row, attribute, value)


@functools.cache
def _field_types(model: type[KubeObject], attribute: str) -> tuple[bool, bool]:
    """Whether a column holds a time, and whether it is text (where "" stands for absent)."""
    field = model._meta.get_field(attribute)
    return isinstance(field, models.DateTimeField), isinstance(field, (models.CharField, models.TextField))
