"""The EndpointSlice controller (pkg/controller/endpointslice): a Service's pods as discovery.k8s.io/v1 slices.

Beside the Endpoints controller, for every Service with a selector: each pod that should be in endpoints (has an
IP, not finished; terminating pods stay, marked) becomes an endpoint with its conditions (serving = the pod is
Ready; terminating = it is being deleted; ready = serving and not terminating, or every pod when the Service
publishes not-ready addresses), its node, the node's zone and a reference to the pod. Pods exposing the same
ports share slices of at most 100 endpoints, named `<service>-<random>` and owned by the Service; a Service with no
endpoints keeps one empty placeholder slice, as upstream.
"""

from ..runtime.component import Controller
from . import slice_placement
from .owners import new_controller_ref
from .service_pods import conditions, find_port, pod_reference, selects, services_selecting, should_be_in_endpoints

COMPONENT = "endpointslice-controller"
# upstream: discovery.LabelServiceName, discovery.LabelManagedBy and the controller's name (controllerName)
SERVICE_NAME_LABEL = "kubernetes.io/service-name"
MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by"
MANAGED_BY = "endpointslice-controller.k8s.io"
HEADLESS_LABEL = "service.kubernetes.io/headless"
ZONE_LABEL = "topology.kubernetes.io/zone"
SLICES_BY_SERVICE = "endpointslice:service"


def slices_index(slice_: dict) -> list[str]:
    """Index value `<managed-by>/<namespace>/<service>` of a slice, for each controller to find its own."""
    labels = slice_["metadata"].get("labels") or {}
    service = labels.get(SERVICE_NAME_LABEL)
    if service is None:
        return []
    return [f"{labels.get(MANAGED_BY_LABEL, '')}/{slice_['metadata']['namespace']}/{service}"]


def owned_slices(cache, managed_by: str, key: str) -> list[dict]:
    """The slices `managed_by` keeps for the service `key` (the index is added by the controller's start)."""
    found = cache.informer("EndpointSlice").by_index(SLICES_BY_SERVICE, f"{managed_by}/{key}")
    return sorted(found, key=lambda s: s["metadata"]["name"])


def group_by_ports(slices: list[dict]) -> dict[tuple, list[dict]]:
    groups: dict[tuple, list[dict]] = {}
    for slice_ in slices:
        groups.setdefault(ports_key(slice_.get("ports") or []), []).append(slice_)
    return groups


def ports_key(ports: list[dict]) -> tuple:
    return tuple(sorted(tuple(sorted(port.items())) for port in ports))


def reconcile_slices(client, existing: list[dict], desired: dict[tuple, tuple[list, list]], template: dict) -> None:
    """Make a service's slices hold `desired` (ports key → (ports, endpoints)), keeping a placeholder when empty."""
    groups = group_by_ports(existing)
    plan = slice_placement.Plan()
    for key in sorted(set(groups) | set(desired)):
        ports, endpoints = desired.get(key, ([], []))
        stale = [s for s in groups.get(key, []) if not slice_placement.current(s, template)]
        plan.add(
            slice_placement.place(
                groups.get(key, []), endpoints, ports, slice_placement.MAX_ENDPOINTS_PER_SLICE, relabel=bool(stale)
            )
        )
    if not any(endpoints for _, endpoints in desired.values()) and not plan.create:
        placeholder = next(
            (s for s in plan.delete if not s.get("ports") and slice_placement.current(s, template)), None
        )
        if placeholder is not None:
            plan.delete.remove(placeholder)  # upstream keeps an existing placeholder rather than replace it
        elif len(plan.delete) == len(existing):
            plan.create.append(([], []))
    slice_placement.write(client, plan.finalize(), template)


