"""Streaming lists (`sendInitialEvents`) over plain HTTP against a live lab: the objects as ADDED, the bookmark that
closes them, then live changes; and the kubectl commands that wait on one (rollout status, wait) return."""

import json
from contextlib import contextmanager

import requests
import yaml

DEMO = "/k8s/clusters/demo"
NAMESPACE = "streaming"
CONFIG_MAPS = f"/api/v1/namespaces/{NAMESPACE}/configmaps"
WATCH_LIST = "watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true"
SELECTED = "labelSelector=lesson%3Dstreaming"
END = {"k8s.io/initial-events-end": "true"}
TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io"


def get(lab, query: str, **options) -> requests.Response:
    """GET the lesson's config maps as the admin (the CA given per request: a Session's own is overridden)."""
    config = yaml.safe_load(lab.kubeconfig().read_text())
    headers = {"Authorization": f"Bearer {config['users'][0]['user']['token']}", **options.pop("headers", {})}
    ca = str(lab.var_dir / "kubeapi-tls" / "apiserver.crt")
    return requests.get(f"{lab.base}{DEMO}{CONFIG_MAPS}?{query}", headers=headers, verify=ca, timeout=30, **options)


@contextmanager
def watching(lab, query: str, accept: str = "application/json"):
    """The decoded events of a watch on the lesson's config maps, read as they arrive."""
    with get(lab, query, headers={"Accept": accept}, stream=True) as response:
        assert response.status_code == 200
        yield (json.loads(line) for line in response.iter_lines(chunk_size=None) if line)


def ensure_config_maps(kubectl) -> None:
    """The namespace with config maps a and b of the lesson (and one outside it), once per lab."""
    if kubectl("get", "namespace", NAMESPACE).returncode == 0:
        return
    assert kubectl("create", "namespace", NAMESPACE).returncode == 0
    for name in ("b", "a", "other"):
        assert kubectl("create", "configmap", name, "-n", NAMESPACE, "--from-literal=k=v").returncode == 0
    assert kubectl("label", "configmap", "a", "b", "-n", NAMESPACE, "lesson=streaming").returncode == 0


def names(events: list[dict]) -> list[tuple[str, str]]:
    return [(event["type"], event["object"]["metadata"].get("name", "")) for event in events]


def until_bookmark(events) -> list[dict]:
    taken = []
    for event in events:
        taken.append(event)
        if event["type"] == "BOOKMARK":
            return taken
    raise AssertionError(f"the stream ended before its bookmark: {taken}")


def test_a_streaming_list_sends_the_objects_then_the_bookmark_then_what_changes(lab, kubectl):
    ensure_config_maps(kubectl)
    with watching(lab, f"{WATCH_LIST}&{SELECTED}&timeoutSeconds=20") as events:
        initial = until_bookmark(events)
        assert names(initial) == [("ADDED", "a"), ("ADDED", "b"), ("BOOKMARK", "")]
        bookmark = initial[-1]["object"]
        marked = int(bookmark["metadata"]["resourceVersion"])
        assert bookmark == {
            "kind": "ConfigMap",
            "apiVersion": "v1",
            "metadata": {"resourceVersion": str(marked), "annotations": END},
        }
        assert all(int(event["object"]["metadata"]["resourceVersion"]) <= marked for event in initial[:-1])
        labelled = kubectl("label", "configmap", "other", "-n", NAMESPACE, "lesson=streaming")
        assert labelled.returncode == 0
        entered = next(events)
        assert names([entered]) == [("ADDED", "other")]  # it starts matching the selector
        assert int(entered["object"]["metadata"]["resourceVersion"]) > marked
    kubectl("label", "configmap", "other", "-n", NAMESPACE, "lesson-")


def test_a_streaming_list_from_a_version_sends_state_at_least_that_new(lab, kubectl):
    ensure_config_maps(kubectl)
    listed = get(lab, SELECTED).json()
    version = int(listed["metadata"]["resourceVersion"])
    with watching(lab, f"{WATCH_LIST}&{SELECTED}&resourceVersion={version}&timeoutSeconds=20") as events:
        initial = until_bookmark(events)
    assert names(initial) == [("ADDED", "a"), ("ADDED", "b"), ("BOOKMARK", "")]
    assert int(initial[-1]["object"]["metadata"]["resourceVersion"]) >= version


