"""Small clusters for the node tests: namespaces, a default service account, nodes, pods bound by hand."""

from cluster_engine.scenarios import node_manifest
from cluster_engine.simulation import Simulation

NAMESPACES = ("default", "kube-system", "kube-node-lease")


def base_objects(workers: int = 1, zones: list[int] | None = None) -> list[dict]:
    objects = [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}} for name in NAMESPACES]
    objects.append(
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": "default"}}
    )
    for index in range(workers):
        zone = zones[index] if zones else 1
        objects.append(node_manifest(f"worker-{index + 1}", index + 1, zone=zone))
    return objects


def cluster(components: list[type], workers: int = 1, seed: int = 1, zones: list[int] | None = None) -> Simulation:
    sim = Simulation(seed=seed, components=components)
    sim.apply(base_objects(workers, zones))
    sim.start()
    return sim


def pod_manifest(name: str, image: str = "nginx:1.27", annotations: dict | None = None, **spec) -> dict:
    container = {"name": spec.pop("container_name", "nginx"), "image": image}
    for probe in ("readinessProbe", "livenessProbe"):
        if probe in spec:
            container[probe] = spec.pop(probe)
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "default", "annotations": annotations or {}},
        "spec": {"containers": [container], **spec},
    }


def run_pod(sim: Simulation, manifest: dict, node: str = "worker-1") -> dict:
    """Create a pod and bind it the way the scheduler would; the kubelet admits it at once."""
    sim.operator.create("Pod", manifest)
    sim.server.bind("default", manifest["metadata"]["name"], node)
    sim.run_for(0)
    return sim.get("Pod", f"default/{manifest['metadata']['name']}")


def annotate(sim: Simulation, kind: str, key: str, annotations: dict) -> dict:
    namespace, _, name = key.rpartition("/")
    return sim.operator.patch(kind, namespace or None, name, {"metadata": {"annotations": annotations}})


def step_until(sim: Simulation, predicate, limit: float = 3600.0) -> float:
    """Advance to the first simulated instant at which `predicate()` holds; returns that time."""
    sim.run_for(0)  # settle what was just written before asking when the next thing happens
    while not predicate():
        due = sim.step()
        assert due is not None and due <= limit, "nothing left to happen before the condition held"
    return sim.now


def container_status(sim: Simulation, pod: str, container: str = "nginx") -> dict:
    found = sim.get("Pod", f"default/{pod}")
    return next(item for item in found["status"]["containerStatuses"] if item["name"] == container)


def condition(obj: dict, condition_type: str) -> dict | None:
    return next((item for item in obj["status"].get("conditions") or [] if item["type"] == condition_type), None)


def events(sim: Simulation, reason: str, name: str | None = None) -> list[dict]:
    return [
        event
        for event in sim.objects("Event")
        if event["reason"] == reason and (name is None or event["involvedObject"]["name"] == name)
    ]
