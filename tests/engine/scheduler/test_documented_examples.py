"""End-to-end cases from the Kubernetes documentation's own examples (kubernetes.io/docs/concepts/scheduling-eviction)."""

from cluster_engine.scheduler.podinfo import pod_info

from .objects import cluster, node, pod, schedule

CONTROL_PLANE_TAINT = [{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]


def test_unschedulable_message_matches_upstream_exactly():
    _, algorithm = cluster(
        node("control-plane", taints=CONTROL_PLANE_TAINT), node("node-1"), node("node-2"), node("node-3")
    )
    decision = schedule(algorithm, pod("web-1", cpu="5"))
    assert decision.node is None
    assert decision.message == (
        "0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, "
        "3 Insufficient cpu. preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, "
        "3 No preemption victims found for incoming pod."
    )


def test_only_unresolvable_rejections_make_preemption_not_helpful_everywhere():
    _, algorithm = cluster(node("node-1", labels={"zone": "a"}), node("node-2", labels={"zone": "b"}))
    decision = schedule(algorithm, pod("web", cpu="100m", nodeSelector={"zone": "c"}))
    assert decision.message == (
        "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector. "
        "preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling."
    )


def test_taints_and_tolerations_example():
    # kubectl taint nodes node1 key1=value1:NoSchedule; the documented toleration lets a pod in
    taint = [{"key": "key1", "value": "value1", "effect": "NoSchedule"}]
    _, algorithm = cluster(node("node1", taints=taint))
    assert schedule(algorithm, pod("nginx")).rejections == {"node(s) had untolerated taint {key1: value1}": 1}
    equal = [{"key": "key1", "operator": "Equal", "value": "value1", "effect": "NoSchedule"}]
    exists = [{"key": "key1", "operator": "Exists", "effect": "NoSchedule"}]
    assert schedule(algorithm, pod("nginx", tolerations=equal)).node == "node1"
    assert schedule(algorithm, pod("nginx", tolerations=exists)).node == "node1"


def test_node_affinity_example_pod_with_node_affinity():
    # pods/pod-with-node-affinity.yaml: required zone in (antarctica-east1, antarctica-west1),
    # preferred (weight 1) another-node-label-key=another-node-label-value
    zone = "topology.kubernetes.io/zone"
    _, algorithm = cluster(
        node("east", labels={zone: "antarctica-east1"}),
        node("west", labels={zone: "antarctica-west1", "another-node-label-key": "another-node-label-value"}),
        node("north", labels={zone: "arctic-1"}),
    )
    affinity = {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [
                    {
                        "matchExpressions": [
                            {"key": zone, "operator": "In", "values": ["antarctica-east1", "antarctica-west1"]}
                        ]
                    }
                ]
            },
            "preferredDuringSchedulingIgnoredDuringExecution": [
                {
                    "weight": 1,
                    "preference": {
                        "matchExpressions": [
                            {"key": "another-node-label-key", "operator": "In", "values": ["another-node-label-value"]}
                        ]
                    },
                }
            ],
        }
    }
    decision = schedule(algorithm, pod("with-node-affinity", affinity=affinity))
    assert decision.node == "west"
    assert decision.verdicts == {
        "north": {"plugin": "NodeAffinity", "reasons": ["node(s) didn't match Pod's node affinity/selector"]}
    }


def test_node_affinity_weight_example():
    # pods/pod-with-affinity-preferred-weight.yaml: label-1=key-1 weight 1, label-2=key-2 weight 50
    _, algorithm = cluster(node("one", labels={"label-1": "key-1"}), node("two", labels={"label-2": "key-2"}))
    preferred = [
        {"weight": 1, "preference": {"matchExpressions": [{"key": "label-1", "operator": "In", "values": ["key-1"]}]}},
        {"weight": 50, "preference": {"matchExpressions": [{"key": "label-2", "operator": "In", "values": ["key-2"]}]}},
    ]
    decision = schedule(
        algorithm,
        pod("with-affinity", affinity={"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": preferred}}),
    )
    assert decision.node == "two"


