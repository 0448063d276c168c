"""Which nodes a DaemonSet's pod belongs on, and the pod it makes for one (pkg/controller/daemon/util).

A daemon pod is made from the template with the tolerations upstream adds to every daemon pod (so node trouble
and a cordon never push it off its node) and a required node affinity naming exactly one node by `metadata.name`:
the scheduler still places it, as any pod, and may find the node too full.
"""

from types import SimpleNamespace

from ..api.clone import clone
from ..nodes.taints import tolerates
from ..scheduler.plugins.node_affinity_match import node_matches
from ..scheduler.podinfo import pod_info
from . import owners

# upstream apps/v1: DefaultDaemonSetUniqueLabelKey and DaemonSetTemplateGenerationKey
REVISION_HASH_LABEL = "controller-revision-hash"
TEMPLATE_GENERATION_LABEL = "pod-template-generation"
TEMPLATE_GENERATION_ANNOTATION = "deprecated.daemonset.template.generation"
# upstream AddOrUpdateDaemonPodTolerations: taint keys a daemon pod tolerates (operator Exists, no seconds)
DAEMON_TOLERATIONS = (
    ("node.kubernetes.io/not-ready", "NoExecute"),
    ("node.kubernetes.io/unreachable", "NoExecute"),
    ("node.kubernetes.io/disk-pressure", "NoSchedule"),
    ("node.kubernetes.io/memory-pressure", "NoSchedule"),
    ("node.kubernetes.io/pid-pressure", "NoSchedule"),
    ("node.kubernetes.io/unschedulable", "NoSchedule"),
)
# upstream: added only for host-network pods, which run before the node's network is configured
HOST_NETWORK_TOLERATION = ("node.kubernetes.io/network-unavailable", "NoSchedule")


def add_daemon_tolerations(spec: dict) -> None:
    """upstream AddOrUpdateTolerationInPodSpec for each daemon toleration: replace one with the same key and
    effect, else append."""
    wanted = list(DAEMON_TOLERATIONS)
    if spec.get("hostNetwork"):
        wanted.append(HOST_NETWORK_TOLERATION)
    tolerations = spec.setdefault("tolerations", [])
    for key, effect in wanted:
        toleration = {"key": key, "operator": "Exists", "effect": effect}
        for index, existing in enumerate(tolerations):
            if existing.get("key") == key and existing.get("effect") == effect:
                tolerations[index] = toleration
                break
        else:
            tolerations.append(toleration)


def template_generation(ds: dict) -> str | None:
    return (ds["metadata"].get("annotations") or {}).get(TEMPLATE_GENERATION_ANNOTATION)


def pod_template(ds: dict, revision_hash: str) -> dict:
    """upstream CreatePodTemplate: the template with daemon tolerations and the generation and hash labels."""
    template = clone(ds["spec"].get("template") or {})
    metadata = template.setdefault("metadata", {})
    labels = metadata.setdefault("labels", {})
    generation = template_generation(ds)
    if generation is not None:
        labels[TEMPLATE_GENERATION_LABEL] = generation
    if revision_hash:
        labels[REVISION_HASH_LABEL] = revision_hash
    add_daemon_tolerations(template.setdefault("spec", {}))
    return template


def with_node_affinity(spec: dict, node_name: str) -> None:
    """upstream ReplaceDaemonSetPodNodeNameNodeAffinity: the required terms become one matchFields term on the
    node's name; the preferred terms stay."""
    term = {"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node_name]}]}
    node_affinity = spec.setdefault("affinity", {}).setdefault("nodeAffinity", {})
    node_affinity.setdefault("requiredDuringSchedulingIgnoredDuringExecution", {})["nodeSelectorTerms"] = [term]


def new_pod(ds: dict, node_name: str, revision_hash: str = "") -> dict:
    """A pod of the DaemonSet for one node, as the controller creates it."""
    template = pod_template(ds, revision_hash)
    metadata = {
        "generateName": f"{ds['metadata']['name']}-",
        "namespace": ds["metadata"]["namespace"],
        "labels": template["metadata"]["labels"],
        "ownerReferences": [owners.new_controller_ref(ds)],
    }
    for field in ("annotations", "finalizers"):
        if template["metadata"].get(field):
            metadata[field] = template["metadata"][field]
    spec = template["spec"]
    with_node_affinity(spec, node_name)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec}


def target_node(pod: dict) -> str | None:
    """upstream GetTargetNodeName: the node a pod is bound to, else the one its matchFields term names."""
    if pod["spec"].get("nodeName"):
        return pod["spec"]["nodeName"]
    required = ((pod["spec"].get("affinity") or {}).get("nodeAffinity") or {}).get(
        "requiredDuringSchedulingIgnoredDuringExecution"
    ) or {}
    for term in required.get("nodeSelectorTerms") or []:
        for requirement in term.get("matchFields") or []:
            if requirement.get("key") == "metadata.name" and len(requirement.get("values") or []) == 1:
                return requirement["values"][0]
    return None


def should_run(node: dict, ds: dict) -> tuple[bool, bool]:
    """upstream NodeShouldRunDaemonPod: (should a daemon pod run here, may one that runs here keep running).

    The node's name and required affinity must fit; an untolerated NoSchedule taint keeps a new pod off but lets
    a running one stay, an untolerated NoExecute taint does neither.
    """
    return Eligibility(ds).of(node)


class Eligibility:
    """should_run for one DaemonSet over many nodes: the template's pod is read once, then each node is matched."""

    def __init__(self, ds: dict):
        # upstream NewPod: the template as it is (its own affinity), with the daemon tolerations
        template = ds["spec"].get("template") or {}
        spec = clone(template.get("spec") or {})
        add_daemon_tolerations(spec)
        self.node_name = spec.get("nodeName")
        self.tolerations = spec["tolerations"]
        metadata = {
            "namespace": ds["metadata"].get("namespace"),
            "labels": (template.get("metadata") or {}).get("labels"),
        }
        self.info = pod_info({"metadata": metadata, "spec": spec})

    def of(self, node: dict) -> tuple[bool, bool]:
        name = node["metadata"]["name"]
        if self.node_name and self.node_name != name:
            return False, False
        node_view = SimpleNamespace(labels=node["metadata"].get("labels") or {}, fields={"metadata.name": name})
        if not node_matches(self.info, node_view):
            return False, False
        untolerated = [
            taint
            for taint in (node.get("spec") or {}).get("taints") or []
            if taint.get("effect") in ("NoSchedule", "NoExecute")
            and not any(tolerates(toleration, taint) for toleration in self.tolerations)
        ]
        if untolerated:
            return False, not any(taint.get("effect") == "NoExecute" for taint in untolerated)
        return True, True


def is_updated(pod: dict, revision_hash: str, generation: str | None) -> bool:
    """upstream IsPodUpdated: the pod carries the current revision's hash or template generation."""
    labels = pod["metadata"].get("labels") or {}
    hash_matches = bool(revision_hash) and labels.get(REVISION_HASH_LABEL) == revision_hash
    generation_matches = generation is not None and labels.get(TEMPLATE_GENERATION_LABEL) == generation
    return hash_matches or generation_matches


def oldest_first(pods: list[dict]) -> list[dict]:
    """upstream podByCreationTimestampAndPhase: scheduled pods first, then the oldest, then by name."""
    return sorted(
        pods,
        key=lambda pod: (
            0 if pod["spec"].get("nodeName") else 1,
            pod["metadata"].get("creationTimestamp") or "",
            pod["metadata"]["name"],
        ),
    )