def test_a_version_the_cluster_has_not_reached_ends_in_an_error_event(lab, kubectl):
    ensure_config_maps(kubectl)
    future = 10**12
    with watching(lab, f"{WATCH_LIST}&resourceVersion={future}&timeoutSeconds=20") as events:
        received = list(events)  # upstream waits 3 s for the version, then gives up
    assert [event["type"] for event in received] == ["ERROR"]
    status = received[0]["object"]
    assert (status["code"], status["reason"]) == (504, "Timeout")
    assert status["message"].startswith(f"Timeout: Too large resource version: {future}, current: ")
    assert status["details"] == {
        "causes": [{"reason": "ResourceVersionTooLarge", "message": "Too large resource version"}],
        "retryAfterSeconds": 1,
    }


def test_without_bookmarks_the_objects_come_but_no_end_marker(lab, kubectl):
    ensure_config_maps(kubectl)
    query = f"watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&{SELECTED}&timeoutSeconds=2"
    with watching(lab, query) as events:
        assert names(list(events)) == [("ADDED", "a"), ("ADDED", "b")]


def test_send_initial_events_false_starts_from_now_with_nothing_replayed(lab, kubectl):
    ensure_config_maps(kubectl)
    query = f"watch=1&sendInitialEvents=false&resourceVersionMatch=NotOlderThan&{SELECTED}&timeoutSeconds=20"
    with watching(lab, query) as events:
        # The stream has started (its headers came): what changes now is the first thing it sends.
        assert kubectl("annotate", "configmap", "b", "-n", NAMESPACE, f"seen={lab.port}", "--overwrite").returncode == 0
        first = next(events)
    assert names([first]) == [("MODIFIED", "b")]
    assert first["object"]["metadata"]["annotations"]["seen"] == str(lab.port)


def test_a_table_streaming_list_sends_rows_then_the_bookmark_as_a_table(lab, kubectl):
    ensure_config_maps(kubectl)
    with watching(lab, f"{WATCH_LIST}&{SELECTED}&timeoutSeconds=20", accept=TABLE) as events:
        initial = until_bookmark(events)
    assert [(event["type"], event["object"]["kind"]) for event in initial] == [
        ("ADDED", "Table"),
        ("ADDED", "Table"),
        ("BOOKMARK", "Table"),
    ]
    assert [event["object"]["rows"][0]["cells"][0] for event in initial[:2]] == ["a", "b"]
    (row,) = initial[-1]["object"]["rows"]
    assert row["object"]["kind"] == "PartialObjectMetadata"
    assert row["object"]["metadata"]["annotations"] == END


# kubectl's waiting commands list through a streaming list since client-go turned WatchListClient on: each returns
# only once it has the bookmark that closes the initial events.
def test_rollout_status_returns_once_a_changed_deployment_has_rolled_out(kubectl):
    assert kubectl("create", "deployment", "rolling", "--image=nginx:1.27", "--replicas=2").returncode == 0
    assert kubectl("set", "image", "deployment/rolling", "nginx=nginx:1.28").returncode == 0
    status = kubectl("rollout", "status", "deployment/rolling", "--timeout=60s", timeout=90)
    assert status.returncode == 0, status.stderr
    assert status.stdout.strip().splitlines()[-1] == 'deployment "rolling" successfully rolled out'
    kubectl("delete", "deployment", "rolling", "--wait=false")


def test_wait_for_a_condition_returns_when_it_holds(kubectl):
    available = kubectl("wait", "--for=condition=Available", "deployment/web", "--timeout=60s", timeout=90)
    assert (available.returncode, available.stdout.strip()) == (0, "deployment.apps/web condition met"), (
        available.stderr
    )


def test_wait_for_delete_returns_when_the_pod_is_gone(kubectl):
    # Its container takes 200 s (4 s of wall time at the lab's speed) to stop: kubectl wait starts while it is there.
    run = kubectl("run", "short-lived", "--image=nginx:1.27", "--annotations=kubelab.io/shutdown-seconds=200")
    assert run.returncode == 0, run.stderr
    assert kubectl("wait", "--for=condition=Ready", "pod/short-lived", "--timeout=60s", timeout=90).returncode == 0
    assert kubectl("delete", "pod", "short-lived", "--grace-period=300", "--wait=false").returncode == 0
    terminating = kubectl("get", "pod", "short-lived", "-o", "jsonpath={.metadata.deletionTimestamp}")
    assert terminating.stdout != ""
    gone = kubectl("wait", "--for=delete", "pod/short-lived", "--timeout=60s", timeout=90)
    assert (gone.returncode, gone.stdout.strip()) == (0, "pod/short-lived condition met"), gone.stderr
    assert kubectl("get", "pod", "short-lived").returncode == 1
