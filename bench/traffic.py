"""Service traffic: what a simulated second of 1,000 requests across 100 endpoints costs.

A cluster of 10 worker nodes running 100 ready pods behind one LoadBalancer Service (its Endpoints list every pod),
and one client at 1,000 requests per simulated second, through each path in turn: ClusterIP, NodePort and
LoadBalancer. Only the traffic component runs (the rest of the control plane has its own benchmark), and every
ENDPOINT_CHURN_PERIOD simulated seconds one pod leaves the Endpoints and comes back, so each node's kube-proxy keeps
re-syncing as it does during a rollout. The cost per tick should follow nodes and endpoints, not the rate.
Run: .venv/bin/python -m bench.traffic [--seconds=S] [--rate=R]
"""

import os
import sys
import time

from bench.controlplane import running_pod, worker
from cluster_engine.simulation import Simulation
from cluster_engine.traffic.clients import VIA, client_configmap
from cluster_engine.traffic.component import Traffic

NODES = 10
ENDPOINTS = 100
RATE = 1000
SECONDS = 300.0
ENDPOINT_CHURN_PERIOD = 5.0


def cluster() -> tuple[Simulation, list[dict]]:
    sim = Simulation(seed=1, components=[Traffic])
    nodes = [worker(index) for index in range(NODES)]
    pods = []
    for index in range(ENDPOINTS):
        node = nodes[index % NODES]["metadata"]["name"]
        pod = running_pod(node, index)
        pod["metadata"]["labels"] = {"app": "web"}
        pod["status"]["podIP"] = f"10.244.{index // 250}.{index % 250 + 1}"
        pod["status"]["containerStatuses"] = [{"name": "app", "ready": True, "state": {"running": {}}}]
        pods.append(pod)
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"type": "LoadBalancer", "selector": {"app": "web"}, "ports": [{"port": 80, "nodePort": 30080}]},
    }
    account = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": "default"}}
    sim.apply([{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "default"}}, account, *nodes])
    sim.apply([*pods, service])
    sim.operator.update(
        "Service",
        {**sim.get("Service", "default/web"), "status": {"loadBalancer": {"ingress": [{"ip": "203.0.113.1"}]}}},
        subresource="status",
    )
    created = [sim.operator.get("Pod", "default", pod["metadata"]["name"]) for pod in pods]
    sim.apply([endpoints(created)])
    return sim, created


def endpoints(pods: list[dict]) -> dict:
    addresses = [
        {
            "ip": pod["status"]["podIP"],
            "nodeName": pod["spec"]["nodeName"],
            "targetRef": {
                "kind": "Pod",
                "namespace": "default",
                "name": pod["metadata"]["name"],
                "uid": pod["metadata"]["uid"],
            },
        }
        for pod in pods
    ]
    return {
        "apiVersion": "v1",
        "kind": "Endpoints",
        "metadata": {"name": "web", "namespace": "default"},
        "subsets": [{"addresses": addresses, "ports": [{"port": 80, "protocol": "TCP"}]}],
    }


def measure(via: str, seconds: float, rate: int) -> tuple[float, float, float]:
    sim, pods = cluster()
    sim.apply([client_configmap("default", "web", rate, via)])
    sim.start()
    sim.run_for(5.0)  # warm-up: the first syncs and probes
    wall_started, cpu_started = time.perf_counter(), time.process_time()
    elapsed = 0.0
    turn = 0
    while elapsed < seconds:
        current = sim.get("Endpoints", "default/web")
        kept = [pod for index, pod in enumerate(pods) if index != turn % len(pods)] if turn % 2 == 0 else pods
        sim.operator.update("Endpoints", {**current, "subsets": endpoints(kept)["subsets"]})
        sim.run_for(ENDPOINT_CHURN_PERIOD)
        elapsed += ENDPOINT_CHURN_PERIOD
        turn += 1
    wall, cpu = time.perf_counter() - wall_started, time.process_time() - cpu_started
    traffic = next(component for component in sim.control_plane.components if isinstance(component, Traffic))
    last = traffic.state()["clients"][0]["last"]
    return wall / seconds, cpu / seconds, last["sent"], last["successRate"]


def main(argv: list[str]) -> None:
    options = dict(arg.lstrip("-").split("=", 1) for arg in argv if "=" in arg)
    seconds = float(options.get("seconds", SECONDS))
    rate = int(options.get("rate", RATE))
    available = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"cores: 1 used (the traffic model runs in the control plane's thread) of {available} available")
    print(f"{rate} requests per simulated second, {ENDPOINTS} endpoints on {NODES} nodes, {seconds:.0f} simulated s")
    print(f"{'path':<14}{'wall ms / sim s':>18}{'CPU ms / sim s':>18}{'requests in a second':>24}{'success':>10}")
    for via in VIA:
        wall, cpu, sent, success = measure(via, seconds, rate)
        print(f"{via:<14}{wall * 1000:>18.3f}{cpu * 1000:>18.3f}{sent:>24}{success:>10.1%}")


if __name__ == "__main__":
    main(sys.argv[1:])
