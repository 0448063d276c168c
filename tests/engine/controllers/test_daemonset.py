"""The DaemonSet controller, with cases from upstream's pkg/controller/daemon tests: one pod per eligible node,
daemon tolerations, node selectors and affinity, taints, failed pods, revisions, rolling updates, status."""

import pytest

from cluster_engine.controllers.daemon_pods import should_run, target_node
from cluster_engine.controllers.daemonset import DaemonSetController
from cluster_engine.scenarios import node_manifest

from .helpers import events, pods, set_pod_status, simulation, template

LABELS = {"app": "agent"}


def daemon_set(name: str = "agent", **spec) -> dict:
    pod_template = template(LABELS)
    pod_template["spec"].update(spec.pop("pod", {}))
    return {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"selector": {"matchLabels": dict(LABELS)}, "template": pod_template, **spec},
    }


def nodes(count: int, **labels) -> list[dict]:
    found = [node_manifest(f"node-{index}", index) for index in range(count)]
    for node in found:
        node["metadata"]["labels"].update(labels)
    return found


def placed(sim) -> list[str]:
    """The node each live daemon pod is bound to, sorted."""
    return sorted(target_node(pod) for pod in pods(sim))


def ready_all(sim) -> None:
    for pod in pods(sim):
        if not any(c["type"] == "Ready" and c["status"] == "True" for c in pod["status"].get("conditions") or []):
            set_pod_status(sim, pod)
    sim.run_for(0)


def test_simple_daemon_set_launches_one_pod_per_node_bound_by_node_affinity():
    """upstream TestSimpleDaemonSetLaunchesPods and TestDaemonSetPodCreateExpectationsError's pod shape."""
    sim = simulation([DaemonSetController], [*nodes(5), daemon_set()])
    assert placed(sim) == [f"node-{index}" for index in range(5)]
    pod = next(pod for pod in pods(sim) if target_node(pod) == "node-0")
    assert pod["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"] == {
        "nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["node-0"]}]}]
    }
    assert "nodeName" not in pod["spec"]  # the scheduler binds it
    assert pod["metadata"]["generateName"] == "agent-"
    revision = sim.objects("ControllerRevision", "default")[0]
    assert pod["metadata"]["labels"] == {
        "app": "agent",
        "pod-template-generation": "1",
        "controller-revision-hash": revision["metadata"]["labels"]["controller-revision-hash"],
    }
    assert [reason for reason, _ in events(sim)] == ["SuccessfulCreate"] * 5


def test_no_nodes_does_nothing_and_status_reads_zero():
    """upstream TestNoNodesDoesNothing: the status counters are there, at 0."""
    sim = simulation([DaemonSetController], [daemon_set()])
    assert pods(sim) == []
    status = sim.get("DaemonSet", "default/agent")["status"]
    assert status == {
        "currentNumberScheduled": 0,
        "numberMisscheduled": 0,
        "desiredNumberScheduled": 0,
        "numberReady": 0,
        "observedGeneration": 1,
    }


def test_daemon_pods_carry_upstream_tolerations_and_host_network_adds_network_unavailable():
    sim = simulation([DaemonSetController], [*nodes(1), daemon_set(pod={"hostNetwork": True})])
    (pod,) = pods(sim)
    assert [(t["key"], t["effect"]) for t in pod["spec"]["tolerations"]] == [
        ("node.kubernetes.io/not-ready", "NoExecute"),
        ("node.kubernetes.io/unreachable", "NoExecute"),
        ("node.kubernetes.io/disk-pressure", "NoSchedule"),
        ("node.kubernetes.io/memory-pressure", "NoSchedule"),
        ("node.kubernetes.io/pid-pressure", "NoSchedule"),
        ("node.kubernetes.io/unschedulable", "NoSchedule"),
        ("node.kubernetes.io/network-unavailable", "NoSchedule"),
    ]
    # none carries tolerationSeconds: admission's 300 s defaults are not added to a pod that already tolerates
    assert all("tolerationSeconds" not in toleration for toleration in pod["spec"]["tolerations"])


