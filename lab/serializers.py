"""Objects to rows and back.

A row keeps the object whole in `manifest`; writing one also copies into their columns the fields that queries
filter and sort on (lab/models/objects.py says which), so the two never disagree.
"""

import functools
from datetime import UTC, datetime

import yaml

from cluster_engine.api.clone import Unchanging

from .models import KubeObject

TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"  # metav1.Time: RFC 3339 at second precision, always UTC
# A row written from the API server holds its managed field sets as the engine shares them; YAML (the admin's
# forms) shows them as the plain mappings they are.
yaml.SafeDumper.add_representer(Unchanging, yaml.SafeDumper.represent_dict)


def to_kube(row: KubeObject) -> dict:
    return row.manifest


def from_kube(obj: dict, row: KubeObject) -> KubeObject:
    """Fill `row` (new or loaded) from the object; every column is written, so nothing of a previous version stays."""
    metadata = obj["metadata"]
    row.kind = obj["kind"]
    row.namespace = metadata.get("namespace") or ""
    row.name = metadata["name"]
    row.uid = metadata.get("uid") or ""
    row.resource_version = int(metadata["resourceVersion"])
    row.creation_timestamp = _time(metadata.get("creationTimestamp"))
    row.deletion_timestamp = _time(metadata.get("deletionTimestamp"))
    row.node_name = (obj.get("spec") or {}).get("nodeName") or ""
    row.last_timestamp = obj.get("lastTimestamp") or ""
    row.manifest = obj
    return row


def new_row(cluster, obj: dict) -> KubeObject:
    return from_kube(obj, KubeObject(cluster=cluster))


@functools.lru_cache(maxsize=4096)
def _time(text: str | None) -> datetime | None:
    """Cached: a tick writes many objects stamped in the same few seconds, and parsing costs more than the lookup."""
    return datetime.strptime(text, TIME_FORMAT).replace(tzinfo=UTC) if text else None
