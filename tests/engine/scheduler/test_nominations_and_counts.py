"""Nominated pods keep their room; per-selector pod counts are pruned and follow namespace label changes."""

from cluster_engine.scheduler.podinfo import pod_info

from .objects import cluster, node, pod, schedule


def nominated(name, node_name, priority, cpu):
    item = pod(name, cpu=cpu, priority=priority)
    item["status"] = {"nominatedNodeName": node_name}
    return pod_info(item)


def test_a_less_important_pod_leaves_a_nominated_pods_room_free():
    snapshot, algorithm = cluster(node("node-1", cpu="2"), preemption=False)
    critical = nominated("critical", "node-1", 1000, "1500m")
    algorithm.nominated[critical.key] = (critical, "node-1")
    decision = schedule(algorithm, pod("batch", cpu="1", priority=0))
    assert (decision.node, decision.message) == (None, "0/1 nodes are available: 1 Insufficient cpu.")
    assert snapshot.node_info("node-1").pods == {}  # the nominated pod was only counted for the filter pass
    assert schedule(algorithm, pod("urgent", cpu="1", priority=2000)).node == "node-1"
    assert schedule(algorithm, pod("small", cpu="400m", priority=0)).node == "node-1"


def test_a_pod_is_not_kept_out_by_its_own_nomination():
    _, algorithm = cluster(node("node-1", cpu="2"), preemption=False)
    critical = nominated("critical", "node-1", 1000, "1500m")
    algorithm.nominated[critical.key] = (critical, "node-1")
    assert algorithm.schedule(critical).node == "node-1"


def affine(name, namespace="default"):
    term = {
        "labelSelector": {"matchLabels": {"app": "db"}},
        "namespaceSelector": {"matchLabels": {"team": "data"}},
        "topologyKey": "kubernetes.io/hostname",
    }
    return pod(
        name, namespace=namespace, affinity={"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term]}}
    )


def test_affinity_by_namespace_labels_follows_a_relabelled_namespace():
    db = pod("db-1", namespace="storage", labels={"app": "db"})
    snapshot, algorithm = cluster(node("node-1"), node("node-2"), pods=[(db, "node-2")], preemption=False)
    snapshot.set_namespace_labels("storage", {"team": "web"})
    assert schedule(algorithm, affine("client-1")).node is None
    assert snapshot.set_namespace_labels("storage", {"team": "data"}) is True
    assert schedule(algorithm, affine("client-2")).node == "node-2"
    assert snapshot.set_namespace_labels("storage", {"team": "data"}) is False


def test_counts_nobody_asked_for_since_the_last_prune_are_dropped():
    snapshot, algorithm = cluster(node("node-1"), node("node-2"), preemption=False)
    spread = {"maxSkew": 1, "topologyKey": "kubernetes.io/hostname", "labelSelector": {"matchLabels": {"app": "a"}}}
    schedule(algorithm, pod("a-1", labels={"app": "a"}, topologySpreadConstraints=[spread]))
    assert len(snapshot.matching) == 1
    snapshot.matching.prune()  # asked since the last prune: kept
    assert len(snapshot.matching) == 1
    snapshot.matching.prune()  # not asked since: dropped
    assert len(snapshot.matching) == 0
    assert schedule(algorithm, pod("a-2", labels={"app": "a"}, topologySpreadConstraints=[spread])).node is not None
    assert len(snapshot.matching) == 1


def zone_node(name, zone):
    return node(name, labels={"topology.kubernetes.io/zone": zone})


def test_a_nominated_pod_counts_only_on_its_own_node_not_across_its_zone():
    # upstream RunFilterPluginsWithNominatedPods adds, for each node, only the pods nominated to that node
    snapshot, algorithm = cluster(zone_node("a-1", "a"), zone_node("a-2", "a"), preemption=False)
    critical = pod_info(pod("critical", labels={"app": "db"}, priority=1000))
    algorithm.nominated[critical.key] = (critical, "a-1")
    term = {"labelSelector": {"matchLabels": {"app": "db"}}, "topologyKey": "topology.kubernetes.io/zone"}
    loner = pod(
        "loner", priority=0, affinity={"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term]}}
    )
    decision = schedule(algorithm, loner)
    assert decision.node == "a-2"
    assert decision.verdicts == {
        "a-1": {"plugin": "InterPodAffinity", "reasons": ["node(s) didn't match pod anti-affinity rules"]}
    }


def test_pod_affinity_must_hold_without_the_nominated_pods_too():
    snapshot, algorithm = cluster(zone_node("a-1", "a"), zone_node("b-1", "b"), preemption=False)
    critical = pod_info(pod("critical", labels={"app": "db"}, priority=1000))
    algorithm.nominated[critical.key] = (critical, "a-1")
    term = {"labelSelector": {"matchLabels": {"app": "db"}}, "topologyKey": "topology.kubernetes.io/zone"}
    follower = pod(
        "follower", priority=0, affinity={"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term]}}
    )
    decision = schedule(algorithm, follower)
    assert (decision.node, decision.message) == (
        None,
        "0/2 nodes are available: 2 node(s) didn't match pod affinity rules.",
    )


def test_a_pod_tries_its_nominated_node_first_and_takes_it_when_it_fits():
    # upstream findNodesThatFitPod: evaluateNominatedNode before the other nodes, no scoring when it fits
    _, algorithm = cluster(
        node("node-a", cpu="4"), node("node-b", cpu="4"), pods=[(pod("busy", cpu="2"), "node-a")], preemption=False
    )
    critical = nominated("critical", "node-a", 1000, "1")
    decision = algorithm.schedule(critical)
    assert (decision.node, decision.evaluated, decision.feasible, decision.scores) == ("node-a", 1, 1, [])


def test_a_pod_whose_nominated_node_no_longer_fits_is_scheduled_over_all_nodes():
    _, algorithm = cluster(
        node("node-a", cpu="4"), node("node-b", cpu="4"), pods=[(pod("busy", cpu="3500m"), "node-a")], preemption=False
    )
    decision = algorithm.schedule(nominated("critical", "node-a", 1000, "1"))
    assert (decision.node, decision.evaluated, decision.feasible) == ("node-b", 2, 1)
