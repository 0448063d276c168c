"""Upstream's API definitions for the one Kubernetes release we reproduce, as data.

`kubernetes-<VERSION>.json` holds the `definitions` of upstream's published OpenAPI for that release (refreshed by
`python -m cluster_engine.openapi.refresh`): every field of every built-in type with its JSON type, format,
required fields, description and the `x-kubernetes-*` extensions (patch strategy, merge key, list type, map keys,
group-version-kind). Decoding, strategic merge, server-side apply and the OpenAPI documents served to kubectl read
their facts here instead of restating them.
"""

import json
from functools import cache
from pathlib import Path

# The Kubernetes release whose API we serve: its OpenAPI, its version strings, its kubelet.
VERSION = "1.37.0"
GIT_VERSION = f"v{VERSION}"
_FILE = Path(__file__).with_name(f"kubernetes-{VERSION}.json")
REF_PREFIX = "#/definitions/"


@cache
def definitions() -> dict[str, dict]:
    """Every upstream definition by its full name (`io.k8s.api.apps.v1.Deployment`); read once, never changed."""
    return json.loads(_FILE.read_text())["definitions"]


@cache
def _names_by_kind() -> dict[tuple[str, str, str], str]:
    found = {}
    for name, schema in definitions().items():
        for gvk in schema.get("x-kubernetes-group-version-kind", ()):
            found.setdefault((gvk["group"], gvk["version"], gvk["kind"]), name)
    return found


def definition_name(group: str, version: str, kind: str) -> str | None:
    """The definition upstream serves a kind as (`("apps", "v1", "Deployment")` → `io.k8s.api.apps.v1.Deployment`)."""
    return _names_by_kind().get((group, version, kind))


def resolve(schema: dict) -> dict:
    """A schema with its `$ref` followed (upstream puts a field's description beside the reference)."""
    while "$ref" in schema:
        schema = definitions()[schema["$ref"][len(REF_PREFIX) :]]
    return schema


def with_references(schemas: dict[str, dict]) -> dict[str, dict]:
    """The given definitions by name, plus every definition they reference, directly or through others."""
    found = dict(schemas)
    pending = list(schemas.values())
    while pending:
        for name in _references(pending.pop()):
            if name not in found:
                found[name] = definitions()[name]
                pending.append(found[name])
    return found


def _references(node):
    if isinstance(node, list):
        for item in node:
            yield from _references(item)
    elif isinstance(node, dict):
        reference = node.get("$ref")
        if isinstance(reference, str):
            yield reference[len(REF_PREFIX) :]
        for value in node.values():
            yield from _references(value)
