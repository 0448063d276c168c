"""The kubectl command line that makes the same change as a click in the page or the admin, one function per edit.

Each returns a line a learner can paste into a shell against a real cluster (arguments quoted with `shlex.join`);
a create carries its manifest in a here-document, as one pastes it. A Secret's values are never spelled out: the
patch shows `***` where they go, as `kubectl diff` does.
"""

import json
import shlex

import yaml

from cluster_engine.api.kinds import kind_named

from .object_diff import MASK, SECRET_FIELDS, shown

HEREDOC_END = "EOF"


def _kubectl(*words: str, kind: str | None = None, namespace: str | None = None) -> str:
    """`kubectl <words> [-n <namespace>]`: the namespace flag only for namespaced kinds, as kubectl wants it."""
    words = ["kubectl", *words]
    if namespace and (kind is None or kind_named(kind).namespaced):
        words += ["-n", namespace]
    return shlex.join(words)


def resource(kind: str) -> str:
    """How kubectl names the kind on its command line: `deployment`, `node`, `controlplanecomponent`."""
    return kind_named(kind).singular


def scale(kind: str, namespace: str | None, name: str, replicas: int) -> str:
    return _kubectl("scale", resource(kind), name, f"--replicas={replicas}", kind=kind, namespace=namespace)


def cordon(node: str) -> str:
    return _kubectl("cordon", node)


def uncordon(node: str) -> str:
    return _kubectl("uncordon", node)


def drain(node: str, evicted_pods: list[dict]) -> str:
    """`kubectl drain`, with the flags it needs before it will evict what was evicted: DaemonSet pods are always
    left alone (`--ignore-daemonsets`), pods with emptyDir volumes need `--delete-emptydir-data`, and pods no
    controller owns need `--force`; upstream refuses to drain without them (k8s.io/kubectl/pkg/drain/filters.go)."""
    flags = ["--ignore-daemonsets"]
    if any(volume.get("emptyDir") is not None for pod in evicted_pods for volume in pod["spec"].get("volumes") or []):
        flags.append("--delete-emptydir-data")
    if any(not any(o.get("controller") for o in pod["metadata"].get("ownerReferences") or []) for pod in evicted_pods):
        flags.append("--force")
    return _kubectl("drain", node, *flags)


def annotate(kind: str, namespace: str | None, names: list[str], key: str, value: str | None) -> str:
    """Set an annotation on each named object (`--overwrite`, since it may hold another value already) or remove it
    (`key-`)."""
    change = [f"{key}-"] if value is None else [f"{key}={value}", "--overwrite"]
    return _kubectl("annotate", resource(kind), *names, *change, kind=kind, namespace=namespace)


def delete(kind: str, namespace: str | None, name: str) -> str:
    return _kubectl("delete", resource(kind), name, kind=kind, namespace=namespace)


def create(manifest: dict) -> str:
    """`kubectl create -f -` fed the manifest from a here-document (quoted, so the shell expands nothing in it)."""
    text = yaml.safe_dump(_masked_patch(manifest), sort_keys=False, default_flow_style=False, allow_unicode=True)
    return f"{shlex.join(['kubectl', 'create', '-f', '-'])} <<'{HEREDOC_END}'\n{text}{HEREDOC_END}"


def patch(kind: str, namespace: str | None, name: str, before: dict, after: dict) -> str | None:
    """`kubectl patch --type=merge` with the JSON merge patch (RFC 7386) that turns `before` into `after`, as an
    edit in `kubectl edit` would; None when they do not differ."""
    body = merge_patch_between(shown(before), shown(after))
    if not body:
        return None
    return patch_with(kind, namespace, name, body)


def patch_with(kind: str, namespace: str | None, name: str, body, patch_type: str = "merge") -> str:
    """`kubectl patch --type=<merge|strategic|json> -p <body>`, sending `body` as it is (a Secret's values masked)."""
    if kind == "Secret" and isinstance(body, dict):
        body = _masked_patch(body)
    text = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
    return _kubectl("patch", resource(kind), name, f"--type={patch_type}", "-p", text, kind=kind, namespace=namespace)


def rollout_undo(kind: str, namespace: str | None, name: str) -> str:
    """`kubectl rollout undo deployment/web`: the previous revision's pod template back."""
    return _kubectl("rollout", "undo", f"{resource(kind)}/{name}", kind=kind, namespace=namespace)


def force_delete(kind: str, namespace: str | None, name: str) -> str:
    """`kubectl delete --grace-period=0 --force`: the object goes at once, without waiting for the kubelet."""
    return _kubectl("delete", resource(kind), name, "--grace-period=0", "--force", kind=kind, namespace=namespace)


def merge_patch_between(before, after) -> dict:
    """The smallest JSON merge patch from `before` to `after`: changed values, `null` for removed keys; lists are
    replaced whole (merge patch has no list merging)."""
    body = dict.fromkeys(key for key in before if key not in after)
    for key, value in after.items():
        old = before.get(key)
        if isinstance(old, dict) and isinstance(value, dict):
            nested = merge_patch_between(old, value)
            if nested:
                body[key] = nested
        elif key not in before or old != value:
            body[key] = value
    return body


def _masked_patch(body: dict) -> dict:
    if body.get("kind", "Secret") != "Secret":
        return body
    masked = dict(body)
    for field in SECRET_FIELDS:
        if isinstance(body.get(field), dict):
            masked[field] = dict.fromkeys(body[field], MASK)
    return masked
