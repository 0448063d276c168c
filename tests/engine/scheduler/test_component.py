"""The scheduler component in a whole simulated cluster: bindings, events, conditions, retries, preemption."""

import json

from cluster_engine.api.errors import service_unavailable
from cluster_engine.scenarios import cluster_objects
from cluster_engine.scheduler.component import Scheduler
from cluster_engine.scheduler.decision import ANNOTATION
from cluster_engine.simulation import Simulation

from .objects import node, pod

NAMESPACE = [
    {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "default"}},
    {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": "default"}},
]


def start(*objects, seed=1):
    sim = Simulation(seed=seed, components=[Scheduler])
    sim.apply(NAMESPACE + list(objects))
    sim.start()
    return sim


def events(sim, reason):
    found = [event for event in sim.objects("Event") if event["reason"] == reason]
    return [(event["involvedObject"]["name"], event["message"]) for event in found]


def manifest(item):
    """A pod as a user submits it: no uid, no status."""
    item["metadata"].pop("uid", None)
    return item


def test_pending_pods_are_bound_with_an_event_and_an_explained_decision():
    sim = start(node("node-1"), node("node-2"), manifest(pod("web-1", cpu="500m")))
    bound = sim.get("Pod", "default/web-1")
    assert bound["spec"]["nodeName"] in ("node-1", "node-2")
    assert events(sim, "Scheduled") == [
        ("web-1", f"Successfully assigned default/web-1 to {bound['spec']['nodeName']}")
    ]
    decision = json.loads(bound["metadata"]["annotations"][ANNOTATION])
    assert decision["node"] == bound["spec"]["nodeName"]
    assert {row["node"] for row in decision["scores"]} == {"node-1", "node-2"}
    assert any(c["type"] == "PodScheduled" and c["status"] == "True" for c in bound["status"]["conditions"])


def test_unschedulable_pod_gets_condition_and_event_then_lands_when_a_node_joins():
    objects = [item for item in cluster_objects(workers=3) if item["kind"] == "Node"]
    sim = start(*objects, manifest(pod("web-1", cpu="64")))
    pending = sim.get("Pod", "default/web-1")
    condition = next(c for c in pending["status"]["conditions"] if c["type"] == "PodScheduled")
    expected = (
        "0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, "
        "3 Insufficient cpu. preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, "
        "3 No preemption victims found for incoming pod."
    )
    assert (condition["status"], condition["reason"], condition["message"]) == ("False", "Unschedulable", expected)
    assert events(sim, "FailedScheduling") == [("web-1", expected)]
    sim.run_for(30)
    assert not sim.get("Pod", "default/web-1")["spec"].get("nodeName")
    sim.operator.create("Node", node("big-node", cpu="96", memory="384Gi"))
    sim.run_for(2)  # the node event moves it out of unschedulable; its 1 s backoff has long expired
    assert sim.get("Pod", "default/web-1")["spec"]["nodeName"] == "big-node"


def test_preemption_deletes_the_victim_and_the_preemptor_follows():
    sim = start(node("node-1", cpu="2"), manifest(pod("batch", cpu="1500m")))
    assert sim.get("Pod", "default/batch")["spec"]["priority"] == 0  # no default class: the Priority plugin's 0
    assert sim.get("Pod", "default/batch")["spec"]["nodeName"] == "node-1"
    high = {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "high"}, "value": 1000}
    sim.operator.create("PriorityClass", high)
    sim.operator.create("Pod", manifest(pod("critical", cpu="1", priorityClassName="high")))
    assert sim.get("Pod", "default/critical")["spec"]["priority"] == 1000
    sim.run_for(0)
    critical = sim.get("Pod", "default/critical")
    assert critical["status"]["nominatedNodeName"] == "node-1"
    scheduler = sim.control_plane.components[0]
    assert {key: node for key, (_, node) in scheduler.algorithm.nominated.items()} == {"default/critical": "node-1"}
    victim = sim.get("Pod", "default/batch")
    assert victim is None or victim["metadata"].get("deletionTimestamp")
    assert events(sim, "Preempted")[0][1] == f"Preempted by pod {critical['metadata']['uid']} on node node-1"
    if victim is not None:  # graceful deletion: the kubelet would finish it; do so as the operator
        sim.operator.delete("Pod", "default", "batch", grace_period_seconds=0)
    sim.run_for(2)
    assert sim.get("Pod", "default/critical")["spec"]["nodeName"] == "node-1"
    assert scheduler.algorithm.nominated == {}


