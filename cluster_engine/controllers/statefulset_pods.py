"""A StatefulSet pod's identity and storage (upstream pkg/controller/statefulset/stateful_set_utils.go).

Pod `<set>-<ordinal>` keeps its name, hostname and claims across restarts and rescheduling: a replacement is a new
Pod object with the same name, mounting the same PersistentVolumeClaims `<template>-<set>-<ordinal>`, which the
controller creates before the pod and never deletes with it (unless the retention policy says so, through owner
references the garbage collector follows).
"""

import re
from collections.abc import Callable

from ..api.clone import clone
from . import owners

POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name"
POD_INDEX_LABEL = "apps.kubernetes.io/pod-index"
REVISION_LABEL = "controller-revision-hash"
_MEMBER = re.compile(r"^(.*)-([0-9]+)$")


def parent_and_ordinal(pod: dict) -> tuple[str, int]:
    """upstream getParentNameAndOrdinal: ("", -1) for a name that is not `<set>-<number>`."""
    match = _MEMBER.match(pod["metadata"]["name"])
    if not match:
        return "", -1
    return match.group(1), int(match.group(2))


def ordinal(pod: dict) -> int:
    return parent_and_ordinal(pod)[1]


def is_member(sts: dict, pod: dict) -> bool:
    return parent_and_ordinal(pod)[0] == sts["metadata"]["name"]


def start_ordinal(sts: dict) -> int:
    return ((sts["spec"].get("ordinals") or {}).get("start")) or 0


def in_range(sts: dict, pod_ordinal: int) -> bool:
    """upstream podInOrdinalRange."""
    start = start_ordinal(sts)
    return start <= pod_ordinal < start + sts["spec"].get("replicas", 1)


def pod_name(sts: dict, pod_ordinal: int) -> str:
    return f"{sts['metadata']['name']}-{pod_ordinal}"


def claim_name(sts: dict, template_name: str, pod_ordinal: int) -> str:
    return f"{template_name}-{sts['metadata']['name']}-{pod_ordinal}"


def revision_of(pod: dict) -> str:
    return (pod["metadata"].get("labels") or {}).get(REVISION_LABEL, "")


def claims_for(sts: dict, pod_ordinal: int) -> list[tuple[str, dict]]:
    """upstream getPersistentVolumeClaims: (template name, claim) for each template, the claim named for the pod and
    labelled with the set's selector."""
    match_labels = (sts["spec"].get("selector") or {}).get("matchLabels") or {}
    claims = []
    for template in sts["spec"].get("volumeClaimTemplates") or []:
        metadata = clone(template.get("metadata") or {})
        template_name = metadata.get("name", "")
        metadata.update(
            name=claim_name(sts, template_name, pod_ordinal),
            namespace=sts["metadata"]["namespace"],
            labels={**(metadata.get("labels") or {}), **match_labels},
        )
        metadata.pop("creationTimestamp", None)
        claim = {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": metadata}
        claim["spec"] = clone(template.get("spec") or {})
        claims.append((template_name, claim))
    return claims


def new_pod(sts: dict, template: dict, pod_ordinal: int, revision: str) -> dict:
    """upstream newVersionedStatefulSetPod: GetPodFromTemplate, then initIdentity, updateStorage and the revision."""
    template_meta = template.get("metadata") or {}
    name = pod_name(sts, pod_ordinal)
    labels = dict(template_meta.get("labels") or {})
    labels.update({POD_NAME_LABEL: name, POD_INDEX_LABEL: str(pod_ordinal), REVISION_LABEL: revision})
    metadata = {
        "name": name,
        "generateName": f"{sts['metadata']['name']}-",
        "namespace": sts["metadata"]["namespace"],
        "labels": labels,
        "ownerReferences": [owners.new_controller_ref(sts)],
    }
    for field in ("annotations", "finalizers"):
        if template_meta.get(field):
            metadata[field] = clone(template_meta[field])
    spec = clone(template.get("spec") or {})
    spec["hostname"] = name
    if sts["spec"].get("serviceName"):
        spec["subdomain"] = sts["spec"]["serviceName"]
    claims = claims_for(sts, pod_ordinal)
    claimed = {template_name for template_name, _ in claims}
    spec["volumes"] = [
        {"name": template_name, "persistentVolumeClaim": {"claimName": claim["metadata"]["name"]}}
        for template_name, claim in claims
    ] + [volume for volume in spec.get("volumes") or [] if volume.get("name") not in claimed]
    if not spec["volumes"]:
        del spec["volumes"]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec}


# ---- retention policy: who owns a claim ---------------------------------------------------------------------------
def retention(sts: dict) -> tuple[str, str]:
    policy = sts["spec"].get("persistentVolumeClaimRetentionPolicy") or {}
    return policy.get("whenDeleted", "Retain"), policy.get("whenScaled", "Retain")


def _refers_to(reference: dict, obj: dict) -> bool:
    """upstream matchesRef: the same kind, group-version and name (whatever the uid)."""
    return (
        reference.get("kind") == obj["kind"]
        and reference.get("apiVersion") == obj["apiVersion"]
        and reference.get("name") == obj["metadata"]["name"]
    )


def pod_claim_is_stale(sts: dict, pod: dict, existing_claim: Callable[[str], dict | None]) -> bool:
    """upstream PodClaimIsStale: with whenScaled=Delete, a claim that still names an earlier pod of this name as its
    owner (any uid but this pod's, and a pod not yet created has none) is about to go with that pod, so the pod must
    not be created on it. `existing_claim(name)` looks a claim up in the set's namespace."""
    if retention(sts)[1] == "Retain":
        return False  # the claims are meant to be reused
    for _, wanted in claims_for(sts, ordinal(pod)):
        claim = existing_claim(wanted["metadata"]["name"])
        if claim is not None and _has_stale_ref(claim, pod):
            return True
    return False


def _has_stale_ref(claim: dict, pod: dict) -> bool:
    """upstream hasStaleOwnerRef: the first reference to the pod's kind and name decides, by its uid."""
    for reference in claim["metadata"].get("ownerReferences") or []:
        if _refers_to(reference, pod):
            return reference.get("uid") != pod["metadata"].get("uid")
    return False


def claim_owners(claim: dict, sts: dict, pod: dict) -> list[dict] | None:
    """upstream updateClaimOwnerRefForSetAndPod: the owner references the policy wants, None to leave them alone.

    whenDeleted=Delete makes the set an owner (deleting the set deletes the claim); whenScaled=Delete makes the
    pod the owner once its ordinal is scaled away (deleting that pod deletes the claim). A reference to an older
    set or pod of the same name, or another controller, means someone else manages the claim.
    """
    references = claim["metadata"].get("ownerReferences") or []
    for reference in references:
        for owner in (sts, pod):
            if _refers_to(reference, owner) and reference.get("uid") != owner["metadata"]["uid"]:
                return None
    kept = [ref for ref in references if not (_refers_to(ref, sts) or _refers_to(ref, pod))]
    when_deleted, when_scaled = retention(sts)
    if (when_deleted, when_scaled) != ("Retain", "Retain") and any(ref.get("controller") for ref in kept):
        return kept
    scaled_down = not in_range(sts, ordinal(pod))
    if when_scaled == "Delete" and scaled_down:
        kept.append(owners.new_controller_ref(pod))
    elif when_deleted == "Delete":
        kept.append(owners.new_controller_ref(sts))
    return kept
