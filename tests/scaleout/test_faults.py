"""Scale-out under faults: PostgreSQL restarted while clients write through the kube API, Redis restarted while a
page watches. Every acknowledged write survives, the control-plane worker and the web process find their database
and channel layer again by themselves, the control plane converges, and the page's socket shows live data again.

A Redis restart forgets the channel layer's groups; a PostgreSQL restart cuts every connection. Neither process is
restarted: they must notice and recover on their own.
"""

import json
import threading
import time
from pathlib import Path

import pytest
import requests
import websocket

from tests.livelab import LabServer, free_port
from tests.reliability.conftest import kube_api

from .test_worker import start_worker, stop_worker

pytestmark = pytest.mark.scaleout
MERGE = {"Content-Type": "application/merge-patch+json"}
DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments"
WEB_PODS = "/api/v1/namespaces/default/pods?labelSelector=app%3Dweb"


@pytest.fixture(scope="module")
def lab(manage, scaleout_env, tmp_path_factory):
    """A control-plane worker holding the worker lease, then a web process (runlab, standby control plane)."""
    var_dir = tmp_path_factory.mktemp("faults")
    env = {**scaleout_env, "KUBELAB_VAR_DIR": str(var_dir), "DJANGO_SECRET_KEY": "faults-" * 8}
    manage("seed_demo")
    manage("shell", "-c", "from lab.models import Cluster; Cluster.objects.filter(name='demo').update(speed=20)")
    worker = start_worker(env, var_dir / "worker.log")
    server = LabServer(var_dir, free_port(), env=env)
    server.start()
    server.worker = worker
    yield server
    server.stop()
    stop_worker(worker, var_dir / "worker.log")
    # the next suite seeds its own demo cluster
    manage("shell", "-c", "from lab.models import Cluster; Cluster.objects.filter(name='demo').delete()")


def wait_for_line(log: Path, text: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while text not in log.read_text():
        assert time.monotonic() < deadline, f"{log.name} never said {text!r}:\n{log.read_text()[-3000:]}"
        time.sleep(0.2)  # another process's log: there is no event to wait on across processes


def scale(kube, replicas: int) -> None:
    """Scale web through the kube API, retrying while a restarted service is coming back."""
    session = kube.session()
    for _attempt in range(60):
        try:
            answer = session.patch(
                f"{kube.api}{DEPLOYMENTS}/web/scale", json={"spec": {"replicas": replicas}}, headers=MERGE, timeout=10
            )
        except requests.RequestException:
            continue
        if answer.ok:
            return
    raise AssertionError(f"could not scale web to {replicas}")


def web_pods_running(kube, replicas: int, seconds: float = 90) -> None:
    """List web's pods, then follow their watch as a client does (a 410 means list again) until exactly
    `replicas` exist and run."""
    session = kube.session()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        listed = session.get(f"{kube.api}{WEB_PODS}", timeout=10)
        assert listed.ok, listed.text
        pods = {item["metadata"]["name"]: item for item in listed.json()["items"]}
        query = f"&watch=true&resourceVersion={listed.json()['metadata']['resourceVersion']}&timeoutSeconds=10"
        with session.get(f"{kube.api}{WEB_PODS}{query}", stream=True, timeout=20) as stream:
            assert stream.status_code == 200, stream.text
            for line in stream.iter_lines():
                if all_running(pods, replicas):
                    return
                event = json.loads(line)
                if event["type"] == "ERROR":
                    assert event["object"]["code"] == 410, event
                    break
                if event["type"] == "DELETED":
                    pods.pop(event["object"]["metadata"]["name"], None)
                else:
                    pods[event["object"]["metadata"]["name"]] = event["object"]
        if all_running(pods, replicas):
            return
    raise AssertionError(f"web never ran {replicas} pods: {sorted(pods)}")


def all_running(pods: dict, replicas: int) -> bool:
    ready = [pod for pod in pods.values() if pod.get("status", {}).get("phase") == "Running"]
    return len(ready) == len(pods) == replicas


def test_acknowledged_writes_survive_a_postgres_restart_and_the_control_plane_converges(lab, manage, postgres_server):
    kube = kube_api(lab)
    config_maps = f"{kube.api}/api/v1/namespaces/default/configmaps"
    acknowledged, attempted, refused = [], [], []
    stop = threading.Event()
    progress = threading.Condition()

    def write() -> None:
        writer = kube.session()
        index = 0
        while not stop.is_set():
            name = f"pg-{index}"
            index += 1
            attempted.append(name)
            body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"n": name}}
            try:
                answer = writer.post(config_maps, json=body, timeout=10)
            except requests.RequestException as error:
                refused.append(repr(error))
                continue
            if answer.status_code == 201:
                with progress:
                    acknowledged.append(name)
                    progress.notify_all()
            else:  # while the database is away, a Status (never a hang or a half-written object)
                assert answer.json()["kind"] == "Status", answer.text
                refused.append(answer.status_code)

    writers = [threading.Thread(target=write) for _ in range(3)]
    for thread in writers:
        thread.start()
    try:
        with progress:
            assert progress.wait_for(lambda: len(acknowledged) >= 30, 60)
        postgres_server.stop()
        wait_for_line(lab.var_dir / "worker.log", "renewing the worker lease failed")  # it noticed
        postgres_server.start()
        restarted_at = len(acknowledged)
        with progress:
            assert progress.wait_for(lambda: len(acknowledged) >= restarted_at + 30, 60), refused[-5:]
    finally:
        stop.set()
        for thread in writers:
            thread.join(30)

    stored = kube.session().get(config_maps).json()["items"]
    names = [item["metadata"]["name"] for item in stored if item["metadata"]["name"].startswith("pg-")]
    assert len(names) == len(set(names))
    assert set(acknowledged) <= set(names) <= set(attempted)
    assert all(item["data"] == {"n": item["metadata"]["name"]} for item in stored if item["metadata"]["name"] in names)

    scale(kube, 5)  # the worker that held the lease through the restart reconciles it
    web_pods_running(kube, 5)
    holder = manage("shell", "-c", "from lab.models import WorkerLease; print(WorkerLease.objects.get().holder)")
    assert f"_{lab.worker.pid}_" in holder  # an outage shorter than the lease does not cost the worker its lease


