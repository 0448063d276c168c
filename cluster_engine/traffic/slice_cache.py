"""What kube-proxy makes of a Service's EndpointSlices (pkg/proxy/endpointslicecache.go and topology.go).

kube-proxy reads EndpointSlices, not Endpoints: it merges every slice labelled `kubernetes.io/service-name` for a
Service, keeps only endpoints listed under a valid port, counts an address once however many slices list it, and
reads the conditions the way the API defines their absence (ready and serving when unset, not terminating when
unset). It then balances over the ready endpoints; when none is ready anywhere it falls back to the endpoints that
are still serving while they terminate (upstream's ProxyTerminatingEndpoints, GA since 1.28), so a Service whose
last pods are draining keeps answering instead of refusing connections.

Only endpoints backed by a pod are kept: the simulation can tell how a pod answers, not an address someone typed.
Topology hints are not read: the endpointslice controller here never writes any, which upstream treats the same as
having none (topologyModeFromHints returns "").
"""

from typing import NamedTuple

SERVICE_NAME_LABEL = "kubernetes.io/service-name"  # discovery.LabelServiceName


class Endpoint(NamedTuple):
    ip: str
    pod: str  # namespace/name of the pod behind it
    node: str  # the node the pod runs on


class SliceEndpoint(NamedTuple):
    """upstream endpointInfo: an address and its conditions as kube-proxy caches them."""

    endpoint: Endpoint
    ready: bool
    serving: bool
    terminating: bool


def endpoints_by_service(slices: list[dict]) -> dict[str, list[SliceEndpoint]]:
    """Service key → its endpoints merged over all its slices, one per address, in address order."""
    merged: dict[str, dict[str, SliceEndpoint]] = {}
    for slice_ in slices:
        metadata = slice_["metadata"]
        service = (metadata.get("labels") or {}).get(SERVICE_NAME_LABEL)
        if not service:
            continue  # upstream endpointSliceCacheKeys: a slice without the label belongs to no Service
        namespace = metadata.get("namespace", "default")
        found = merged.setdefault(f"{namespace}/{service}", {})
        if not any(port.get("port") for port in slice_.get("ports") or []):
            continue  # upstream endpointInfoByServicePort: endpoints count only under a valid port
        for entry in slice_.get("endpoints") or []:
            info = _endpoint_info(entry, namespace)
            if info is not None:
                found.setdefault(info.endpoint.ip, info)
    return {key: [found[ip] for ip in sorted(found)] for key, found in merged.items()}


def usable(endpoints: list[SliceEndpoint]) -> tuple[Endpoint, ...]:
    """upstream CategorizeEndpoints for a Cluster traffic policy: the ready endpoints, else the serving terminating
    ones."""
    chosen = [info.endpoint for info in endpoints if info.ready]
    if not chosen:
        chosen = [info.endpoint for info in endpoints if info.serving and info.terminating]
    return tuple(chosen)


def _endpoint_info(entry: dict, namespace: str) -> SliceEndpoint | None:
    addresses = entry.get("addresses") or []
    target = entry.get("targetRef") or {}
    if not addresses or target.get("kind") != "Pod":
        return None
    conditions = entry.get("conditions") or {}
    endpoint = Endpoint(
        addresses[0], f"{target.get('namespace', namespace)}/{target['name']}", entry.get("nodeName", "")
    )
    return SliceEndpoint(
        endpoint,
        ready=conditions.get("ready") is not False,
        serving=conditions.get("serving") is not False,
        terminating=conditions.get("terminating") is True,
    )
