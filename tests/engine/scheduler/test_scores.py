"""Each score plugin against values worked out by hand from the upstream formulas."""

from cluster_engine.scheduler.plugins.image_locality import calculate_priority

from .objects import cluster, node, pod, schedule, scores_of

GI = 2**30


def test_least_allocated_averages_cpu_and_memory_including_the_pod():
    # node-a: cpu (4000-1000-1000)*100/4000 = 50; memory (8Gi-2Gi-2Gi)*100/8Gi = 50 -> 50
    # node-b: cpu (4000-1000)*100/4000 = 75; memory (8Gi-2Gi)*100/8Gi = 75 -> 75
    _, algorithm = cluster(node("node-a"), node("node-b"), pods=[(pod("existing", cpu="1", memory="2Gi"), "node-a")])
    decision = schedule(algorithm, pod("web", cpu="1", memory="2Gi"))
    assert scores_of(decision, "NodeResourcesFit") == {"node-b": 75, "node-a": 50}
    assert decision.node == "node-b"


def test_least_allocated_counts_missing_requests_as_100m_and_200mi():
    # the existing best-effort pod counts 100m / 200Mi: cpu (4000-100-100)*100/4000 = 95,
    # memory (8192Mi-200Mi-200Mi)*100/8192Mi = 95.11 -> 95; the empty node: 97 and 97.56 -> 97
    _, algorithm = cluster(node("node-a"), node("node-b"), pods=[(pod("idle"), "node-a")])
    decision = schedule(algorithm, pod("web"))
    assert scores_of(decision, "NodeResourcesFit") == {"node-b": 97, "node-a": 95}


def test_balanced_allocation_is_one_minus_half_the_fraction_gap():
    # node-a: cpu 2000/4000 = 0.5, memory 1Gi/8Gi = 0.125 -> (1 - 0.1875) * 100 = 81
    # node-b (2 cpu, 4Gi): cpu 0.5, memory 0.25 -> (1 - 0.125) * 100 = 87
    # node-c (1 cpu, 1Gi): cpu 1, memory 1 -> 100
    _, algorithm = cluster(
        node("node-a"),
        node("node-b", cpu="2", memory="4Gi"),
        node("node-c", cpu="1", memory="1Gi"),
        pods=[(pod("existing", cpu="1"), "node-a")],
    )
    decision = schedule(algorithm, pod("web", cpu="1", memory="1Gi"))
    assert scores_of(decision, "NodeResourcesBalancedAllocation") == {"node-a": 81, "node-b": 87, "node-c": 100}


def test_balanced_allocation_skips_pods_without_requests():
    _, algorithm = cluster(node("node-a"), node("node-b"))
    decision = schedule(algorithm, pod("web"))
    assert scores_of(decision, "NodeResourcesBalancedAllocation") == {"node-a": None, "node-b": None}


def test_taint_toleration_scores_untolerated_prefer_no_schedule_in_reverse():
    # counts: node-a 0, node-b 1, node-c 2 -> 100 - 100*count/2 = 100, 50, 0
    soft = [{"key": "spot", "value": "true", "effect": "PreferNoSchedule"}]
    softer = soft + [{"key": "old", "value": "", "effect": "PreferNoSchedule"}]
    _, algorithm = cluster(node("node-a"), node("node-b", taints=soft), node("node-c", taints=softer))
    decision = schedule(algorithm, pod("web", cpu="100m"))
    assert scores_of(decision, "TaintToleration") == {"node-a": 100, "node-b": 50, "node-c": 0}
    tolerant = pod("tolerant", cpu="100m", tolerations=[{"key": "old", "operator": "Exists"}])
    assert scores_of(schedule(algorithm, tolerant), "TaintToleration") == {"node-a": 100, "node-b": 0, "node-c": 0}


