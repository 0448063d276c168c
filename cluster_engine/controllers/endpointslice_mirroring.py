"""The EndpointSlice mirroring controller (pkg/controller/endpointslicemirroring): hand-written Endpoints as slices.

A Service without a selector gets its Endpoints from its user, not from the Endpoints controller; so that clients
reading slices (kube-proxy) see them too, each subset is mirrored into slices named `<endpoints>-<random>`, owned
by the Endpoints and labelled as managed by the mirroring controller. `addresses` become ready endpoints and
`notReadyAddresses` not-ready ones. Endpoints labelled `endpointslice.kubernetes.io/skip-mirror: "true"`, and any
whose Service is missing or has a selector, are not mirrored (their mirrored slices are removed).
"""

from ..runtime.component import Controller
from . import slice_placement
from .endpointslice import (
    MANAGED_BY_LABEL,
    SERVICE_NAME_LABEL,
    SLICES_BY_SERVICE,
    group_by_ports,
    owned_slices,
    ports_key,
    slices_index,
)
from .owners import new_controller_ref

COMPONENT = "endpointslicemirroring-controller"
MANAGED_BY = "endpointslicemirroring-controller.k8s.io"
SKIP_MIRROR_LABEL = "endpointslice.kubernetes.io/skip-mirror"
# upstream: --mirroring-max-endpoints-per-subset default
MAX_ENDPOINTS_PER_SUBSET = 1000
# upstream: annotations not copied to mirrored slices
SKIPPED_ANNOTATIONS = (
    "endpoints.kubernetes.io/last-change-trigger-time",
    "kubectl.kubernetes.io/last-applied-configuration",
)
LEADER_ANNOTATION = "control-plane.alpha.kubernetes.io/leader"


class EndpointSliceMirroringController(Controller):
    name = COMPONENT
    leader_of = "kube-controller-manager"
    primary_kind = "Endpoints"
    resync_period = 30.0

    def start(self) -> None:
        self.ctx.cache.informer("EndpointSlice").add_index(SLICES_BY_SERVICE, slices_index)
        self.watch("Endpoints")
        self.watch("Service")
        self.watch("EndpointSlice", self._owner_of)
        super().start()

    def _owner_of(self, slice_: dict) -> list[str]:
        labels = slice_["metadata"].get("labels") or {}
        if labels.get(MANAGED_BY_LABEL) != MANAGED_BY or SERVICE_NAME_LABEL not in labels:
            return []
        return [f"{slice_['metadata']['namespace']}/{labels[SERVICE_NAME_LABEL]}"]

    def reconcile(self, key: str) -> float | None:
        existing = owned_slices(self.ctx.cache, MANAGED_BY, key)
        endpoints = self.ctx.cache.get("Endpoints", key)
        if endpoints is None or not self._mirrored(endpoints, self.ctx.cache.get("Service", key)):
            slice_placement.write(self.ctx.client, slice_placement.Plan(delete=existing), {})
            return None
        template = {"metadata": self._metadata(endpoints), "addressType": "IPv4"}
        desired: dict[tuple, tuple[list, list]] = {}
        for subset in endpoints.get("subsets") or []:
            ports = [self._port(port) for port in subset.get("ports") or []]
            group = desired.setdefault(ports_key(ports), (ports, []))
            for field, ready in (("addresses", True), ("notReadyAddresses", False)):
                for address in subset.get(field) or []:
                    if ":" not in address.get("ip", "") and len(group[1]) < MAX_ENDPOINTS_PER_SUBSET:
                        group[1].append(self._endpoint(address, ready))
        groups = group_by_ports(existing)
        plan = slice_placement.Plan()
        for ports_of in sorted(set(groups) | set(desired)):
            ports, wanted = desired.get(ports_of, ([], []))
            slices = groups.get(ports_of, [])
            stale = any(not slice_placement.current(s, template) for s in slices)
            plan.add(slice_placement.place(slices, wanted, ports, MAX_ENDPOINTS_PER_SUBSET, relabel=stale))
        slice_placement.write(self.ctx.client, plan.finalize(), template)
        return None

    @staticmethod
    def _mirrored(endpoints: dict, service: dict | None) -> bool:
        """upstream shouldMirror: a selector-less Service's Endpoints, not marked to skip, not a leader lock."""
        labels = endpoints["metadata"].get("labels") or {}
        annotations = endpoints["metadata"].get("annotations") or {}
        if labels.get(SKIP_MIRROR_LABEL) == "true" or LEADER_ANNOTATION in annotations:
            return False
        return service is not None and not service["spec"].get("selector")

    @staticmethod
    def _metadata(endpoints: dict) -> dict:
        name = endpoints["metadata"]["name"]
        labels = {
            key: value
            for key, value in (endpoints["metadata"].get("labels") or {}).items()
            if key not in (SERVICE_NAME_LABEL, MANAGED_BY_LABEL)
        }
        labels[SERVICE_NAME_LABEL] = name
        labels[MANAGED_BY_LABEL] = MANAGED_BY
        annotations = {
            key: value
            for key, value in (endpoints["metadata"].get("annotations") or {}).items()
            if key not in SKIPPED_ANNOTATIONS
        }
        metadata = {
            "generateName": f"{name}-",
            "namespace": endpoints["metadata"]["namespace"],
            "labels": labels,
            "ownerReferences": [new_controller_ref(endpoints)],
        }
        if annotations:
            metadata["annotations"] = annotations
        return metadata

    @staticmethod
    def _port(port: dict) -> dict:
        mirrored = {"name": port.get("name", ""), "port": port["port"], "protocol": port.get("protocol", "TCP")}
        if port.get("appProtocol"):
            mirrored["appProtocol"] = port["appProtocol"]
        return mirrored

    @staticmethod
    def _endpoint(address: dict, ready: bool) -> dict:
        """upstream addressToEndpoint."""
        endpoint = {"addresses": [address["ip"]], "conditions": {"ready": ready}}
        if address.get("hostname"):
            endpoint["hostname"] = address["hostname"]
        if address.get("targetRef"):
            endpoint["targetRef"] = address["targetRef"]
        if address.get("nodeName"):
            endpoint["nodeName"] = address["nodeName"]
        return endpoint
