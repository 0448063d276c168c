"""Small builders for Node and Pod dicts in Kubernetes' own JSON shape."""

import random

from cluster_engine.scheduler.algorithm import Algorithm
from cluster_engine.scheduler.podinfo import pod_info
from cluster_engine.scheduler.snapshot import Snapshot


def node(name, cpu="4", memory="8Gi", pods="110", labels=None, taints=None, unschedulable=False, images=None):
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name, **(labels or {})}},
        "spec": {"taints": taints or [], **({"unschedulable": True} if unschedulable else {})},
        "status": {"allocatable": {"cpu": cpu, "memory": memory, "pods": pods}, "images": images or []},
    }


def pod(name, cpu=None, memory=None, labels=None, namespace="default", image="nginx:1.27", priority=None, **spec):
    requests = {key: value for key, value in (("cpu", cpu), ("memory", memory)) if value is not None}
    container = {"name": "main", "image": image, "resources": {"requests": requests} if requests else {}}
    body = {"containers": [container], **spec}
    if priority is not None:
        body["priority"] = priority
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace, "uid": f"uid-{name}", "labels": labels or {}},
        "spec": body,
    }


def cluster(*nodes, pods=(), seed=1, **options):
    """A snapshot holding `nodes` and `pods` (pairs of pod dict and node name), and an algorithm over it."""
    snapshot = Snapshot()
    for item in nodes:
        snapshot.add_node(item)
    for item, node_name in pods:
        snapshot.add_pod(pod_info(item), node_name)
    return snapshot, Algorithm(snapshot, random.Random(seed), **options)


def scores_of(decision, plugin):
    return {row["node"]: row["plugins"].get(plugin) for row in decision.scores}


def schedule(algorithm, item):
    return algorithm.schedule(pod_info(item))