def test_node_affinity_sums_preferred_weights_normalised_to_the_best():
    # node-a matches weights 30 + 10 = 40 -> 100; node-b 10 -> 25; node-c 0 -> 0
    preferred = [
        {"weight": 30, "preference": {"matchExpressions": [{"key": "disk", "operator": "In", "values": ["ssd"]}]}},
        {"weight": 10, "preference": {"matchExpressions": [{"key": "gpu", "operator": "Exists"}]}},
    ]
    _, algorithm = cluster(
        node("node-a", labels={"disk": "ssd", "gpu": "t4"}), node("node-b", labels={"gpu": "t4"}), node("node-c")
    )
    affinity = {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": preferred}}
    decision = schedule(algorithm, pod("web", cpu="100m", affinity=affinity))
    assert scores_of(decision, "NodeAffinity") == {"node-a": 100, "node-b": 25, "node-c": 0}
    assert decision.node == "node-a"


def test_pod_topology_spread_score_follows_the_log_weighted_counts():
    # zone constraint, maxSkew 1, ScheduleAnyway; zones z1 (node-a: 2 pods, node-b: 1), z2 (node-c: 0)
    # weight ln(2 + 2); z1 raw 3 * 1.386 + 0 = 4.16 -> 4, z2 raw 0 -> 0
    # normalised 100 * (max + min - s) / max: z1 -> 100 * (4 + 0 - 4) / 4 = 0, z2 -> 100
    web = {"app": "web"}
    _, algorithm = cluster(
        node("node-a", labels={"zone": "z1"}),
        node("node-b", labels={"zone": "z1"}),
        node("node-c", labels={"zone": "z2"}),
        pods=[(pod("w1", labels=web), "node-a"), (pod("w2", labels=web), "node-a"), (pod("w3", labels=web), "node-b")],
    )
    constraint = {
        "maxSkew": 1,
        "topologyKey": "zone",
        "whenUnsatisfiable": "ScheduleAnyway",
        "labelSelector": {"matchLabels": web},
    }
    decision = schedule(algorithm, pod("w4", cpu="100m", labels=web, topologySpreadConstraints=[constraint]))
    assert scores_of(decision, "PodTopologySpread") == {"node-a": 0, "node-b": 0, "node-c": 100}
    assert decision.node == "node-c"


def test_pod_topology_spread_hostname_counts_per_node():
    # hostname constraint maxSkew 2: raw = count * ln(3 + 2) + 1: node-a 2*1.609+1 = 4.22 -> 4, node-b 1*1.609+1
    # = 2.61 -> 3, node-c 1 -> 1; normalised 100*(4+1-s)/4: node-a 25, node-b 50, node-c 100
    web = {"app": "web"}
    _, algorithm = cluster(
        node("node-a"),
        node("node-b"),
        node("node-c"),
        pods=[(pod("w1", labels=web), "node-a"), (pod("w2", labels=web), "node-a"), (pod("w3", labels=web), "node-b")],
    )
    constraint = {
        "maxSkew": 2,
        "topologyKey": "kubernetes.io/hostname",
        "whenUnsatisfiable": "ScheduleAnyway",
        "labelSelector": {"matchLabels": web},
    }
    decision = schedule(algorithm, pod("w4", cpu="100m", labels=web, topologySpreadConstraints=[constraint]))
    assert scores_of(decision, "PodTopologySpread") == {"node-a": 25, "node-b": 50, "node-c": 100}


def test_system_default_spreading_uses_the_workload_selector():
    # defaults: hostname maxSkew 3, zone maxSkew 5; one web pod on node-a (zone z1)
    # size(hostname) = 3 -> w = ln 5 = 1.609; size(zone) = 2 -> w = ln 4 = 1.386
    # node-a: 1*1.609+2 + 1*1.386+4 = 8.99 -> 9; node-b: 0+2 + 1.386+4 = 7.39 -> 7; node-c: 2 + 4 = 6
    # normalised 100*(9+6-s)/9: node-a 66, node-b 88, node-c 100
    web = {"app": "web"}
    _, algorithm = cluster(
        node("node-a", labels={"topology.kubernetes.io/zone": "z1"}),
        node("node-b", labels={"topology.kubernetes.io/zone": "z1"}),
        node("node-c", labels={"topology.kubernetes.io/zone": "z2"}),
        pods=[(pod("w1", labels=web), "node-a")],
    )
    algorithm.framework = type(algorithm.framework)(default_spread_selector=lambda info: (("app", "In", ("web",)),))
    decision = schedule(algorithm, pod("w2", cpu="100m", labels=web))
    assert scores_of(decision, "PodTopologySpread") == {"node-a": 66, "node-b": 88, "node-c": 100}


def test_inter_pod_affinity_preferred_terms_both_ways():
    # incoming prefers (weight 50) zones with app=cache; an existing pod on node-c prefers (weight 20, anti)
    # to avoid app=web pods on its host. Raw: node-a (zone z1 has a cache pod) +50, node-b (z1) +50,
    # node-c (z2) -20. Normalised (s - min) * 100 / (max - min): 100, 100, 0
    cache = pod("cache", labels={"app": "cache"})
    loner = pod(
        "loner",
        labels={"app": "loner"},
        affinity={
            "podAntiAffinity": {
                "preferredDuringSchedulingIgnoredDuringExecution": [
                    {
                        "weight": 20,
                        "podAffinityTerm": {
                            "labelSelector": {"matchLabels": {"app": "web"}},
                            "topologyKey": "kubernetes.io/hostname",
                        },
                    }
                ]
            }
        },
    )
    _, algorithm = cluster(
        node("node-a", labels={"zone": "z1"}),
        node("node-b", labels={"zone": "z1"}),
        node("node-c", labels={"zone": "z2"}),
        pods=[(cache, "node-a"), (loner, "node-c")],
    )
    affinity = {
        "podAffinity": {
            "preferredDuringSchedulingIgnoredDuringExecution": [
                {
                    "weight": 50,
                    "podAffinityTerm": {"labelSelector": {"matchLabels": {"app": "cache"}}, "topologyKey": "zone"},
                }
            ]
        }
    }
    decision = schedule(algorithm, pod("web", cpu="100m", labels={"app": "web"}, affinity=affinity))
    assert scores_of(decision, "InterPodAffinity") == {"node-a": 100, "node-b": 100, "node-c": 0}


def test_image_locality_scales_by_spread_and_thresholds():
    # 500 MB image on 1 of 2 nodes: 500MB * 1/2 = 250MB; (250MB - 23MB) * 100 / (1000MB - 23MB) = 23
    mb = 1024 * 1024
    images = [{"names": ["registry.k8s.io/app:1.0"], "sizeBytes": 500 * mb}]
    _, algorithm = cluster(node("node-a", images=images), node("node-b"))
    decision = schedule(algorithm, pod("web", cpu="100m", image="registry.k8s.io/app:1.0"))
    assert scores_of(decision, "ImageLocality") == {"node-a": 23, "node-b": 0}
    assert calculate_priority(10 * mb, 1) == 0
    assert calculate_priority(3000 * mb, 2) == 100
