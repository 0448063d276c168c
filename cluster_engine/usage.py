"""Simulated resource usage of pods and nodes: what metrics-server would report, from a small deterministic model.

Nothing real runs in a simulated container, so its CPU use is made up, the same way every time:
- every container of a Running pod idles at `IDLE_MILLICORES`;
- a load set on a Deployment or a Service with the annotation `kubelab.io/cpu-load` (a CPU quantity, e.g. `"900m"`)
  is the work its clients ask for; it is shared equally by the ready pods it selects (a Deployment: the pods its
  selector matches; a Service: the pods behind it), and within a pod equally by its containers;
- any other model (simulated traffic) adds per-pod demand as one more entry of `DEMAND_SOURCES`: a pure function
  of the cluster's objects, `source(list_objects, namespace) -> {"namespace/pod": millicores}`, so the metrics API
  (in any web process) and the autoscaler (in the control-plane worker) compute the same numbers from the same
  objects;
- a container never uses more than its CPU limit.
So with `kubelab.io/cpu-load: "900m"` on a Deployment of three ready pods each pod uses 300m plus its idle use, and
a fourth ready pod brings each down to 225m: exactly what a HorizontalPodAutoscaler needs to settle.

Memory is the container's memory request, or `IDLE_MEMORY` without one. A node uses the sum of its Running pods
plus what its own system daemons take (`NODE_SYSTEM_*`).
"""

from collections.abc import Callable

from .api.labels import selector_matches
from .api.quantity import cpu_millis, to_int

LOAD_ANNOTATION = "kubelab.io/cpu-load"
IDLE_MILLICORES = 2
IDLE_MEMORY = 8 * 2**20
# an AKS node's kubelet, container runtime and system pods, roughly
NODE_SYSTEM_MILLICORES = 80
NODE_SYSTEM_MEMORY = 700 * 2**20

# list_objects(kind, namespace) -> objects, as the control plane's cache or the API server answers it
Lister = Callable[[str, str | None], list[dict]]


def _running(pod: dict) -> bool:
    return (pod.get("status") or {}).get("phase") == "Running" and bool(pod["spec"].get("nodeName"))


def _ready(pod: dict) -> bool:
    conditions = (pod.get("status") or {}).get("conditions") or []
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)


def _load(obj: dict) -> int:
    value = (obj["metadata"].get("annotations") or {}).get(LOAD_ANNOTATION)
    if value is None:
        return 0
    try:
        return max(cpu_millis(value), 0)
    except ValueError:
        return 0  # a malformed load is no load; the annotation is the instructor's, not the API's, to check


def annotated_load(list_objects: Lister, namespace: str | None) -> dict[str, float]:
    """Millicores of demand per pod key from `kubelab.io/cpu-load`, shared over the ready pods each load selects."""
    demand: dict[str, float] = {}
    for kind in ("Deployment", "Service"):
        for owner in list_objects(kind, namespace):
            load = _load(owner)
            if not load:
                continue
            selector = owner["spec"].get("selector")
            if kind == "Service":
                selector = {"matchLabels": selector} if selector else None
            if not selector:
                continue
            pods = [
                pod
                for pod in list_objects("Pod", owner["metadata"]["namespace"])
                if _running(pod) and _ready(pod) and selector_matches(selector, pod["metadata"].get("labels"))
            ]
            for pod in pods:
                key = f"{pod['metadata']['namespace']}/{pod['metadata']['name']}"
                demand[key] = demand.get(key, 0) + load / len(pods)
    return demand


# Where pods' CPU demand comes from, each a pure function of the objects (see the module's docstring).
DEMAND_SOURCES: tuple[Callable[[Lister, str | None], dict[str, float]], ...] = (annotated_load,)


def _demand(list_objects: Lister, namespace: str | None) -> dict[str, float]:
    demand: dict[str, float] = {}
    for source in DEMAND_SOURCES:
        for key, millicores in source(list_objects, namespace).items():
            demand[key] = demand.get(key, 0) + millicores
    return demand


def container_usage(list_objects: Lister, namespace: str | None = None) -> dict[str, dict[str, tuple[int, int]]]:
    """`namespace/pod` → container name → (millicores, bytes), for every Running pod (in one namespace, or all)."""
    demand = _demand(list_objects, namespace)
    usage = {}
    for pod in list_objects("Pod", namespace):
        if not _running(pod):
            continue
        key = f"{pod['metadata']['namespace']}/{pod['metadata']['name']}"
        containers = pod["spec"].get("containers") or []
        share = demand.get(key, 0) / max(len(containers), 1)
        usage[key] = {}
        for container in containers:
            resources = container.get("resources") or {}
            cpu = IDLE_MILLICORES + share
            limit = (resources.get("limits") or {}).get("cpu")
            if limit is not None:
                cpu = min(cpu, cpu_millis(limit))
            memory = (resources.get("requests") or {}).get("memory")
            usage[key][container["name"]] = (round(cpu), to_int(memory) if memory is not None else IDLE_MEMORY)
    return usage


def node_usage(list_objects: Lister) -> dict[str, tuple[int, int]]:
    """Node name → (millicores, bytes): its Running pods plus its system daemons; powered-off nodes report none."""
    by_pod = container_usage(list_objects, None)
    totals = {}
    for node in list_objects("Node", None):
        if (node["metadata"].get("annotations") or {}).get("kubelab.io/power") == "off":
            continue
        totals[node["metadata"]["name"]] = [NODE_SYSTEM_MILLICORES, NODE_SYSTEM_MEMORY]
    for pod in list_objects("Pod", None):
        node = totals.get(pod["spec"].get("nodeName") or "")
        key = f"{pod['metadata']['namespace']}/{pod['metadata']['name']}"
        if node is None or key not in by_pod:
            continue
        for cpu, memory in by_pod[key].values():
            node[0] += cpu
            node[1] += memory
    return {name: (cpu, memory) for name, (cpu, memory) in totals.items()}