class EndpointSliceController(Controller):
    name = COMPONENT
    leader_of = "kube-controller-manager"
    primary_kind = "Service"
    resync_period = 30.0

    def start(self) -> None:
        self.watch("Service")
        self.watch("Pod", lambda pod: services_selecting(self.ctx.cache, pod))
        self.ctx.cache.informer("EndpointSlice").add_index(SLICES_BY_SERVICE, slices_index)
        self.watch("EndpointSlice", self._owner_of)
        super().start()

    def _owner_of(self, slice_: dict) -> list[str]:
        labels = slice_["metadata"].get("labels") or {}
        if labels.get(MANAGED_BY_LABEL) != MANAGED_BY or SERVICE_NAME_LABEL not in labels:
            return []
        return [f"{slice_['metadata']['namespace']}/{labels[SERVICE_NAME_LABEL]}"]

    def reconcile(self, key: str) -> float | None:
        service = self.ctx.cache.get("Service", key)
        existing = owned_slices(self.ctx.cache, MANAGED_BY, key)
        if service is None or service["metadata"].get("deletionTimestamp"):
            return None  # the garbage collector removes slices the Service owned
        if service["spec"].get("selector") is None:
            # upstream: slices of a selector-less Service are the mirroring controller's (or the user's) business
            return None
        template = {"metadata": self._metadata(service), "addressType": "IPv4"}
        reconcile_slices(self.ctx.client, existing, self._desired(service), template)
        return None

    def _metadata(self, service: dict) -> dict:
        """upstream setEndpointSliceLabels: the Service's labels, plus who the slice is for and who manages it."""
        name = service["metadata"]["name"]
        labels = {
            key: value
            for key, value in (service["metadata"].get("labels") or {}).items()
            if key not in (SERVICE_NAME_LABEL, MANAGED_BY_LABEL)
        }
        if service["spec"].get("clusterIP") == "None":
            labels[HEADLESS_LABEL] = ""
        labels[SERVICE_NAME_LABEL] = name
        labels[MANAGED_BY_LABEL] = MANAGED_BY
        return {
            "generateName": f"{name}-",
            "namespace": service["metadata"]["namespace"],
            "labels": labels,
            "ownerReferences": [new_controller_ref(service)],
        }

    def _desired(self, service: dict) -> dict[tuple, tuple[list, list]]:
        """Ports key → (the ports, the endpoints of pods exposing exactly those ports), pods in name order."""
        desired: dict[tuple, tuple[list, list]] = {}
        pods = self.ctx.cache.list("Pod", service["metadata"]["namespace"])
        for pod in sorted(pods, key=lambda p: p["metadata"]["name"]):
            if not selects(service, pod["metadata"].get("labels") or {}):
                continue
            if not should_be_in_endpoints(pod, include_terminating=True):
                continue
            if ":" in pod["status"]["podIP"]:
                continue  # an IPv6 pod belongs in an IPv6 slice; the simulated cluster is IPv4 only
            ports = self._ports(service, pod)
            group = desired.setdefault(ports_key(ports), (ports, []))
            group[1].append(self._endpoint(service, pod))
        return desired

    @staticmethod
    def _ports(service: dict, pod: dict) -> list[dict]:
        """upstream getEndpointPorts: each service port resolved on the pod; its name always set, maybe empty."""
        ports = []
        for service_port in service["spec"].get("ports") or []:
            number = find_port(pod, service_port)
            if number is None:
                continue
            port = {
                "name": service_port.get("name", ""),
                "port": number,
                "protocol": service_port.get("protocol", "TCP"),
            }
            if service_port.get("appProtocol"):
                port["appProtocol"] = service_port["appProtocol"]
            ports.append(port)
        return ports

    def _endpoint(self, service: dict, pod: dict) -> dict:
        """upstream podToEndpoint."""
        endpoint = {"addresses": [pod["status"]["podIP"]], "conditions": conditions(service, pod)}
        spec = pod["spec"]
        if spec.get("hostname") and spec.get("subdomain") == service["metadata"]["name"]:
            endpoint["hostname"] = spec["hostname"]
        endpoint["targetRef"] = pod_reference(pod)
        node_name = spec.get("nodeName")
        if node_name:
            endpoint["nodeName"] = node_name
            node = self.ctx.cache.get("Node", node_name)
            zone = ((node or {}).get("metadata", {}).get("labels") or {}).get(ZONE_LABEL)
            if zone:
                endpoint["zone"] = zone
        return endpoint
