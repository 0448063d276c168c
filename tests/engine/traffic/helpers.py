"""A demo cluster (three workers, web with three replicas behind a LoadBalancer Service) with a traffic client."""

from cluster_engine.scenarios import demo_objects
from cluster_engine.simulation import Simulation
from cluster_engine.traffic.clients import client_configmap
from cluster_engine.traffic.component import Traffic

SETTLED = 60.0  # the demo's pods are running and ready, its load balancer has an address


def cluster(seed: int = 1, rate: int = 100, via: str = "ClusterIP", service: str = "web") -> tuple[Simulation, Traffic]:
    sim = Simulation(seed=seed)
    sim.apply(demo_objects())
    sim.start()
    sim.run_for(SETTLED)
    sim.apply([client_configmap("default", service, rate, via)])
    traffic = next(component for component in sim.control_plane.components if isinstance(component, Traffic))
    return sim, traffic


def seconds(traffic: Traffic, start: float, end: float) -> list[dict]:
    """The meter's summary of every ended second in [start, end) (the one client's)."""
    run = next(iter(traffic.runs.values()))
    return [second.summary() for second in run.meter.seconds if start <= second.at < end]


def web_pods(sim: Simulation) -> list[dict]:
    return [pod for pod in sim.objects("Pod", "default") if pod["metadata"]["labels"].get("app") == "web"]


def power_off(sim: Simulation, node: str) -> None:
    sim.operator.patch("Node", None, node, {"metadata": {"annotations": {"kubelab.io/power": "off"}}})


def ready_since(pod: dict) -> tuple[str, str] | None:
    for condition in (pod.get("status") or {}).get("conditions") or []:
        if condition["type"] == "Ready":
            return condition["status"], condition.get("lastTransitionTime", "")
    return None


def record(sim: Simulation, traffic: Traffic, duration: float) -> list[dict]:
    """Run `duration` simulated seconds, one at a time: the meter's summary of each second that started and ended."""
    run = next(iter(traffic.runs.values()))
    start = int(sim.now)
    summaries = {}
    for _ in range(int(duration)):
        sim.run_for(1)
        for second in run.meter.seconds:
            if start <= second.at < int(sim.now):
                summaries[second.at] = second.summary()
    return [summaries[at] for at in sorted(summaries)]


def failures(summaries: list[dict]) -> dict[int, dict]:
    return {summary["at"]: summary["failed"] for summary in summaries if summary["failed"]}