class PageSocket:
    """The cluster page's WebSocket as connection.js keeps it: on a drop it opens again, resuming from the last
    resourceVersion it applied. `objects` is what the page would draw."""

    def __init__(self, server: LabServer, cluster_id: int):
        self.url = f"ws://127.0.0.1:{server.port}/ws/clusters/{cluster_id}/"
        self.origin = server.url
        self.objects: dict[tuple[str, str], dict] = {}
        self.version = None
        self.reconnects = 0
        self.relists = 0
        self.socket = None
        self.open()

    def open(self) -> None:
        query = f"?resourceVersion={self.version}" if self.version is not None else ""
        self.socket = websocket.create_connection(self.url + query, origin=self.origin, timeout=5)

    def follow(self, done, seconds: float = 90) -> None:
        """Apply what arrives until done(self) holds."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                frame = self.socket.recv()
            except websocket.WebSocketTimeoutException:
                frame = None
            except (websocket.WebSocketException, OSError):
                self.reconnects += 1
                self.open()
                continue
            if frame:
                message = json.loads(frame)
                for each in message if isinstance(message, list) else [message]:
                    self.apply(each)
            if done(self):
                return
        raise AssertionError(f"not reached; reconnects {self.reconnects}, re-lists {self.relists}")

    def apply(self, message: dict) -> None:
        if message["type"] == "snapshot":
            self.relists += 1
            self.objects = {key(item): item for item in message["objects"]}
            self.version = message["resourceVersion"]
        elif message["type"] == "events":
            for event in message["events"]:
                if event["type"] == "DELETED":
                    self.objects.pop(key(event["object"]), None)
                else:
                    self.objects[key(event["object"])] = event["object"]
            self.version = message["resourceVersion"]

    def replicas(self) -> int | None:
        web = self.objects.get(("Deployment", "default/web"))
        return web and web["spec"]["replicas"]


def key(item: dict) -> tuple[str, str]:
    metadata = item["metadata"]
    namespace = metadata.get("namespace")
    return item["kind"], f"{namespace}/{metadata['name']}" if namespace else metadata["name"]


def test_a_page_and_the_control_plane_follow_the_cluster_again_after_a_redis_restart(lab, manage, redis_server):
    kube = kube_api(lab)
    printed = manage("shell", "-c", "from lab.models import Cluster; print(Cluster.objects.get(name='demo').pk)")
    cluster_id = int(printed.split()[-1])
    page = PageSocket(lab, cluster_id)
    page.follow(lambda page: page.version is not None)
    scale(kube, 2)
    page.follow(lambda page: page.replicas() == 2)
    web_pods_running(kube, 2)

    redis_server.restart()
    scale(kube, 4)  # published into a channel layer that has just forgotten every subscriber
    page.follow(lambda page: page.replicas() == 4)
    web_pods_running(kube, 4)  # the worker heard of it too
    relists = page.relists

    scale(kube, 3)  # live again: an ordinary event, no re-list; and the demo is back as it was seeded
    page.follow(lambda page: page.replicas() == 3)
    assert page.relists == relists
    web_pods_running(kube, 3)


ANNOUNCE = """
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from lab.classroom.consumers import CHANGED, classroom_group
from lab.classroom.models import Classroom
Classroom.objects.filter(pk={pk}).update(follow_me={on})
async_to_sync(get_channel_layer().group_send)(classroom_group({pk}), {{"type": CHANGED}})
"""


def test_a_classroom_socket_hears_follow_me_again_after_a_redis_restart(lab, manage, redis_server):
    """The instructor announces from another process, as one on another web process would."""
    printed = manage(
        "shell",
        "-c",
        "from django.contrib.auth.models import User; from lab.classroom.models import Classroom; "
        "teacher = User.objects.create_user('faults-teacher'); "
        "room = Classroom.objects.create(name='Faults', instructor=teacher); print(room.pk, room.join_code)",
    )
    pk, code = printed.split()[-2:]
    student = requests.Session()
    student.get(f"{lab.url}/classroom/", timeout=10)
    joined = student.post(
        f"{lab.url}/classroom/",
        data={"code": code, "display_name": "Aiko", "csrfmiddlewaretoken": student.cookies["csrftoken"]},
        timeout=10,
    )
    assert joined.ok, joined.text
    room = websocket.create_connection(
        f"ws://127.0.0.1:{lab.port}/ws/classrooms/{code}/",
        origin=lab.url,
        cookie=f"sessionid={student.cookies['sessionid']}",
        timeout=5,
    )

    def follow_me_becomes(on: bool, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                message = json.loads(room.recv())
            except websocket.WebSocketTimeoutException:
                continue
            if message["type"] == "state" and message["classroom"]["follow_me"] is on:
                return
        raise AssertionError(f"follow me never became {on}")

    try:
        follow_me_becomes(True)  # the state sent on connect
        redis_server.restart()
        manage("shell", "-c", ANNOUNCE.format(pk=pk, on=False))  # announced to a group Redis has just forgotten
        follow_me_becomes(False)  # the state sent when the socket joined again
        manage("shell", "-c", ANNOUNCE.format(pk=pk, on=True))
        follow_me_becomes(True, seconds=10)  # heard at once: the socket is back in the group
    finally:
        room.close()