def test_a_pod_that_just_failed_waits_out_its_one_second_backoff():
    sim = start(node("small", cpu="1"), manifest(pod("web-1", cpu="2")))
    sim.run_for(0.25)
    sim.operator.create("Node", node("large", cpu="4"))
    sim.run_for(0.5)  # t = 0.75: the node event moved the pod to backoffQ, which it leaves at t = 1
    assert not sim.get("Pod", "default/web-1")["spec"].get("nodeName")
    sim.run_for(0.25)
    assert sim.now == 1.0
    assert sim.get("Pod", "default/web-1")["spec"]["nodeName"] == "large"


def test_a_pass_binds_every_pod_in_one_commit_with_its_decision_in_the_binding():
    sim = Simulation(seed=1, components=[Scheduler])
    sim.apply([*NAMESPACE, node("node-1")])
    sim.apply([manifest(pod(f"web-{index}", cpu="100m")) for index in range(3)])
    commits = []
    sim.storage.subscribers.append(lambda event: commits.append((sim.storage.resource_version(), event)))
    sim.start()
    pod_events = [
        (version, event["type"], event["object"]) for version, event in commits if event["object"]["kind"] == "Pod"
    ]
    # one MODIFIED per pod (no separate annotation patch), all published after the same commit
    assert [(event_type, obj["metadata"]["name"]) for _, event_type, obj in pod_events] == [
        ("MODIFIED", "web-0"),
        ("MODIFIED", "web-1"),
        ("MODIFIED", "web-2"),
    ]
    assert len({version for version, _, _ in pod_events}) == 1
    for _, _, obj in pod_events:
        assert obj["spec"]["nodeName"] == "node-1"
        assert json.loads(obj["metadata"]["annotations"][ANNOTATION])["node"] == "node-1"


def test_a_refused_binding_is_reported_forgotten_and_retried_after_its_backoff():
    sim = Simulation(seed=1, components=[Scheduler])
    sim.apply([*NAMESPACE, node("node-1", cpu="1")])
    sim.apply([manifest(pod("web-1", cpu="800m"))])
    open_gate = sim.server.gate
    refusal = service_unavailable("the server is currently unable to handle the request (kube-apiserver is down)")
    # pods/binding is a create on pods: refuse exactly that request, as an overloaded API server might
    sim.server.gate = lambda verb, kind: refusal if (verb, kind.kind) == ("create", "Pod") else open_gate(verb, kind)
    sim.start()
    assert not sim.get("Pod", "default/web-1")["spec"].get("nodeName")
    assert events(sim, "FailedScheduling") == [
        (
            "web-1",
            'running Bind plugin "DefaultBinder": '
            "the server is currently unable to handle the request (kube-apiserver is down)",
        )
    ]
    condition = next(c for c in sim.get("Pod", "default/web-1")["status"]["conditions"] if c["type"] == "PodScheduled")
    # upstream handleSchedulingFailure: a Bind error is not a rejection, so the reason is SchedulerError
    assert (condition["status"], condition["reason"], condition["message"]) == (
        "False",
        "SchedulerError",
        'running Bind plugin "DefaultBinder": '
        "the server is currently unable to handle the request (kube-apiserver is down)",
    )
    scheduler = sim.control_plane.components[0]
    assert scheduler.snapshot.node_info("node-1").pods == {}  # the assumed 800m were given back
    assert scheduler.queue.listing()["backoff"] == ["default/web-1"]
    sim.server.gate = open_gate
    sim.run_for(0.5)
    assert not sim.get("Pod", "default/web-1")["spec"].get("nodeName")
    sim.run_for(0.5)  # the 1 s backoff after an error, as upstream's backoffQ
    assert sim.get("Pod", "default/web-1")["spec"]["nodeName"] == "node-1"


def test_a_refused_binding_clears_the_nominated_node():
    sim = Simulation(seed=1, components=[Scheduler])
    sim.apply([*NAMESPACE, node("node-1", cpu="1")])
    sim.apply([manifest(pod("web-1", cpu="800m"))])
    sim.client.patch("Pod", "default", "web-1", {"status": {"nominatedNodeName": "node-1"}}, subresource="status")
    open_gate = sim.server.gate
    refusal = service_unavailable("the server is currently unable to handle the request (kube-apiserver is down)")
    sim.server.gate = lambda verb, kind: refusal if (verb, kind.kind) == ("create", "Pod") else open_gate(verb, kind)
    sim.start()
    # upstream handleBindingCycleError passes clearNominatedNode to the failure handler
    assert "nominatedNodeName" not in sim.get("Pod", "default/web-1")["status"]
    scheduler = sim.control_plane.components[0]
    assert scheduler.algorithm.nominated == {}
