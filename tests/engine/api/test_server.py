"""The API server's write path: versions, conflicts, generation, defaults, namespaces, selectors and watch events."""

import pytest

from cluster_engine.api.errors import ApiError
from cluster_engine.api.server import MAX_REQUEST_BYTES

from .conftest import snapshot
from .manifests import config_map, deployment, namespace, node, pod, service


def _refused(server, call, *args, **kwargs) -> ApiError:
    before = snapshot(server.storage)
    with pytest.raises(ApiError) as refused:
        call(*args, **kwargs)
    assert snapshot(server.storage) == before
    return refused.value


# ---- resourceVersion ------------------------------------------------------------------------------------------
def test_resource_version_is_one_counter_across_kinds(server):
    start = server.storage.resource_version()
    versions = [
        server.create("ConfigMap", config_map())["metadata"]["resourceVersion"],
        server.create("Node", node())["metadata"]["resourceVersion"],
        server.create("Pod", pod())["metadata"]["resourceVersion"],
        server.patch("ConfigMap", "default", "settings", {"data": {"mode": "slow"}})["metadata"]["resourceVersion"],
    ]
    assert versions == [str(start + 1), str(start + 2), str(start + 3), str(start + 4)]
    items, list_version = server.list("ConfigMap")
    assert list_version == start + 4
    assert [item["metadata"]["resourceVersion"] for item in items] == [str(start + 4)]


def test_a_stale_update_is_a_409_and_changes_nothing(server):
    first = server.create("ConfigMap", config_map())
    server.update("ConfigMap", {**first, "data": {"mode": "slow"}})
    error = _refused(server, server.update, "ConfigMap", {**first, "data": {"mode": "stale"}})
    assert error.status() == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": 'Operation cannot be fulfilled on configmaps "settings": the object has been modified; please '
        "apply your changes to the latest version and try again",
        "reason": "Conflict",
        "code": 409,
        "details": {"name": "settings", "kind": "configmaps"},
    }
    assert server.get("ConfigMap", "default", "settings")["data"] == {"mode": "slow"}


def test_two_updates_from_the_same_version_exactly_one_wins(server, watch):
    read = server.create("Deployment", deployment(replicas=1))
    outcomes = []
    for replicas in (4, 6):
        body = {**read, "spec": {**read["spec"], "replicas": replicas}}
        try:
            outcomes.append(server.update("Deployment", body)["spec"]["replicas"])
        except ApiError as error:
            outcomes.append(error.code)
    assert outcomes == [4, 409]
    assert server.get("Deployment", "default", "web")["spec"]["replicas"] == 4
    assert [(event["type"], event["object"]["spec"]["replicas"]) for event in watch] == [("ADDED", 1), ("MODIFIED", 4)]


def test_an_update_without_a_version_is_unconditional(server):
    created = server.create("ConfigMap", config_map())
    body = {**created, "metadata": {**created["metadata"], "resourceVersion": ""}, "data": {"mode": "x"}}
    assert server.update("ConfigMap", body)["data"] == {"mode": "x"}


def test_a_no_op_update_keeps_the_resource_version_and_publishes_nothing(server, watch):
    created = server.create("Deployment", deployment())
    watch.clear()
    again = server.update("Deployment", created)
    assert again["metadata"]["resourceVersion"] == created["metadata"]["resourceVersion"]
    assert server.patch("Deployment", "default", "web", {"spec": {"replicas": 3}}) == created
    assert watch == []


def test_generation_moves_only_with_the_spec(server):
    created = server.create("Deployment", deployment())
    assert created["metadata"]["generation"] == 1
    labelled = server.patch("Deployment", "default", "web", {"metadata": {"labels": {"x": "y"}}})
    assert labelled["metadata"]["generation"] == 1
    status = server.update("Deployment", {**labelled, "status": {"replicas": 3}}, subresource="status")
    assert status["metadata"]["generation"] == 1
    assert status["status"] == {"replicas": 3}
    scaled = server.patch("Deployment", "default", "web", {"spec": {"replicas": 2}})
    assert scaled["metadata"]["generation"] == 2
    assert scaled["status"] == {"replicas": 3}  # the main resource leaves status alone


def test_server_owned_metadata_cannot_be_written(server):
    created = server.create("ConfigMap", config_map())
    forged = {
        **created,
        "metadata": {**created["metadata"], "uid": "forged", "creationTimestamp": "1999-01-01T00:00:00Z"},
        "data": {"mode": "x"},
    }
    updated = server.update("ConfigMap", forged)
    assert updated["metadata"]["uid"] == created["metadata"]["uid"]
    assert updated["metadata"]["creationTimestamp"] == "2026-01-01T00:00:00Z"


