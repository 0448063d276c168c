"""List columns computed from an object the way `kubectl get` prints them (pkg/printers/internalversion)."""

from cluster_engine.api.availability import POWER_ANNOTATION

CONTROL_PLANE_ROLE_PREFIX = "node-role.kubernetes.io/"


def condition(obj_status: dict | None, condition_type: str) -> dict | None:
    for found in (obj_status or {}).get("conditions") or []:
        if found.get("type") == condition_type:
            return found
    return None


def pod_ready(status: dict | None, spec: dict | None) -> str:
    statuses = (status or {}).get("containerStatuses") or []
    total = len((spec or {}).get("containers") or [])
    return f"{sum(1 for container in statuses if container.get('ready'))}/{total}"


def pod_restarts(status: dict | None) -> int:
    return sum(container.get("restartCount", 0) for container in (status or {}).get("containerStatuses") or [])


def pod_status(status: dict | None, terminating: bool) -> str:
    """kubectl's STATUS: a waiting or terminated container's reason beats the phase; a deleted pod is Terminating."""
    status = status or {}
    shown = status.get("reason") or status.get("phase") or "Unknown"
    for container in status.get("containerStatuses") or []:
        state = container.get("state") or {}
        if state.get("waiting", {}).get("reason"):
            shown = state["waiting"]["reason"]
        elif state.get("terminated", {}).get("reason"):
            shown = state["terminated"]["reason"]
    return "Terminating" if terminating else shown


def node_status(spec: dict | None, status: dict | None) -> str:
    """Ready, NotReady (False or Unknown) or Unknown (no condition yet), plus SchedulingDisabled when cordoned."""
    ready = condition(status, "Ready")
    shown = "Unknown" if ready is None else "Ready" if ready.get("status") == "True" else "NotReady"
    return f"{shown},SchedulingDisabled" if (spec or {}).get("unschedulable") else shown


def node_roles(labels: dict | None) -> str:
    roles = sorted(
        key.removeprefix(CONTROL_PLANE_ROLE_PREFIX) for key in labels or {} if key.startswith(CONTROL_PLANE_ROLE_PREFIX)
    )
    roles = [role for role in roles if role]
    return ",".join(roles) or "<none>"


def node_power(annotations: dict | None) -> str:
    return (annotations or {}).get(POWER_ANNOTATION, "on")


def taints(spec: dict | None) -> str:
    rendered = []
    for taint in (spec or {}).get("taints") or []:
        value = f"={taint['value']}" if taint.get("value") else ""
        rendered.append(f"{taint['key']}{value}:{taint.get('effect', '')}")
    return ", ".join(rendered) or "<none>"


def service_ports(spec: dict | None) -> str:
    ports = []
    for port in (spec or {}).get("ports") or []:
        node_port = f":{port['nodePort']}" if port.get("nodePort") else ""
        ports.append(f"{port['port']}{node_port}/{port.get('protocol', 'TCP')}")
    return ",".join(ports) or "<none>"


def external_ip(spec: dict | None, status: dict | None) -> str:
    ingress = ((status or {}).get("loadBalancer") or {}).get("ingress") or []
    addresses = [entry.get("ip") or entry.get("hostname") for entry in ingress]
    addresses += (spec or {}).get("externalIPs") or []
    if addresses:
        return ",".join(addresses)
    return "<pending>" if (spec or {}).get("type") == "LoadBalancer" else "<none>"


def endpoint_addresses(subsets: list | None) -> str:
    """kubectl prints at most three endpoints and then "+ N more..."."""
    found = []
    for subset in subsets or []:
        for address in subset.get("addresses") or []:
            for port in subset.get("ports") or [{}]:
                found.append(f"{address['ip']}:{port['port']}" if port.get("port") else address["ip"])
    if not found:
        return "<none>"
    shown = ",".join(found[:3])
    return f"{shown} + {len(found) - 3} more..." if len(found) > 3 else shown