@pytest.mark.parametrize(
    ("taint", "runs", "keeps"),
    [
        ({"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}, True, True),  # cordoned
        ({"key": "node.kubernetes.io/not-ready", "effect": "NoExecute"}, True, True),
        ({"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}, False, True),
        ({"key": "dedicated", "value": "gpu", "effect": "NoExecute"}, False, False),
        ({"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}, False, True),
        ({"key": "dedicated", "value": "gpu", "effect": "PreferNoSchedule"}, True, True),
    ],
)
def test_node_should_run_daemon_pod_by_taint(taint, runs, keeps):
    """upstream TestNodeShouldRunDaemonPod: untolerated NoSchedule keeps new pods off, NoExecute evicts too."""
    node = node_manifest("node-0", 0)
    node["spec"]["taints"] = [taint]
    assert should_run(node, daemon_set()) == (runs, keeps)


def test_tolerating_daemon_set_runs_on_tainted_and_control_plane_nodes():
    """upstream TestTaintedNodeDaemonLaunchesToleratePod."""
    control_plane = node_manifest("control-plane-1", 0, control_plane=True)
    ds = daemon_set(pod={"tolerations": [{"operator": "Exists", "effect": "NoSchedule"}]})
    sim = simulation([DaemonSetController], [control_plane, *nodes(1), ds])
    assert placed(sim) == ["control-plane-1", "node-0"]


def test_node_selector_limits_pods_and_a_relabelled_node_loses_its_pod():
    """upstream TestNodeSelectorDaemonLaunchesPods and TestSelectorDaemonDeletesUnselectedPods."""
    labelled = nodes(2, disk="ssd")
    sim = simulation(
        [DaemonSetController], [*labelled, *nodes(4)[2:], daemon_set(pod={"nodeSelector": {"disk": "ssd"}})]
    )
    assert placed(sim) == ["node-0", "node-1"]
    sim.operator.patch("Node", None, "node-1", {"metadata": {"labels": {"disk": None}}})
    sim.run_for(0)
    assert placed(sim) == ["node-0"]
    assert events(sim, "SuccessfulDelete")[-1][1].startswith("Deleted pod: agent-")


def test_required_node_affinity_is_kept_for_eligibility():
    """upstream TestNodeAffinityDaemonLaunchesPods: a DaemonSet's own required node affinity picks the nodes."""
    affinity = {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [{"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}]}]
            }
        }
    }
    zoned = nodes(1, zone="a")
    sim = simulation(
        [DaemonSetController], [*zoned, node_manifest("node-9", 9), daemon_set(pod={"affinity": affinity})]
    )
    assert placed(sim) == ["node-0"]


def test_new_node_gets_a_pod_and_a_deleted_pod_is_replaced():
    sim = simulation([DaemonSetController], [*nodes(1), daemon_set()])
    sim.operator.create("Node", node_manifest("node-7", 7))
    sim.run_for(0)
    assert placed(sim) == ["node-0", "node-7"]
    victim = pods(sim)[0]
    sim.operator.delete("Pod", "default", victim["metadata"]["name"])
    sim.run_for(0)
    assert len(pods(sim)) == 2 and victim["metadata"]["name"] not in [p["metadata"]["name"] for p in pods(sim)]


def test_failed_daemon_pod_is_deleted_with_upstream_event():
    """upstream TestDaemonKillFailedPods."""
    sim = simulation([DaemonSetController], [*nodes(1), daemon_set()])
    (pod,) = pods(sim)
    set_pod_status(sim, pod, phase="Failed", ready=False)
    sim.run_for(0)
    message = f"Found failed daemon pod default/{pod['metadata']['name']} on node node-0, will try to kill it"
    assert ("FailedDaemonPod", message) in events(sim)
    assert [p["metadata"]["name"] for p in pods(sim)] != [pod["metadata"]["name"]] and len(pods(sim)) == 1


def test_status_counts_ready_available_updated_and_misscheduled():
    sim = simulation([DaemonSetController], [*nodes(3, role="x"), daemon_set(pod={"nodeSelector": {"role": "x"}})])
    ready_all(sim)
    sim.operator.patch("Node", None, "node-2", {"metadata": {"labels": {"role": None}}})
    sim.run_for(0)
    status = sim.get("DaemonSet", "default/agent")["status"]
    assert (status["desiredNumberScheduled"], status["currentNumberScheduled"], status["numberReady"]) == (2, 2, 2)
    assert (status["numberAvailable"], status["updatedNumberScheduled"], status.get("numberUnavailable")) == (
        2,
        2,
        None,
    )


def test_rolling_update_replaces_at_most_max_unavailable_pods_at_a_time():
    """upstream TestDaemonSetUpdatesPods: maxUnavailable 2 over 5 nodes, new revision and template generation."""
    rolling = {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 2}}
    sim = simulation([DaemonSetController], [*nodes(5), daemon_set(updateStrategy=rolling)])
    ready_all(sim)
    sim.operator.patch(
        "DaemonSet",
        "default",
        "agent",
        {"spec": {"template": {"spec": {"containers": [{"name": "web", "image": "nginx:1.28"}]}}}},
        "strategic",
    )
    sim.run_for(0)
    ds = sim.get("DaemonSet", "default/agent")
    assert ds["metadata"]["annotations"]["deprecated.daemonset.template.generation"] == "2"
    images = sorted(pod["spec"]["containers"][0]["image"] for pod in pods(sim))
    assert images == ["nginx:1.27"] * 3 + ["nginx:1.28"] * 2
    ready_all(sim)
    images = sorted(pod["spec"]["containers"][0]["image"] for pod in pods(sim))
    assert images == ["nginx:1.27"] + ["nginx:1.28"] * 4
    ready_all(sim)
    assert {pod["spec"]["containers"][0]["image"] for pod in pods(sim)} == {"nginx:1.28"}
    ready_all(sim)  # the last node's new pod, created once its old one went
    revisions = sorted((r["revision"], r["metadata"]["name"]) for r in sim.objects("ControllerRevision", "default"))
    assert [number for number, _ in revisions] == [1, 2]
    status = sim.get("DaemonSet", "default/agent")["status"]
    assert (status["updatedNumberScheduled"], status["numberAvailable"], status["observedGeneration"]) == (5, 5, 2)


def test_rolling_update_with_max_surge_starts_the_new_pod_beside_the_old_one():
    """upstream TestDaemonSetUpdatesPodsWithMaxSurge: with maxSurge 1 the old pod goes once the new is available."""
    rolling = {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}}
    sim = simulation([DaemonSetController], [*nodes(2), daemon_set(updateStrategy=rolling)])
    ready_all(sim)
    sim.operator.patch(
        "DaemonSet", "default", "agent", {"spec": {"template": {"metadata": {"labels": {"v": "2"}}}}}, "strategic"
    )
    sim.run_for(0)
    assert len(pods(sim)) == 3  # two old, one new beside one of them
    ready_all(sim)
    assert len(pods(sim)) == 3  # the surged node's old pod went, the next node surges
    ready_all(sim)
    assert len(pods(sim)) == 2
    assert all(pod["metadata"]["labels"].get("v") == "2" for pod in pods(sim))


def test_undoing_to_an_old_template_renumbers_its_revision():
    """upstream constructHistory: the revision matching the template takes the next number (rollout undo)."""
    sim = simulation([DaemonSetController], [*nodes(1), daemon_set()])
    first = sim.objects("ControllerRevision", "default")[0]
    sim.operator.patch(
        "DaemonSet", "default", "agent", {"spec": {"template": {"metadata": {"labels": {"v": "2"}}}}}, "strategic"
    )
    sim.run_for(0)
    sim.operator.patch("DaemonSet", "default", "agent", first["data"], "strategic")
    sim.run_for(0)
    numbers = {r["metadata"]["name"]: r["revision"] for r in sim.objects("ControllerRevision", "default")}
    assert numbers[first["metadata"]["name"]] == 3 and sorted(numbers.values()) == [2, 3]
    assert first["data"]["spec"]["template"]["$patch"] == "replace"


def test_on_delete_strategy_leaves_old_pods_until_deleted():
    sim = simulation([DaemonSetController], [*nodes(1), daemon_set(updateStrategy={"type": "OnDelete"})])
    ready_all(sim)
    (old,) = pods(sim)
    sim.operator.patch(
        "DaemonSet", "default", "agent", {"spec": {"template": {"metadata": {"labels": {"v": "2"}}}}}, "strategic"
    )
    sim.run_for(0)
    assert [pod["metadata"]["name"] for pod in pods(sim)] == [old["metadata"]["name"]]
    sim.operator.delete("Pod", "default", old["metadata"]["name"])
    sim.run_for(0)
    assert [pod["metadata"]["labels"].get("v") for pod in pods(sim)] == ["2"]


def test_a_pod_failing_again_at_once_waits_out_the_failed_pod_back_off():
    """upstream failedPodsBackoff: 1 s after the first failed pod, then doubling."""
    sim = simulation([DaemonSetController], [*nodes(1), daemon_set()])
    (first,) = pods(sim)
    set_pod_status(sim, first, phase="Failed", ready=False)
    sim.run_for(0)
    (second,) = pods(sim)
    set_pod_status(sim, second, phase="Failed", ready=False)
    sim.run_for(0.5)
    assert [pod["metadata"]["name"] for pod in pods(sim)] == [second["metadata"]["name"]]  # left for now
    sim.run_for(1)
    assert [pod["metadata"]["name"] for pod in pods(sim)] != [second["metadata"]["name"]]
    assert len(events(sim, "FailedDaemonPod")) == 2
