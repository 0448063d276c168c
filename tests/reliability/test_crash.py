"""kill -9 of the lab while clients write: what it acknowledged survives, nothing appears twice, the control plane
converges after the restart, and a watch from before the crash resumes or is told to list again (410) as upstream.

The database plays etcd: an acknowledged write is a committed transaction, and SQLite in WAL mode keeps it across a
killed process. A request in flight when the process died may have committed or not; either is allowed, so the
stored objects must lie between what was acknowledged and what was attempted.
"""

import json
import threading

import pytest
import requests

from tests.livelab import LabServer, free_port

from .conftest import kube_api


@pytest.fixture(scope="module")
def crash_lab(tmp_path_factory):
    server = LabServer(tmp_path_factory.mktemp("crash"), free_port(), speed=50)
    server.start()
    yield server
    server.stop()


def watch_until(kube, path: str, done, timeout: float = 60) -> dict:
    """List `path`, then follow its watch until done(objects by name) holds; returns those objects."""
    session = kube.session()
    listed = session.get(f"{kube.api}{path}").json()
    objects = {item["metadata"]["name"]: item for item in listed["items"]}
    if done(objects):
        return objects
    version = listed["metadata"]["resourceVersion"]
    query = f"?watch=true&resourceVersion={version}&timeoutSeconds={int(timeout)}"
    with session.get(f"{kube.api}{path}{query}", stream=True, timeout=timeout + 5) as stream:
        for line in stream.iter_lines():
            event = json.loads(line)
            name = event["object"]["metadata"]["name"]
            if event["type"] == "DELETED":
                objects.pop(name, None)
            else:
                objects[name] = event["object"]
            if done(objects):
                return objects
    raise AssertionError(f"{path} never got there: {sorted(objects)}")


def test_acknowledged_writes_survive_a_kill_and_the_control_plane_converges(crash_lab):
    kube = kube_api(crash_lab)
    config_maps = f"{kube.api}/api/v1/namespaces/default/configmaps"
    deployments = "/apis/apps/v1/namespaces/default/deployments"
    session = kube.session()
    merge = {"Content-Type": "application/merge-patch+json"}
    assert session.patch(f"{kube.api}{deployments}/web/scale", json={"spec": {"replicas": 5}}, headers=merge).ok
    before = session.get(config_maps).json()["metadata"]["resourceVersion"]

    acknowledged, attempted, writing = [], [], threading.Event()

    def write_until_the_server_dies() -> None:
        writer = kube.session()
        for index in range(10_000):
            name = f"ack-{index}"
            attempted.append(name)
            body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"n": str(index)}}
            try:
                answer = writer.post(config_maps, json=body, timeout=10)
            except requests.RequestException:
                return
            assert answer.status_code == 201, answer.text
            acknowledged.append(name)
            if index == 20:
                writing.set()

    writer = threading.Thread(target=write_until_the_server_dies)
    writer.start()
    assert writing.wait(60)
    crash_lab.process.kill()  # SIGKILL: no shutdown, no flush
    crash_lab.process.wait()
    writer.join(30)
    crash_lab.start()

    kube = kube_api(crash_lab)  # same database, same tokens
    stored = kube.session().get(f"{config_maps}").json()["items"]
    names = [item["metadata"]["name"] for item in stored if item["metadata"]["name"].startswith("ack-")]
    assert len(names) == len(set(names))
    assert set(acknowledged) <= set(names) <= set(attempted)
    assert all(
        item["data"] == {"n": item["metadata"]["name"][4:]} for item in stored if item["metadata"]["name"] in names
    )

    # the deployment's five replicas are there and running, every pod's owner exists
    def five_running(pods: dict) -> bool:
        running = [pod for pod in pods.values() if pod.get("status", {}).get("phase") == "Running"]
        return len(running) == 5 and len(pods) == 5

    pods = watch_until(kube, "/api/v1/namespaces/default/pods?labelSelector=app%3Dweb", five_running)
    sets = {
        item["metadata"]["uid"]
        for item in kube.session().get(f"{kube.api}/apis/apps/v1/namespaces/default/replicasets").json()["items"]
    }
    assert all(pod["metadata"]["ownerReferences"][0]["uid"] in sets for pod in pods.values())

    # a watch from before the crash either replays what followed or says the version is gone (410), as upstream
    with kube.session().get(
        f"{config_maps}?watch=true&resourceVersion={before}&timeoutSeconds=5", stream=True
    ) as stream:
        first = json.loads(next(stream.iter_lines()))
    if first["type"] == "ERROR":
        assert (first["object"]["code"], first["object"]["reason"]) == (410, "Expired")
    else:
        assert (first["type"], first["object"]["metadata"]["name"]) == ("ADDED", "ack-0")
