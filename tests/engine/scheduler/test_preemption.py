"""Preemption: victims by priority with reprieve, node choice by upstream's ordering."""

from cluster_engine.scheduler.podinfo import pod_info

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


def test_victims_are_sought_with_the_room_of_more_important_nominated_pods_kept():
    # upstream SelectVictimsOnNode filters through RunFilterPluginsWithNominatedPods: evicting `batch` frees 1 cpu,
    # but `critical` is nominated to that room, so `mid` would still not fit and no one is preempted for it
    _, algorithm = cluster(node("node-a", cpu="2"), pods=[(pod("batch", cpu="1", priority=0), "node-a")])
    critical = pod_info(pod("critical", cpu="1", priority=1000))
    algorithm.nominated[critical.key] = (critical, "node-a")
    decision = schedule(algorithm, pod("mid", cpu="1500m", priority=500))
    assert decision.nominated_node is None
    assert decision.victims == []
    assert decision.message == (
        "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 Insufficient cpu."
    )


def test_less_important_nominated_pods_do_not_stop_a_preemption():
    _, algorithm = cluster(node("node-a", cpu="2"), pods=[(pod("batch", cpu="1", priority=0), "node-a")])
    minor = pod_info(pod("minor", cpu="1", priority=100))
    algorithm.nominated[minor.key] = (minor, "node-a")
    decision = schedule(algorithm, pod("mid", cpu="1500m", priority=500))
    assert (decision.nominated_node, decision.victims) == ("node-a", ["default/batch"])
