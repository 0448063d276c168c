"""pods/binding, one at a time and in batches: refusals judged per pod, annotations carried, one commit."""

from cluster_engine.api import errors
from cluster_engine.api.errors import ApiError

from .conftest import snapshot
from .manifests import pod

DECISION = {"kubelab.io/scheduling-decision": '{"node":"worker-1"}'}


def created(server, *names):
    for name in names:
        server.create("Pod", pod(name))


def test_bind_carries_the_binding_annotations_onto_the_pod(server):
    server.create("Pod", {**pod("web-1"), "metadata": {**pod("web-1")["metadata"], "annotations": {"team": "blue"}}})
    bound = server.bind("default", "web-1", "worker-1", DECISION)
    assert bound["metadata"]["annotations"] == {"team": "blue", **DECISION}
    assert server.get("Pod", "default", "web-1")["metadata"]["annotations"] == {"team": "blue", **DECISION}


def test_bind_without_annotations_adds_none(server):
    created(server, "web-1")
    assert "annotations" not in server.bind("default", "web-1", "worker-1")["metadata"]


def test_bind_many_binds_each_pod_with_one_version_bump_each_and_one_commit(server, watch):
    created(server, "web-1", "web-2", "web-3")
    before = server.storage.resource_version()
    commits = []
    server.storage.subscribers.append(lambda event: commits.append(server.storage.resource_version()))
    results = server.bind_many(
        [
            ("default", "web-1", "worker-1", DECISION),
            ("default", "web-2", "worker-2", {}),
            ("default", "web-3", "worker-1", None),
        ]
    )
    assert [result["spec"]["nodeName"] for result in results] == ["worker-1", "worker-2", "worker-1"]
    assert [int(result["metadata"]["resourceVersion"]) for result in results] == [before + 1, before + 2, before + 3]
    assert server.storage.resource_version() == before + 3
    # every event is published after the single commit, in binding order
    assert commits == [before + 3] * 3
    assert [(event["type"], event["object"]["metadata"]["name"]) for event in watch[-3:]] == [
        ("MODIFIED", "web-1"),
        ("MODIFIED", "web-2"),
        ("MODIFIED", "web-3"),
    ]
    stored = server.get("Pod", "default", "web-1")
    assert stored["metadata"]["annotations"] == DECISION
    assert [(c["type"], c["status"]) for c in stored["status"]["conditions"]] == [("PodScheduled", "True")]
    assert "annotations" not in server.get("Pod", "default", "web-2")["metadata"]


def test_bind_many_refuses_each_binding_alone_and_keeps_the_others(server):
    created(server, "web-1", "web-2", "leaving")
    server.bind("default", "web-2", "worker-2")
    server.storage.subscribers.clear()
    leaving = server.get("Pod", "default", "leaving")
    server.update("Pod", {**leaving, "metadata": {**leaving["metadata"], "finalizers": ["example.com/hold"]}})
    server.delete("Pod", "default", "leaving")
    before = server.storage.resource_version()
    results = server.bind_many(
        [
            ("default", "missing", "worker-1", DECISION),
            ("default", "web-2", "worker-1", DECISION),
            ("default", "web-1", "worker-3", DECISION),
            ("default", "leaving", "worker-1", DECISION),
        ]
    )
    assert [type(result) for result in results] == [ApiError, ApiError, dict, ApiError]
    assert [(results[i].code, results[i].message) for i in (0, 1, 3)] == [
        (404, 'pods "missing" not found'),
        (409, 'Operation cannot be fulfilled on pods "web-2": pod web-2 is already assigned to node "worker-2"'),
        (
            409,
            'Operation cannot be fulfilled on pods "leaving": pod leaving is being deleted, cannot be assigned to a host',
        ),
    ]
    assert results[2]["metadata"]["resourceVersion"] == str(before + 1)
    assert server.storage.resource_version() == before + 1
    assert server.get("Pod", "default", "web-2")["spec"]["nodeName"] == "worker-2"
    assert "annotations" not in server.get("Pod", "default", "web-2")["metadata"]
    assert server.get("Pod", "default", "web-1")["spec"]["nodeName"] == "worker-3"


def test_bind_many_through_a_closed_gate_refuses_every_binding_and_writes_nothing(server):
    created(server, "web-1", "web-2")
    refusal = errors.service_unavailable(
        "the server is currently unable to handle the request (kube-apiserver is down)"
    )
    server.gate = lambda verb, kind: refusal
    before = snapshot(server.storage)
    results = server.bind_many([("default", "web-1", "worker-1", DECISION), ("default", "web-2", "worker-1", None)])
    assert results == [refusal, refusal]
    assert snapshot(server.storage) == before


def test_bind_many_of_nothing_writes_nothing(server):
    before = snapshot(server.storage)
    assert server.bind_many([]) == []
    assert snapshot(server.storage) == before
