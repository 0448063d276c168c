"""Nodes-to-score rule, seeded tie-breaking, the decision record, and the snapshot's incremental bookkeeping."""

import json

from cluster_engine.scheduler.algorithm import num_feasible_nodes_to_find
from cluster_engine.scheduler.decision import TOP_SCORES
from cluster_engine.scheduler.podinfo import pod_info
from cluster_engine.scheduler.snapshot import Snapshot

from .objects import cluster, node, pod, schedule


def test_nodes_to_score_follows_the_adaptive_percentage():
    assert num_feasible_nodes_to_find(50) == 50
    assert num_feasible_nodes_to_find(100) == 100  # 50 - 0 = 50% of 100 = 50, raised to the minimum of 100
    assert num_feasible_nodes_to_find(1000) == 420  # 50 - 8 = 42%
    assert num_feasible_nodes_to_find(5000) == 500  # 50 - 40 = 10%
    assert num_feasible_nodes_to_find(10000) == 500  # floor of 5%
    assert num_feasible_nodes_to_find(1000, percentage=20) == 200


def place(seed: int) -> list[str]:
    snapshot, algorithm = cluster(*[node(f"node-{index}") for index in range(8)], seed=seed)
    placements = []
    for index in range(16):
        info = pod_info(pod(f"web-{index}", cpu="100m", memory="100Mi"))
        decision = algorithm.schedule(info)
        snapshot.add_pod(info, decision.node)
        placements.append(decision.node)
    return placements


def test_ties_are_broken_by_the_seeded_generator_reproducibly():
    first = place(seed=7)
    assert first == place(seed=7)
    assert sorted(first) == sorted(f"node-{index}" for index in range(8) for _ in range(2))
    assert first != place(seed=8)


def test_large_clusters_stop_after_enough_feasible_nodes_and_rotate_the_start():
    snapshot, algorithm = cluster(*[node(f"node-{index:04}") for index in range(1000)])
    first = schedule(algorithm, pod("web-1", cpu="100m"))
    assert (first.evaluated, first.feasible) == (420, 420)
    assert len(first.scores) == TOP_SCORES
    assert first.scores[0]["node"] == first.node
    assert algorithm.next_start_node_index == 420
    assert not first.verdicts  # large clusters keep reason counts only
    assert len(first.to_json()) < 4000


def test_decision_json_explains_choice_and_rejections():
    _, algorithm = cluster(node("node-a", cpu="1"), node("node-b"), node("node-c"))
    decision = schedule(algorithm, pod("web-1", cpu="2"))
    data = json.loads(decision.to_json())
    assert data["node"] == decision.node
    assert data["verdicts"] == {"node-a": {"plugin": "NodeResourcesFit", "reasons": ["Insufficient cpu"]}}
    assert data["rejections"] == {"Insufficient cpu": 1}
    assert [row["node"] for row in data["scores"]] == [decision.node, *({"node-b", "node-c"} - {decision.node})]
    row = data["scores"][0]
    weights = {"TaintToleration": 3, "NodeAffinity": 2, "InterPodAffinity": 2, "NodeResourcesFit": 1}
    weights |= {"NodeResourcesBalancedAllocation": 1, "ImageLocality": 1}
    assert row["total"] == sum(weights[name] * score for name, score in row["plugins"].items())


def test_snapshot_counts_stay_equal_to_a_fresh_rebuild():
    nodes = [node("node-a", labels={"zone": "z1"}), node("node-b", labels={"zone": "z2"})]
    anti = {
        "podAntiAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": [
                {"labelSelector": {"matchLabels": {"app": "db"}}, "topologyKey": "zone"}
            ]
        }
    }
    live = Snapshot()
    for item in nodes:
        live.add_node(item)
    pods = [pod(f"db-{index}", cpu="1", labels={"app": "db"}, affinity=anti) for index in range(4)]
    for index, item in enumerate(pods):
        live.add_pod(pod_info(item), nodes[index % 2]["metadata"]["name"])
    live.matching.counts(("probe",), lambda other: other.labels.get("app") == "db")
    live.remove_pod("default/db-0")
    live.remove_node("node-b")
    live.add_node(node("node-b", labels={"zone": "z3"}))
    rebuilt = Snapshot()
    for item in (nodes[0], node("node-b", labels={"zone": "z3"})):
        rebuilt.add_node(item)
    for info, slot in live.pods.values():
        rebuilt.add_pod(info, live.nodes[slot].name)
    for column in ("cpu", "pod_count", "nonzero_memory"):
        assert [getattr(live, column)[live.slot_of[name]] for name in ("node-a", "node-b")] == [
            getattr(rebuilt, column)[rebuilt.slot_of[name]] for name in ("node-a", "node-b")
        ]
    probe = live.matching.counts(("probe",), None)
    assert [probe[live.slot_of[name]] for name in ("node-a", "node-b")] == [1, 2]
    carried = {key: counts[live.slot_of["node-b"]] for key, counts in live.carried.counts.items()}
    assert list(carried.values()) == [2]
    assert list(live.domains("zone")[1]) == ["z1", "z3"]
