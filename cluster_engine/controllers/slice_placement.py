"""Where each endpoint goes among a service's EndpointSlices: upstream's reconcileByPortMapping (staging/src/
k8s.io/endpointslice/reconciler.go), shared by the EndpointSlice and the EndpointSlice mirroring controllers.

For one set of ports, the endpoints that should exist are spread over slices of at most `max_per_slice`, touching
as few slices as possible: an existing slice keeps the endpoints it holds that are still wanted (refreshed), loses
the others and is deleted when left empty; what is left to place first fills slices already being updated, then a
remainder that fits goes into an unchanged slice with room, and the rest into new slices. A slice about to be
deleted is reused for a slice about to be created (an update rather than a delete and a create), as upstream's
finalize step does across all port sets of the service.
"""

from dataclasses import dataclass, field

from ..api.errors import ApiError

# upstream: --max-endpoints-per-slice default (pkg/controller/endpointslice/config), the mirroring controller's
# --mirroring-max-endpoints-per-subset default is 1000
MAX_ENDPOINTS_PER_SLICE = 100


@dataclass
class Plan:
    """The writes that make one port set's slices hold the desired endpoints."""

    # (endpoints, ports) of each new slice; (slice, endpoints, ports) of each changed one; the slices to delete
    create: list[tuple[list[dict], list[dict]]] = field(default_factory=list)
    update: list[tuple[dict, list[dict], list[dict]]] = field(default_factory=list)
    delete: list[dict] = field(default_factory=list)

    def add(self, other: "Plan") -> None:
        self.create += other.create
        self.update += other.update
        self.delete += other.delete

    def finalize(self) -> "Plan":
        """upstream finalize: a slice to delete becomes the home of a slice to create, one write instead of two."""
        while self.create and self.delete:
            endpoints, ports = self.create.pop(0)
            self.update.append((self.delete.pop(0), endpoints, ports))
        return self


def endpoint_key(endpoint: dict) -> tuple:
    """What makes two endpoints the same one (upstream's endpointHash: addresses and the pod they belong to)."""
    target = endpoint.get("targetRef") or {}
    return (tuple(endpoint.get("addresses") or ()), target.get("namespace", ""), target.get("name", ""))


def place(
    existing: list[dict], desired: list[dict], ports: list[dict], max_per_slice: int, relabel: bool = False
) -> Plan:
    """The plan for one port set (finalize the plans of all port sets together). `relabel` marks every existing
    slice as needing an update (its labels changed)."""
    wanted = {endpoint_key(endpoint): endpoint for endpoint in desired}
    placed: set[tuple] = set()
    plan = Plan()
    updating: list[tuple[dict, list[dict]]] = []
    unchanged: list[dict] = []
    for slice_ in existing:
        kept = []
        for endpoint in slice_.get("endpoints") or []:
            key = endpoint_key(endpoint)
            if key in wanted and key not in placed:
                kept.append(wanted[key])
                placed.add(key)
        if not kept:
            plan.delete.append(slice_)
        elif kept != (slice_.get("endpoints") or []) or relabel:
            updating.append((slice_, kept))
        else:
            unchanged.append(slice_)
    remaining = [endpoint for key, endpoint in wanted.items() if key not in placed]
    # 3. fill the slices already being updated, fullest first
    updating.sort(key=lambda entry: -len(entry[1]))
    for _, endpoints in updating:
        while remaining and len(endpoints) < max_per_slice:
            endpoints.append(remaining.pop(0))
    # 4. whole new slices for what fills one; a remainder goes to an unchanged slice that can take it all
    while remaining:
        if len(remaining) < max_per_slice:
            roomy = [s for s in unchanged if len(s.get("endpoints") or []) + len(remaining) <= max_per_slice]
            if roomy:
                target = max(roomy, key=lambda s: len(s.get("endpoints") or []))
                unchanged.remove(target)
                updating.append((target, [*(target.get("endpoints") or []), *remaining]))
                break
        plan.create.append((remaining[:max_per_slice], ports))
        remaining = remaining[max_per_slice:]
    plan.create = [(endpoints, ports) for endpoints, _ in plan.create]
    plan.update = [(slice_, endpoints, ports) for slice_, endpoints in updating]
    return plan


def write(client, plan: Plan, template: dict) -> None:
    """Carry out a plan; `template` is the metadata (generateName, labels, annotations, owner) and addressType
    every slice of the owner carries."""
    for slice_ in plan.delete:
        try:
            client.delete("EndpointSlice", slice_["metadata"]["namespace"], slice_["metadata"]["name"])
        except ApiError as error:
            if error.code != 404:
                raise
    for slice_, endpoints, ports in plan.update:
        metadata = {key: value for key, value in slice_["metadata"].items() if key not in _OWNED_METADATA}
        metadata.update({key: template["metadata"][key] for key in _OWNED_METADATA if key in template["metadata"]})
        client.update("EndpointSlice", _slice(metadata, template["addressType"], endpoints, ports))
    for endpoints, ports in plan.create:
        client.create("EndpointSlice", _slice(dict(template["metadata"]), template["addressType"], endpoints, ports))


# What the controller sets on every slice it writes; whatever else is in a slice's metadata stays.
_OWNED_METADATA = ("labels", "annotations", "ownerReferences")


def _slice(metadata: dict, address_type: str, endpoints: list[dict], ports: list[dict]) -> dict:
    slice_ = {
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "metadata": metadata,
        "addressType": address_type,
        "endpoints": endpoints,
    }
    if ports:
        slice_["ports"] = ports
    return slice_


def current(slice_: dict, template: dict) -> bool:
    """Whether a slice already carries the labels, annotations and owner its controller would give it now."""
    return all(
        (slice_["metadata"].get(key) or None) == (template["metadata"].get(key) or None) for key in _OWNED_METADATA
    )
