"""Table cells of EndpointSlices and HorizontalPodAutoscalers, as upstream's printEndpointSlice and
printHorizontalPodAutoscaler (pkg/printers/internalversion/printers.go) fill them; `tables` adds name and age."""

from cluster_engine.openapi import definitions

UNSET = "<unset>"


def _doc(definition: str, field: str) -> str:
    return definitions()[definition]["properties"][field].get("description", "")


def _column(name: str, definition: str, field: str) -> dict:
    """upstream describes these columns with the API fields' own documentation (SwaggerDoc)."""
    return {"name": name, "type": "string", "format": "", "description": _doc(definition, field), "priority": 0}


def list_with_more(items: list[str], count: int, limit: int) -> str:
    """upstream listWithMoreString."""
    text = ",".join(items)
    if count > limit:
        return f"{text} + {count - limit} more..."
    return text or UNSET


# ---- EndpointSlice -------------------------------------------------------------------------------------------
_SLICE = "io.k8s.api.discovery.v1.EndpointSlice"
ENDPOINT_SLICE_COLUMNS = [
    _column("AddressType", _SLICE, "addressType"),
    _column("Ports", _SLICE, "ports"),
    _column("Endpoints", _SLICE, "endpoints"),
]


def discovery_ports(slice_: dict) -> str:
    """formatDiscoveryPorts: up to three port numbers (a name, or "*", when unset)."""
    ports = slice_.get("ports") or []
    shown = [str(port.get("port") or port.get("name") or "*") for port in ports[:3]]
    return list_with_more(shown, len(ports), 3)


def discovery_endpoints(slice_: dict) -> str:
    """formatDiscoveryEndpoints: up to three addresses over all endpoints."""
    addresses = [address for endpoint in slice_.get("endpoints") or [] for address in endpoint.get("addresses") or []]
    return list_with_more(addresses[:3], len(addresses), 3)


ENDPOINT_SLICE_CELLS = (lambda s: s.get("addressType", ""), discovery_ports, discovery_endpoints)


# ---- HorizontalPodAutoscaler ---------------------------------------------------------------------------------
_HPA_SPEC = "io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec"
_HPA_STATUS = "io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus"
HPA_COLUMNS = [
    _column("Reference", _HPA_SPEC, "scaleTargetRef"),
    _column("Targets", _HPA_SPEC, "metrics"),
    _column("MinPods", _HPA_SPEC, "minReplicas"),
    _column("MaxPods", _HPA_SPEC, "maxReplicas"),
    _column("Replicas", _HPA_STATUS, "currentReplicas"),
]


def hpa_reference(hpa: dict) -> str:
    ref = hpa["spec"].get("scaleTargetRef") or {}
    return f"{ref.get('kind', '')}/{ref.get('name', '')}"


def hpa_metrics(hpa: dict) -> str:
    """formatHPAMetrics for resource metrics: `cpu: 40%/50%`, `<unknown>` until a value is measured; at most two
    listed, then " + N more..."."""
    specs = hpa["spec"].get("metrics") or []
    if not specs:
        return "<none>"
    statuses = (hpa.get("status") or {}).get("currentMetrics") or []
    shown = []
    for index, spec in enumerate(specs[:2]):
        status = statuses[index] if index < len(statuses) else {}
        shown.append(_metric_text(spec, status))
    return list_with_more(shown, len(specs), 2).replace(",", ", ")


def _metric_text(spec: dict, status: dict) -> str:
    source = spec.get("resource") or spec.get("containerResource")
    if source is None:
        return "<unknown>/<unknown>"
    name, target = source.get("name", ""), source.get("target") or {}
    current = (status.get("resource") or status.get("containerResource") or {}).get("current") or {}
    if target.get("averageValue") is not None:
        return f"{name}: {current.get('averageValue', '<unknown>')}/{target['averageValue']}"
    now = f"{current['averageUtilization']}%" if current.get("averageUtilization") is not None else "<unknown>"
    goal = f"{target['averageUtilization']}%" if target.get("averageUtilization") is not None else "<auto>"
    return f"{name}: {now}/{goal}"


HPA_CELLS = (
    hpa_reference,
    hpa_metrics,
    lambda hpa: str(hpa["spec"]["minReplicas"]) if hpa["spec"].get("minReplicas") is not None else UNSET,
    lambda hpa: str(hpa["spec"].get("maxReplicas", 0)),
    lambda hpa: str((hpa.get("status") or {}).get("currentReplicas", 0)),
)
