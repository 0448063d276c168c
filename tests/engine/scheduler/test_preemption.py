"""Preemption: victims by priority with reprieve, node choice by upstream's ordering."""

from .objects import cluster, node, pod, schedule


def test_preempts_on_the_node_whose_highest_victim_has_the_lowest_priority():
    _, algorithm = cluster(
        node("node-a", cpu="2"),
        node("node-b", cpu="2"),
        pods=[(pod("batch", cpu="1500m", priority=0), "node-a"), (pod("service", cpu="1500m", priority=100), "node-b")],
    )
    decision = schedule(algorithm, pod("critical", cpu="1", priority=1000))
    assert decision.node is None
    assert decision.nominated_node == "node-a"
    assert decision.victims == ["default/batch"]
    assert decision.message == "0/2 nodes are available: 2 Insufficient cpu."


def test_reprieves_the_most_important_victims_that_can_stay():
    _, algorithm = cluster(
        node("node-a", cpu="2"),
        pods=[
            (pod("keep", cpu="500m", priority=50), "node-a"),
            (pod("evict", cpu="500m", priority=10), "node-a"),
            (pod("other", cpu="1", priority=5000), "node-a"),
        ],
    )
    decision = schedule(algorithm, pod("critical", cpu="500m", priority=100))
    assert decision.nominated_node == "node-a"
    assert decision.victims == ["default/evict"]


def test_no_preemption_for_pods_that_never_preempt():
    _, algorithm = cluster(node("node-a", cpu="1"), pods=[(pod("batch", cpu="1", priority=0), "node-a")])
    decision = schedule(algorithm, pod("polite", cpu="1", priority=1000, preemptionPolicy="Never"))
    assert decision.nominated_node is None
    assert decision.message == (
        "0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never."
    )


def test_when_removing_every_lower_pod_is_not_enough_the_filter_reason_is_reported():
    _, algorithm = cluster(node("node-a", cpu="2"), pods=[(pod("batch", cpu="1", priority=0), "node-a")])
    decision = schedule(algorithm, pod("huge", cpu="3", priority=1000))
    assert decision.nominated_node is None
    assert decision.message == (
        "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 Insufficient cpu."
    )
