"""The change a write made to an object, as a unified diff of its YAML, the way `kubectl diff` shows one.

Only what a kubectl user sees by default takes part: `metadata.resourceVersion` changes on every write and
`metadata.managedFields` is hidden unless asked for (`--show-managed-fields`), so both are left out; `status` is left
out too unless the write was to the status subresource, since a write to the object never changes it (whatever moves
there afterwards is a controller's doing, not the edit's). A Secret's values are masked as `kubectl diff` masks them
(`***`, or `*** (before)` / `*** (after)` when the value changed), so a diff never shows a secret.

Each object's header names it as `kubectl diff` names its files: `<group>.<version>.<Kind>.<namespace>.<name>`.
"""

import copy
import difflib

import yaml

NOISE_METADATA = ("resourceVersion", "managedFields")
SECRET_FIELDS = ("data", "stringData")
MASK = "***"


def shown(obj: dict | None, subresource: str | None = None) -> dict | None:
    """The object as the diff shows it: without the noise above, and without status unless status was written."""
    if obj is None:
        return None
    visible = copy.deepcopy(obj)
    for key in NOISE_METADATA:
        visible.get("metadata", {}).pop(key, None)
    if subresource != "status":
        visible.pop("status", None)
    return visible


def masked_secrets(before: dict | None, after: dict | None) -> tuple[dict | None, dict | None]:
    """kubectl diff's masker (k8s.io/kubectl/pkg/cmd/diff, `Masker`): each Secret value becomes `***`, marked
    `(before)` / `(after)` where it changed."""
    if (before or after or {}).get("kind") != "Secret":
        return before, after
    before, after = copy.deepcopy(before), copy.deepcopy(after)
    for field in SECRET_FIELDS:
        old = (before or {}).get(field) or {}
        new = (after or {}).get(field) or {}
        for key in old.keys() | new.keys():
            changed = key in old and key in new and old[key] != new[key]
            if key in old:
                old[key] = f"{MASK} (before)" if changed else MASK
            if key in new:
                new[key] = f"{MASK} (after)" if changed else MASK
    return before, after


def object_label(obj: dict) -> str:
    """`apps.v1.Deployment.default.web`, as `kubectl diff` names the files it compares."""
    group_version = obj["apiVersion"].replace("/", ".")
    metadata = obj["metadata"]
    return ".".join(part for part in (group_version, obj["kind"], metadata.get("namespace"), metadata["name"]) if part)


def _lines(obj: dict | None) -> list[str]:
    if obj is None:
        return []
    text = yaml.safe_dump(obj, sort_keys=False, default_flow_style=False, allow_unicode=True)
    return text.splitlines(keepends=True)


def unified_diff(before: dict | None, after: dict | None, subresource: str | None = None) -> str:
    """The unified diff from `before` to `after` (either None: created or gone), empty when nothing visible moved."""
    before, after = masked_secrets(shown(before, subresource), shown(after, subresource))
    label = object_label(after or before)
    lines = difflib.unified_diff(_lines(before), _lines(after), f"a/{label}", f"b/{label}")
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)