def anti_affinity(app, key="kubernetes.io/hostname"):
    return {
        "labelSelector": {"matchExpressions": [{"key": "app", "operator": "In", "values": [app]}]},
        "topologyKey": key,
    }


def test_redis_cache_and_web_store_example_colocates_one_of_each_per_node():
    # "Always co-located in the same node": redis-cache spreads by anti-affinity to itself; web-store avoids
    # itself and requires a store pod on the same host
    snapshot, algorithm = cluster(node("node-1"), node("node-2"), node("node-3"))
    cache_affinity = {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [anti_affinity("store")]}}
    web_affinity = {
        "podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [anti_affinity("web-store")]},
        "podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [anti_affinity("store")]},
    }
    placements = {}
    for index in range(3):
        cache = pod_info(pod(f"redis-cache-{index}", labels={"app": "store"}, affinity=cache_affinity))
        decision = algorithm.schedule(cache)
        snapshot.add_pod(cache, decision.node)
        placements.setdefault(decision.node, []).append("store")
    for index in range(3):
        web = pod_info(pod(f"web-server-{index}", labels={"app": "web-store"}, affinity=web_affinity))
        decision = algorithm.schedule(web)
        snapshot.add_pod(web, decision.node)
        placements[decision.node].append("web-store")
    assert placements == {name: ["store", "web-store"] for name in ("node-1", "node-2", "node-3")}
    fourth = algorithm.schedule(pod_info(pod("redis-cache-3", labels={"app": "store"}, affinity=cache_affinity)))
    assert fourth.message == (
        "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. "
        "preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod."
    )


def spread_cluster():
    # the documentation's 4-node cluster: node1, node2 in zoneA; node3, node4 in zoneB; foo=bar pods on 1, 2, 3
    foo = {"foo": "bar"}
    return cluster(
        node("node1", labels={"zone": "zoneA"}),
        node("node2", labels={"zone": "zoneA"}),
        node("node3", labels={"zone": "zoneB"}),
        node("node4", labels={"zone": "zoneB"}),
        pods=[(pod(f"p{index}", labels=foo), f"node{index}") for index in (1, 2, 3)],
    )


def constraint(key, skew=1):
    return {
        "maxSkew": skew,
        "topologyKey": key,
        "whenUnsatisfiable": "DoNotSchedule",
        "labelSelector": {"matchLabels": {"foo": "bar"}},
    }


def test_topology_spread_single_constraint_example():
    # placing the pod in zoneA would make the skew 3 - 1 = 2 > maxSkew 1; it goes to zoneB
    _, algorithm = spread_cluster()
    decision = schedule(algorithm, pod("mypod", labels={"foo": "bar"}, topologySpreadConstraints=[constraint("zone")]))
    assert decision.node in ("node3", "node4")
    reason = "node(s) didn't match pod topology spread constraints"
    assert decision.verdicts == {
        "node1": {"plugin": "PodTopologySpread", "reasons": [reason]},
        "node2": {"plugin": "PodTopologySpread", "reasons": [reason]},
    }


def test_topology_spread_multiple_constraints_example():
    # zone and node constraints together leave only node4
    _, algorithm = spread_cluster()
    constraints = [constraint("zone"), constraint("kubernetes.io/hostname")]
    decision = schedule(algorithm, pod("mypod", labels={"foo": "bar"}, topologySpreadConstraints=constraints))
    assert decision.node == "node4"


def test_topology_spread_min_domains_counts_missing_domains_as_zero():
    # with minDomains 3 and only two zones, the global minimum is 0: zoneB holds 1 pod, skew 1 + 1 - 0 = 2 > 1
    _, algorithm = spread_cluster()
    strict = {**constraint("zone"), "minDomains": 3}
    decision = schedule(algorithm, pod("mypod", labels={"foo": "bar"}, topologySpreadConstraints=[strict]))
    assert decision.node is None
    assert decision.rejections == {"node(s) didn't match pod topology spread constraints": 4}
