"""What becomes of a request once a node's rules have sent it to a pod's IP, and how long the client waits.

- the pod's node is powered off, or the pod (that IP) is gone: nothing answers, the client times out;
- the pod is there but its container is not running (exited after SIGTERM, crashed, still starting): the node
  answers the SYN with a reset, connection refused;
- the container runs but fails its readiness check (`kubelab.io/fail-probe: readiness`): the application itself is
  unhealthy and answers 503, which is why its probe fails;
- otherwise the request succeeds.
"""

from ..api.availability import powered_on
from ..nodes import faults

OK, REFUSED, TIMEOUT, ERROR, UNRESOLVED = "ok", "refused", "timeout", "error", "unresolved"
FAILURES = (REFUSED, TIMEOUT, ERROR, UNRESOLVED)
# The client's own patience (like `curl --max-time 2`): a lost SYN is otherwise retried for two minutes.
CLIENT_TIMEOUT_MS = 2000.0
SERVE_MS = 8.0  # the application's own response time
CROSS_NODE_MS = 0.5  # one more hop when the chosen pod runs on another node than the one the request entered
LOAD_BALANCER_MS = 1.5  # the cloud load balancer's hop
REFUSED_MS = 1.0  # a reset comes back at once
LATENCY_MS = {OK: SERVE_MS, ERROR: SERVE_MS, REFUSED: REFUSED_MS, TIMEOUT: CLIENT_TIMEOUT_MS, UNRESOLVED: REFUSED_MS}


def outcome(cache, endpoint) -> str:
    node = cache.get("Node", endpoint.node) if endpoint.node else None
    if node is None or not powered_on(node):
        return TIMEOUT
    pod = cache.get("Pod", endpoint.pod)
    status = (pod or {}).get("status") or {}
    if pod is None or status.get("podIP") != endpoint.ip:
        return TIMEOUT
    containers = status.get("containerStatuses") or []
    if not containers or not all("running" in (container.get("state") or {}) for container in containers):
        return REFUSED
    if "readiness" in faults.failing_probes(pod):
        return ERROR
    return OK


def latency_ms(result: str, cross_node: float, via_load_balancer: bool) -> float:
    """The mean time the client waits for one request with this result; `cross_node` is the share of such requests
    that entered another node than the chosen pod's (one more hop)."""
    if result == TIMEOUT:
        return CLIENT_TIMEOUT_MS
    return LATENCY_MS[result] + CROSS_NODE_MS * cross_node + (LOAD_BALANCER_MS if via_load_balancer else 0.0)
