"""Importing a snapshot: the whole file is checked before anything is written, then the cluster is restored.

Every item is decoded strictly and validated as its kind by the API server's own rules, names must be unique per
kind and namespace, namespaced objects need their Namespace in the file, and the header must carry the clock. The
first problem is answered as a Kubernetes Status naming the item (`items[3]: Pod "x" is invalid: ...`) and nothing
is created; a file that passes becomes a new cluster through `restore_cluster`, the objects kept as they were.
"""

import random

import yaml

from cluster_engine.api import errors
from cluster_engine.api.errors import ApiError
from cluster_engine.api.kinds import KINDS
from cluster_engine.api.names import dns1123_label_messages
from cluster_engine.api.server import MAX_REQUEST_BYTES, ApiServer
from cluster_engine.api.storage import MemoryStorage
from cluster_engine.runtime.clock import MAX_SPEED, MIN_SPEED, SimClock

from ..cluster_restore import ClusterState, restore_cluster
from ..kubeapi.auth import ROLE_ANNOTATION
from ..models import Cluster, Topology
from .document import FORMAT_VERSION, HEADER_NAME, HEADER_NAMESPACE, is_access_account

# upstream: --max-request-body-bytes, 3 MiB: a snapshot is imported in one request, so it is held to one body's limit
MAX_SNAPSHOT_BYTES = MAX_REQUEST_BYTES
CLUSTER_NAME_LIMIT = 63  # the Cluster model's slug, a DNS label's length


def read_snapshot(content: bytes | str) -> ClusterState:
    """The state a snapshot file describes, or an ApiError saying what is wrong with it."""
    if isinstance(content, str):
        content = content.encode()
    if len(content) > MAX_SNAPSHOT_BYTES:
        raise errors.request_too_large(MAX_SNAPSHOT_BYTES)
    try:
        document = yaml.safe_load(content)
    except yaml.YAMLError as problem:
        raise errors.bad_request(f"error converting YAML to JSON: {_one_line(problem)}") from None
    items = _items_of(document)
    checker = ApiServer(MemoryStorage(), SimClock(), random.Random(0))
    facts = None
    objects: list[dict] = []
    seen: set[tuple[str, str, str]] = set()
    namespaces = {
        (item.get("metadata") or {}).get("name")
        for item in items
        if isinstance(item, dict) and item.get("kind") == "Namespace" and isinstance(item.get("metadata"), dict)
    }
    for index, item in enumerate(items):
        try:
            obj = _checked_item(checker, item)
            metadata = obj["metadata"]
            key = (obj["kind"], metadata.get("namespace") or "", metadata["name"])
            if key in seen:
                raise errors.already_exists(KINDS[obj["kind"]], metadata["name"])
            seen.add(key)
            if obj["kind"] == "ConfigMap" and key[1:] == (HEADER_NAMESPACE, HEADER_NAME):
                facts = _facts(obj)
                continue
            if KINDS[obj["kind"]].namespaced and metadata["namespace"] not in namespaces:
                raise errors.namespace_not_found(metadata["namespace"])
            objects.append(obj)
        except ApiError as problem:
            raise ApiError(
                problem.code, problem.reason, f"items[{index}]: {problem.message}", problem.details
            ) from None
    if facts is None:
        raise errors.bad_request(
            f'the snapshot has no ConfigMap "{HEADER_NAMESPACE}/{HEADER_NAME}" holding the cluster\'s clock: '
            "it is not a KubeLab snapshot"
        )
    return ClusterState(objects=objects, **facts)


def import_snapshot(name: str, content: bytes | str) -> Cluster:
    """A new paused cluster `name` from a snapshot file; nothing is created when the name or the file is refused."""
    check_cluster_name(name)
    state = read_snapshot(content)
    return restore_cluster(name, state)


def check_cluster_name(name: str) -> None:
    problems = dns1123_label_messages(name) if name else ["Required value"]
    if problems:
        raise ApiError(
            422,
            "Invalid",
            f'clusters "{name}" is invalid: metadata.name: Invalid value: "{name}": {problems[0]}',
            {"name": name, "kind": "clusters"},
        )
    if Cluster.objects.filter(name=name).exists():
        raise ApiError(409, "AlreadyExists", f'clusters "{name}" already exists', {"name": name, "kind": "clusters"})


def _items_of(document) -> list:
    if not isinstance(document, dict) or document.get("kind") != "List" or document.get("apiVersion") != "v1":
        found = document.get("kind") if isinstance(document, dict) else type(document).__name__
        raise errors.bad_request(f"a snapshot is a v1 List (apiVersion: v1, kind: List, items: [...]), not {found}")
    items = document.get("items")
    if not isinstance(items, list):
        raise errors.bad_request("a snapshot's items must be a list of objects")
    return items


def _checked_item(checker: ApiServer, item) -> dict:
    """The item decoded and validated as its kind, with the metadata the server set when it was first stored."""
    if not isinstance(item, dict):
        raise errors.bad_request(f"an item must be an object (apiVersion, kind, metadata, ...), not {item!r}")
    if not item.get("kind") or not isinstance(item["kind"], str):
        raise errors.bad_request("Object 'Kind' is missing")  # upstream runtime.NewMissingKindErr
    if item["kind"] not in KINDS:
        raise errors.bad_request(f'no matches for kind "{item["kind"]}" in version "{item.get("apiVersion")}"')
    obj = checker.check(item["kind"], item)
    spec = KINDS[obj["kind"]]
    if obj["metadata"].get("name") == HEADER_NAME and spec.kind == "ConfigMap":
        return obj  # the header is the file's own, never stored: it carries no server-set metadata
    problems = [
        errors.required(f"metadata.{key}") for key in ("uid", "creationTimestamp") if not obj["metadata"].get(key)
    ]
    if is_access_account(obj):
        detail = "the lab grants kubectl access to each cluster itself; it is not imported"
        problems.append(errors.forbidden(f"metadata.annotations[{ROLE_ANNOTATION}]", detail))
    if problems:
        raise errors.invalid_object(spec, obj["metadata"]["name"], problems)
    return obj


def _facts(header: dict) -> dict:
    """The header's clock and set-up, each checked: a missing or malformed one is refused on its data key."""
    data = header.get("data") or {}
    problems = []

    def number(key: str, low: float | None = None, high: float | None = None) -> float:
        value = data.get(key)
        if value is None:
            problems.append(errors.required(f"data.{key}"))
            return 0.0
        try:
            parsed = float(value)
        except ValueError:
            problems.append(errors.invalid(f"data.{key}", value, "must be a number"))
            return 0.0
        if (low is not None and parsed < low) or (high is not None and parsed > high):
            problems.append(errors.invalid(f"data.{key}", value, f"must be between {low:g} and {high:g}"))
        return parsed

    if data.get("formatVersion") != FORMAT_VERSION:
        problems.append(errors.not_supported("data.formatVersion", data.get("formatVersion"), [FORMAT_VERSION]))
    facts = {
        "now": number("now", low=0.0),
        "epoch": number("epoch"),
        "speed": number("speed", MIN_SPEED, MAX_SPEED),
        "topology": data.get("topology"),
        "seed": int(number("seed")),
    }
    if facts["topology"] not in Topology.values:
        problems.append(errors.not_supported("data.topology", facts["topology"], Topology.values))
    if problems:
        raise errors.invalid_object(KINDS["ConfigMap"], HEADER_NAME, problems)
    return facts


def _one_line(problem: yaml.YAMLError) -> str:
    return " ".join(str(problem).split())
