"""VolumeBinding: a pod's claims must be bound, or bindable on the node, before it may run there.

As upstream's plugin (pkg/scheduler/framework/plugins/volumebinding): PreFilter refuses a pod whose claims are
missing, lost, being deleted, or unbound in an `Immediate` class (the PV controller binds those, not the
scheduler). Filter checks a bound claim's PV node affinity against each node, and for a claim of a
`WaitForFirstConsumer` class looks for an available PV that fits the node, or a class that can provision there.
`plan` is Reserve's choice for the chosen node, which PreBind carries out (see scheduler/volume_prebind.py).
"""

import numpy as np

from ...api.quantity import to_int
from ..volumes import NO_PROVISIONER, VolumeCatalog, is_bound, pv_node_terms
from .base import Cycle, Rejection
from .node_affinity_match import term_mask, term_matches

# upstream: volumebinding.ConflictReason values and PreFilter's reason
NODE_CONFLICT = "node(s) had volume node affinity conflict"
BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind"
PV_NOT_EXIST = "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)"
UNBOUND_IMMEDIATE = "pod has unbound immediate PersistentVolumeClaims"


def claim_problem(name: str, claim: dict | None) -> str | None:
    """Upstream podHasPVCs: a claim the pod cannot use at all, with the lister's or the plugin's message."""
    if claim is None:
        return f'persistentvolumeclaim "{name}" not found'
    if (claim.get("status") or {}).get("phase") == "Lost":
        volume = (claim.get("spec") or {}).get("volumeName", "")
        return f'persistentvolumeclaim "{name}" bound to non-existent persistentvolume "{volume}"'
    if claim["metadata"].get("deletionTimestamp"):
        return f'persistentvolumeclaim "{name}" is being deleted'
    return None


def volume_fits_claim(volume: dict, claim: dict) -> bool:
    """Upstream FindMatchingVolume without the node: available (or already promised to this claim), the same
    class, at least the requested size, every requested access mode."""
    spec, claim_spec = volume.get("spec") or {}, claim.get("spec") or {}
    ref = spec.get("claimRef")
    metadata = claim["metadata"]
    if ref and (ref.get("name"), ref.get("namespace")) != (metadata["name"], metadata.get("namespace")):
        return False
    if volume["metadata"].get("deletionTimestamp") or (volume.get("status") or {}).get("phase") not in (
        None,
        "Available",
        "Pending",
    ):
        return False
    if (spec.get("storageClassName") or "") != (claim_spec.get("storageClassName") or ""):
        return False
    wanted = ((claim_spec.get("resources") or {}).get("requests") or {}).get("storage", 0)
    if to_int((spec.get("capacity") or {}).get("storage", 0)) < to_int(wanted):
        return False
    return set(claim_spec.get("accessModes") or ()) <= set(spec.get("accessModes") or ())


def allowed_topology_terms(storage_class: dict) -> tuple | None:
    """A class's allowedTopologies as node selector terms (None: every node)."""
    topologies = storage_class.get("allowedTopologies") or []
    if not topologies:
        return None
    terms = []
    for topology in topologies:
        expressions = [
            {"key": item["key"], "operator": "In", "values": item.get("values") or []}
            for item in topology.get("matchLabelExpressions") or []
        ]
        terms.append({"matchExpressions": expressions})
    return pv_node_terms({"spec": {"nodeAffinity": {"required": {"nodeSelectorTerms": terms}}}})


class VolumeBinding:
    name = "VolumeBinding"

    def __init__(self, catalog: VolumeCatalog):
        self.catalog = catalog

    def _claims(self, cycle: Cycle) -> list[tuple[str, dict | None]]:
        return cycle.remember("volume-claims", lambda: self.catalog.pod_claims(cycle.pod.pod))

    def prefilter(self, cycle: Cycle) -> str | None:
        claims = self._claims(cycle)
        for name, claim in claims:
            problem = claim_problem(name, claim)
            if problem:
                return problem
        if any(not is_bound(claim) and not self.catalog.delays_binding(claim) for _, claim in claims):
            return UNBOUND_IMMEDIATE
        return None

    def filter(self, cycle: Cycle):
        claims = self._claims(cycle)
        if not claims:
            return []
        snapshot = cycle.snapshot
        missing = np.zeros(snapshot.capacity, dtype=bool)
        node_conflict = np.zeros(snapshot.capacity, dtype=bool)
        bind_conflict = np.zeros(snapshot.capacity, dtype=bool)
        for _, claim in claims:
            if is_bound(claim):
                volume = self.catalog.bound_volume(claim)
                if volume is None:
                    missing |= snapshot.live
                    continue
                terms = pv_node_terms(volume)
                if terms is not None:
                    node_conflict |= snapshot.live & ~self._any_term(cycle, terms)
            else:
                bind_conflict |= snapshot.live & ~self._bindable_mask(cycle, claim)
        return [
            Rejection(PV_NOT_EXIST, missing, True),
            Rejection(NODE_CONFLICT, node_conflict, True),
            Rejection(BIND_CONFLICT, bind_conflict, True),
        ]

    def _any_term(self, cycle: Cycle, terms: tuple) -> np.ndarray:
        mask = np.zeros(cycle.snapshot.capacity, dtype=bool)
        for term in terms:
            mask |= term_mask(cycle, term)
        return mask

    def _bindable_mask(self, cycle: Cycle, claim: dict) -> np.ndarray:
        """Nodes where a delayed-binding claim can be satisfied: by an available PV whose node affinity admits the
        node, or by provisioning where the class allows it."""
        snapshot = cycle.snapshot
        mask = np.zeros(snapshot.capacity, dtype=bool)
        for volume in self._candidates(claim):
            terms = pv_node_terms(volume)
            mask |= snapshot.live if terms is None else self._any_term(cycle, terms)
        storage_class = self.catalog.class_of(claim)
        if storage_class and storage_class.get("provisioner") != NO_PROVISIONER:
            terms = allowed_topology_terms(storage_class)
            mask |= snapshot.live if terms is None else self._any_term(cycle, terms)
        return mask

    def _candidates(self, claim: dict) -> list[dict]:
        """Fitting PVs, smallest first (upstream picks the smallest volume that satisfies the claim)."""
        found = [volume for volume in self.catalog.volumes() if volume_fits_claim(volume, claim)]
        return sorted(found, key=lambda volume: to_int((volume["spec"].get("capacity") or {}).get("storage", 0)))

    def plan(self, pod: dict, node_info) -> list[tuple[str, dict, dict | None]]:
        """Reserve: for each unbound claim, ("bind", claim, pv) with the smallest fitting PV on this node, or
        ("provision", claim, None). Empty when every claim is bound already."""
        steps = []
        for _, claim in self.catalog.pod_claims(pod):
            if claim is None or is_bound(claim):
                continue
            volume = next(
                (
                    volume
                    for volume in self._candidates(claim)
                    if (terms := pv_node_terms(volume)) is None or any(term_matches(t, node_info) for t in terms)
                ),
                None,
            )
            steps.append(("bind", claim, volume) if volume is not None else ("provision", claim, None))
        return steps