# ---- admission defaults ---------------------------------------------------------------------------------------
def test_a_three_line_pod_gets_what_admission_adds(server):
    created = server.create(
        "Pod", {"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}}
    )
    assert created["apiVersion"] == "v1"
    assert created["metadata"]["namespace"] == "default"
    assert len(created["metadata"]["uid"]) == 36
    assert created["metadata"]["creationTimestamp"] == "2026-01-01T00:00:00Z"
    spec = created["spec"]
    assert spec["serviceAccountName"] == spec["serviceAccount"] == "default"
    assert spec["tolerations"] == [
        {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
        {
            "key": "node.kubernetes.io/unreachable",
            "operator": "Exists",
            "effect": "NoExecute",
            "tolerationSeconds": 300,
        },
    ]
    assert (spec["restartPolicy"], spec["terminationGracePeriodSeconds"], spec["dnsPolicy"]) == (
        "Always",
        30,
        "ClusterFirst",
    )
    assert spec["containers"][0]["imagePullPolicy"] == "Always"
    assert created["status"] == {"phase": "Pending", "qosClass": "BestEffort"}


def test_a_pod_tolerating_everything_gets_no_extra_tolerations(server):
    created = server.create("Pod", pod(tolerations=[{"operator": "Exists"}]))
    assert created["spec"]["tolerations"] == [{"operator": "Exists"}]


def test_deployment_defaults(server):
    spec = server.create("Deployment", deployment())["spec"]
    assert spec["strategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}}
    assert (spec["revisionHistoryLimit"], spec["progressDeadlineSeconds"]) == (10, 600)


def test_a_pod_whose_service_account_is_missing_is_forbidden(server):
    error = _refused(server, server.create, "Pod", pod(serviceAccountName="robot"))
    assert (error.code, error.reason) == (403, "Forbidden")
    assert error.message == (
        'pods "web-1" is forbidden: error looking up service account default/robot: serviceaccount "robot" not found'
    )


def test_services_get_the_lowest_free_cluster_ip_and_node_port(server):
    first = server.create("Service", service("a", "NodePort"))
    second = server.create("Service", service("b", "NodePort"))
    assert (first["spec"]["clusterIP"], second["spec"]["clusterIP"]) == ("10.0.0.11", "10.0.0.12")
    assert (first["spec"]["ports"][0]["nodePort"], second["spec"]["ports"][0]["nodePort"]) == (30000, 30001)


# ---- generateName, dry run ------------------------------------------------------------------------------------
def test_generate_name_appends_five_characters_and_truncates_long_prefixes(server):
    generated = server.create("ConfigMap", {"metadata": {"generateName": "settings-"}})
    assert generated["metadata"]["name"].startswith("settings-")
    assert len(generated["metadata"]["name"]) == len("settings-") + 5
    long = server.create("ConfigMap", {"metadata": {"generateName": "x" * 70}})
    assert long["metadata"]["name"][:58] == "x" * 58
    assert len(long["metadata"]["name"]) == 63


def test_dry_run_changes_nothing(server, watch):
    before = snapshot(server.storage)
    created = server.create("Deployment", deployment(), dry_run=True)
    assert created["metadata"]["generation"] == 1
    assert snapshot(server.storage) == before
    server.create("ConfigMap", config_map())
    before = snapshot(server.storage)
    watch.clear()
    assert server.patch("ConfigMap", "default", "settings", {"data": {"m": "n"}}, dry_run=True)["data"] == {
        "mode": "fast",
        "m": "n",
    }
    assert server.delete("ConfigMap", "default", "settings", dry_run=True).finished is True
    assert snapshot(server.storage) == before
    assert watch == []


# ---- namespaces -----------------------------------------------------------------------------------------------
def test_creating_in_a_missing_namespace_is_404(server):
    error = _refused(server, server.create, "Pod", pod(namespace="nowhere"))
    assert (error.code, error.message) == (404, 'namespaces "nowhere" not found')


def test_a_terminating_namespace_refuses_new_content_and_finishes_when_finalized(server):
    server.create("Namespace", namespace())
    server.create("ServiceAccount", {"metadata": {"name": "default", "namespace": "team-a"}})
    result = server.delete("Namespace", None, "team-a")
    assert result.finished is False
    assert result.object["status"]["phase"] == "Terminating"
    error = _refused(server, server.create, "ConfigMap", {"metadata": {"name": "c", "namespace": "team-a"}})
    assert (error.code, error.reason) == (403, "Forbidden")
    assert error.message == (
        'configmaps "c" is forbidden: unable to create new content in namespace team-a because it is being terminated'
    )
    current = server.get("Namespace", None, "team-a")
    # a plain update cannot drop the finalizer; namespaces/finalize can
    kept = server.update("Namespace", {**current, "spec": {"finalizers": []}})
    assert kept["spec"]["finalizers"] == ["kubernetes"]
    server.update("Namespace", {**current, "spec": {"finalizers": []}}, subresource="finalize")
    with pytest.raises(ApiError) as gone:
        server.get("Namespace", None, "team-a")
    assert gone.value.code == 404


# ---- reads and selectors --------------------------------------------------------------------------------------
def test_label_and_field_selectors(server):
    server.create("Node", node("worker-1", 1))
    server.create("Node", node("worker-2", 2))
    server.create("Pod", pod("a"))
    server.create("Pod", {**pod("b"), "metadata": {"name": "b", "namespace": "default", "labels": {"app": "db"}}})
    server.bind("default", "a", "worker-1")
    names = lambda items: [item["metadata"]["name"] for item in items[0]]  # noqa: E731
    assert names(server.list("Pod", "default", label_selector="app=web")) == ["a"]
    assert names(server.list("Pod", "default", label_selector="app in (web,db),app!=web")) == ["b"]
    assert names(server.list("Pod", field_selector="spec.nodeName=worker-1")) == ["a"]
    assert names(server.list("Pod", field_selector="spec.nodeName!=worker-1")) == ["b"]
    assert names(server.list("Pod", field_selector="metadata.name==b,status.phase=Pending")) == ["b"]
    assert names(server.list("Node", field_selector="metadata.name=worker-2")) == ["worker-2"]


def test_bad_selectors_are_400(server):
    with pytest.raises(ApiError) as bad_field:
        server.list("Pod", field_selector="spec.image=nginx")
    assert (bad_field.value.code, bad_field.value.message) == (400, "field label not supported: spec.image")
    with pytest.raises(ApiError) as bad_label:
        server.list("Pod", label_selector="app in (web")
    assert bad_label.value.code == 400


def test_unknown_kind_and_missing_object(server):
    with pytest.raises(ApiError) as unknown:
        server.get("Widget", "default", "w")
    assert (unknown.value.code, unknown.value.message) == (
        404,
        'the server could not find the requested resource (kind "Widget")',
    )
    with pytest.raises(ApiError) as missing:
        server.get("Deployment", "default", "nope")
    assert missing.value.status()["message"] == 'deployments.apps "nope" not found'
    assert missing.value.status()["details"] == {"name": "nope", "kind": "deployments", "group": "apps"}


def test_bind_sets_the_node_and_refuses_a_second_binding(server):
    server.create("Pod", pod())
    bound = server.bind("default", "web-1", "worker-1")
    assert bound["spec"]["nodeName"] == "worker-1"
    assert bound["status"]["conditions"][0]["type"] == "PodScheduled"
    error = _refused(server, server.bind, "default", "web-1", "worker-2")
    assert (
        error.message
        == 'Operation cannot be fulfilled on pods "web-1": pod web-1 is already assigned to node "worker-1"'
    )


# ---- watch events ---------------------------------------------------------------------------------------------
def test_watch_events_follow_each_committed_write_in_order(server, watch):
    server.create("ConfigMap", config_map())
    server.patch("ConfigMap", "default", "settings", {"data": {"mode": "slow"}})
    server.delete("ConfigMap", "default", "settings")
    assert [(event["type"], event["object"]["metadata"]["resourceVersion"]) for event in watch] == [
        ("ADDED", "7"),
        ("MODIFIED", "8"),
        ("DELETED", "9"),
    ]


def test_a_refused_write_publishes_nothing(server, watch):
    with pytest.raises(ApiError):
        server.create("ConfigMap", config_map(data={"bad key": "x"}))
    assert watch == []


def test_a_rolled_back_transaction_publishes_nothing_and_stores_nothing(server, watch):
    before = snapshot(server.storage)
    with pytest.raises(RuntimeError), server.storage.transaction():
        server.create("ConfigMap", config_map())
        assert watch == []  # not before commit
        raise RuntimeError("the database went away")
    assert watch == []
    assert snapshot(server.storage) == before
    server.create("ConfigMap", config_map())
    assert [event["type"] for event in watch] == ["ADDED"]


def test_the_request_size_limit_is_upstreams_default():
    assert MAX_REQUEST_BYTES == 3 * 1024 * 1024
