"""Building blocks for controller tests: a namespace to work in, workloads, and pod status the kubelet would write."""

import copy

from cluster_engine.simulation import Simulation


def namespace(name: str = "default") -> list[dict]:
    """A namespace with its default service account (pod admission requires one)."""
    return [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}},
        {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": name}},
    ]


def template(labels: dict, image: str = "nginx:1.27") -> dict:
    return {
        "metadata": {"labels": dict(labels)},
        "spec": {"containers": [{"name": "web", "image": image, "ports": [{"name": "http", "containerPort": 8080}]}]},
    }


def replica_set(name: str = "web", replicas: int = 3, labels: dict | None = None, **spec) -> dict:
    labels = labels or {"app": name}
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"replicas": replicas, "selector": {"matchLabels": labels}, "template": template(labels), **spec},
    }


def deployment(name: str = "web", replicas: int = 3, image: str = "nginx:1.27", **spec) -> dict:
    labels = {"app": name}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": template(labels, image),
            **spec,
        },
    }


def simulation(components: list[type], objects: list[dict] = (), seed: int = 1) -> Simulation:
    sim = Simulation(seed=seed, components=components)
    sim.apply(namespace() + list(objects))
    sim.start()
    return sim


def set_pod_status(
    sim: Simulation, pod: dict, phase: str = "Running", ready: bool = True, ip: str | None = None, restarts: int = 0
) -> dict:
    """Write the status a kubelet reports: phase, Ready condition (moving its time only on change), IP, restarts."""
    current = sim.operator.get("Pod", pod["metadata"]["namespace"], pod["metadata"]["name"])
    status = copy.deepcopy(current.get("status") or {})
    status["phase"] = phase
    conditions = [c for c in status.get("conditions") or [] if c["type"] != "Ready"]
    previous = next((c for c in status.get("conditions") or [] if c["type"] == "Ready"), None)
    value = "True" if ready else "False"
    since = previous["lastTransitionTime"] if previous and previous["status"] == value else sim.clock.timestamp()
    conditions.append({"type": "Ready", "status": value, "lastTransitionTime": since, "lastProbeTime": None})
    status["conditions"] = conditions
    if ip:
        status["podIP"] = ip
        status["podIPs"] = [{"ip": ip}]
    status["containerStatuses"] = [
        {"name": "web", "ready": ready, "restartCount": restarts, "image": "nginx:1.27", "imageID": ""}
    ]
    return sim.operator.update("Pod", {**current, "status": status}, subresource="status")


def pods(sim: Simulation, active_only: bool = True) -> list[dict]:
    found = sim.objects("Pod", "default")
    if active_only:
        found = [pod for pod in found if not pod["metadata"].get("deletionTimestamp")]
    return sorted(found, key=lambda pod: pod["metadata"]["name"])


def events(sim: Simulation, reason: str | None = None) -> list[tuple[str, str]]:
    """(reason, message) of every Event, oldest first."""
    found = sorted(sim.objects("Event"), key=lambda event: int(event["metadata"]["resourceVersion"]))
    return [(e["reason"], e["message"]) for e in found if reason is None or e["reason"] == reason]


def ready_all(sim: Simulation) -> None:
    """Report every active pod that is not yet ready as Running and Ready (what its kubelet would do)."""
    for pod in pods(sim):
        if not any(c["type"] == "Ready" and c["status"] == "True" for c in pod["status"].get("conditions") or []):
            set_pod_status(sim, pod)


def roll(sim: Simulation, seconds: int = 60) -> None:
    """Let a rollout proceed: pods become ready one simulated second after they appear."""
    for _ in range(seconds):
        ready_all(sim)
        sim.run_for(1)


def set_image(sim: Simulation, image: str, name: str = "web") -> None:
    patch = {"spec": {"template": {"spec": {"containers": [{"name": "web", "image": image}]}}}}
    sim.operator.patch("Deployment", "default", name, patch, "strategic")


def replication_controller(name: str = "web", replicas: int = 3, labels: dict | None = None, **spec) -> dict:
    labels = labels or {"app": name}
    return {
        "apiVersion": "v1",
        "kind": "ReplicationController",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"replicas": replicas, "selector": dict(labels), "template": template(labels), **spec},
    }
