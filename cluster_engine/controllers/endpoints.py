"""The Endpoints controller: for each Service with a selector, the pod addresses traffic can go to.

Ready, non-terminating pods with an IP are `addresses`; the others are `notReadyAddresses` (unless the Service
publishes not-ready addresses, which lists them all as ready). Each Service port resolves its targetPort against
the pod: a number as is, a name through the pod's container port of that name and protocol (upstream FindPort).
Subsets are repacked so pods exposing the same ports share one subset, addresses sorted by IP, as upstream does.
"""

from ..api.errors import ApiError
from ..runtime.component import Controller
from .service_pods import conditions, find_port, pod_reference, selects, services_selecting, should_be_in_endpoints

COMPONENT = "endpoint-controller"


class EndpointsController(Controller):
    name = COMPONENT
    leader_of = "kube-controller-manager"
    primary_kind = "Service"
    resync_period = 30.0

    def start(self) -> None:
        self.watch("Service")
        self.watch("Endpoints")
        self.watch("Pod", lambda pod: services_selecting(self.ctx.cache, pod))
        super().start()

    def reconcile(self, key: str) -> float | None:
        namespace, _, name = key.partition("/")
        service = self.ctx.cache.get("Service", key)
        current = self.ctx.cache.get("Endpoints", key)
        if service is None:
            if current is not None:
                self._delete(namespace, name)
            return None
        if service["spec"].get("selector") is None:
            return None  # endpoints of a selector-less Service are written by hand, not by us
        subsets = self._subsets(service)
        labels = dict(service["metadata"].get("labels") or {})
        if service["spec"].get("clusterIP") == "None":
            labels["service.kubernetes.io/headless"] = ""
        if current is None:
            endpoints = {
                "apiVersion": "v1",
                "kind": "Endpoints",
                "metadata": {"name": name, "namespace": namespace, "labels": labels},
                "subsets": subsets,
            }
            self.ctx.client.create("Endpoints", endpoints)
        elif current.get("subsets", []) != subsets or (current["metadata"].get("labels") or {}) != labels:
            updated = {**current, "metadata": {**current["metadata"], "labels": labels}, "subsets": subsets}
            self.ctx.client.update("Endpoints", updated)
        return None

    def _subsets(self, service: dict) -> list[dict]:
        publish_not_ready = bool(service["spec"].get("publishNotReadyAddresses"))
        entries = []  # (ports tuple, ready?, address)
        for pod in self.ctx.cache.list("Pod", service["metadata"]["namespace"]):
            if not selects(service, pod["metadata"].get("labels") or {}):
                continue
            if not should_be_in_endpoints(pod, publish_not_ready):
                continue
            address = {
                "ip": pod["status"]["podIP"],
                "nodeName": pod["spec"].get("nodeName"),
                "targetRef": pod_reference(pod),
            }
            if not address["nodeName"]:
                del address["nodeName"]
            ready = conditions(service, pod)["ready"]
            ports = []
            for service_port in service["spec"].get("ports") or []:
                number = find_port(pod, service_port)
                if number is not None:
                    ports.append(_endpoint_port(service_port, number))
            if ports or not service["spec"].get("ports"):
                frozen = tuple(tuple(sorted(port.items())) for port in sorted(ports, key=_port_key))
                entries.append((frozen, ready, address))
        return _repack(entries)

    def _delete(self, namespace: str, name: str) -> None:
        try:
            self.ctx.client.delete("Endpoints", namespace, name)
        except ApiError as error:
            if error.code != 404:
                raise


def _endpoint_port(service_port: dict, number: int) -> dict:
    port = {"port": number, "protocol": service_port.get("protocol", "TCP")}
    if service_port.get("name"):
        port = {"name": service_port["name"], **port}
    if service_port.get("appProtocol"):
        port["appProtocol"] = service_port["appProtocol"]
    return port


def _ordered_port(port: dict) -> dict:
    """Fields in the order upstream prints them: name, port, protocol, appProtocol."""
    order = ("name", "port", "protocol", "appProtocol")
    return {field: port[field] for field in order if field in port}


def _port_key(port: dict) -> tuple:
    return (port.get("name", ""), port["port"], port["protocol"])


def _repack(entries: list[tuple]) -> list[dict]:
    """upstream RepackSubsets: one subset per distinct port set, addresses sorted by IP then pod uid."""
    groups: dict[tuple, dict[str, list]] = {}
    for frozen, ready, address in entries:
        group = groups.setdefault(frozen, {"addresses": [], "notReadyAddresses": []})
        group["addresses" if ready else "notReadyAddresses"].append(address)
    subsets = []
    for frozen, group in sorted(groups.items(), key=lambda item: [_port_key(dict(port)) for port in item[0]]):
        subset = {}
        for field in ("addresses", "notReadyAddresses"):
            if group[field]:
                subset[field] = sorted(group[field], key=lambda a: (a["ip"], a["targetRef"]["uid"]))
        if frozen:
            subset["ports"] = [_ordered_port(dict(port)) for port in frozen]
        subsets.append(subset)
    return subsets
