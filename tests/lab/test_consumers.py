"""The diagram's WebSocket: list then watch, resume or re-list, requests through the API server, garbage frames."""

import json

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.test import AsyncClient

from cluster_engine.api.availability import UNAVAILABLE_MESSAGE
from lab import frames, live_actions, watchcache
from lab.apiserver import api_server_for
from lab.demo import create_demo_cluster
from lab.kubeapi import auth, kubeconfig
from lab.models import Cluster
from lab.routing import websocket_urlpatterns

pytestmark = pytest.mark.django_db(transaction=True)
application = URLRouter(websocket_urlpatterns)


@pytest.fixture
def demo(transactional_db, channel_layer):
    cluster = create_demo_cluster()
    yield cluster
    # Each test runs its own event loop; forget this loop's caches so a later loop at the same address starts afresh.
    watchcache._caches.clear()


def run(scenario):
    async_to_sync(scenario)()


async def connect(cluster_id, query=""):
    communicator = WebsocketCommunicator(application, f"/ws/clusters/{cluster_id}/{query}")
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def receive(communicator):
    return json.loads(await communicator.receive_from(timeout=3))


async def events_until(communicator, predicate):
    """Read frames until one carries an event matching `predicate`; returns that event."""
    for _ in range(20):
        frame = await receive(communicator)
        for message in frame if isinstance(frame, list) else [frame]:
            for event in message.get("events", []):
                if predicate(event):
                    return event
    raise AssertionError("no matching event arrived")


async def messages_until(communicator, predicate):
    """Read frames (a frame holds one message or a list of them) up to the message matching `predicate`; returns
    the messages read, that one last."""
    read = []
    for _ in range(20):
        frame = await receive(communicator)
        for message in frame if isinstance(frame, list) else [frame]:
            read.append(message)
            if predicate(message):
                return read
    raise AssertionError("no matching message arrived")


def write(cluster_id, fn):
    """Run `fn(operator API server)` in a thread, committing as a real request would."""

    def call():
        return fn(api_server_for(Cluster.objects.get(pk=cluster_id), operator=True))

    return database_sync_to_async(call)()


def deployment_replicas(cluster_id):
    return database_sync_to_async(
        lambda: api_server_for(Cluster.objects.get(pk=cluster_id)).get("Deployment", "default", "web")["spec"][
            "replicas"
        ]
    )()


def resource_version(cluster_id):
    return database_sync_to_async(lambda: Cluster.objects.get(pk=cluster_id).resource_version)()


def test_connect_sends_the_snapshot_with_its_resource_version(demo):
    async def scenario():
        socket = await connect(demo.pk)
        snapshot = await receive(socket)
        assert snapshot["type"] == "snapshot"
        assert snapshot["resourceVersion"] == demo.resource_version
        assert snapshot["cluster"] == {"id": demo.pk, "name": "demo", "topology": "single"}
        nodes = sorted(obj["metadata"]["name"] for obj in snapshot["objects"] if obj["kind"] == "Node")
        assert nodes == ["control-plane-1", "worker-1", "worker-2", "worker-3"]
        components = [obj for obj in snapshot["objects"] if obj["kind"] == "ControlPlaneComponent"]
        assert len(components) == 5
        assert snapshot["clock"]["speed"] == 1.0 and snapshot["clock"]["paused"] is False
        await socket.disconnect()

    run(scenario)


def test_a_write_after_the_snapshot_arrives_as_a_watch_event(demo):
    async def scenario():
        socket = await connect(demo.pk)
        await receive(socket)
        body = {"metadata": {"labels": {"lesson": "one"}}}
        written = await write(demo.pk, lambda server: server.patch("Node", None, "worker-2", body))
        event = await events_until(socket, lambda e: e["object"]["metadata"]["name"] == "worker-2")
        assert event["type"] == "MODIFIED"
        assert event["object"]["metadata"]["labels"]["lesson"] == "one"
        assert event["object"]["metadata"]["resourceVersion"] == written["metadata"]["resourceVersion"]
        await socket.disconnect()

    run(scenario)


def test_secrets_never_reach_the_browser(demo):
    async def scenario():
        socket = await connect(demo.pk)
        snapshot = await receive(socket)
        assert not [obj for obj in snapshot["objects"] if obj["kind"] in ("Secret", "ConfigMap")]
        secret = {"metadata": {"name": "db", "namespace": "default"}, "stringData": {"password": "hunter2"}}
        await write(demo.pk, lambda server: server.create("Secret", secret))
        pod_label = {"metadata": {"labels": {"after": "secret"}}}
        await write(demo.pk, lambda server: server.patch("Node", None, "worker-1", pod_label))
        event = await events_until(socket, lambda e: True)
        assert (event["object"]["kind"], event["object"]["metadata"]["name"]) == ("Node", "worker-1")
        await socket.disconnect()

    run(scenario)


def test_reconnect_resumes_from_the_last_version_with_only_the_missed_events(demo):
    async def scenario():
        first = await connect(demo.pk)
        snapshot = await receive(first)
        await first.disconnect()
        body = {"metadata": {"labels": {"while": "away"}}}
        await write(demo.pk, lambda server: server.patch("Node", None, "worker-3", body))
        again = await connect(demo.pk, f"?resourceVersion={snapshot['resourceVersion']}")
        assert await receive(again) == {"type": "resumed", "resourceVersion": snapshot["resourceVersion"]}
        frame = await receive(again)
        assert frame["type"] == "events"
        assert [(e["type"], e["object"]["metadata"]["name"]) for e in frame["events"]] == [("MODIFIED", "worker-3")]
        assert frame["resourceVersion"] == snapshot["resourceVersion"] + 1
        await again.disconnect()

    run(scenario)


def test_reconnect_from_a_version_older_than_the_window_gets_a_fresh_list(demo):
    async def scenario():
        socket = await connect(demo.pk, "?resourceVersion=1")
        message = await receive(socket)
        assert message["type"] == "snapshot"
        assert message["resourceVersion"] == demo.resource_version
        await socket.disconnect()

    run(scenario)


def test_garbage_frames_get_a_status_change_nothing_and_leave_the_socket_usable(demo):
    async def scenario():
        socket = await connect(demo.pk)
        await receive(socket)
        version = await resource_version(demo.pk)

        await socket.send_to(bytes_data=b"\x00\x01")
        reply = await receive(socket)
        assert reply["status"]["code"] == 400
        assert reply["status"]["message"] == "binary frames are not accepted; send a JSON object as text"

        await socket.send_to(text_data="{scale web")
        reply = await receive(socket)
        assert reply["type"] == "error" and reply["id"] is None
        assert reply["status"]["reason"] == "BadRequest"
        assert reply["status"]["message"].startswith("the request is not valid JSON: ")

        await socket.send_to(text_data="[1, 2]")
        assert (await receive(socket))["status"]["message"] == (
            'a request is a JSON object such as {"id": 1, "action": "scale", ...}'
        )

        await socket.send_to(text_data=json.dumps({"id": 7, "action": "format-disk"}))
        reply = await receive(socket)
        assert reply["id"] == 7
        assert reply["status"]["message"] == (
            "unknown action 'format-disk'; supported actions: add-node, component, cordon, crash, delete-pod, drain, "
            "power, scale, traffic"
        )

        await socket.send_to(text_data=json.dumps({"id": 8, "action": "scale", "name": "web", "replicas": "three"}))
        assert (await receive(socket))["status"] == {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": 'action "scale" needs an integer "replicas"',
            "reason": "BadRequest",
            "code": 400,
        }

        await socket.send_to(text_data="x" * (64 * 1024 + 1))
        assert (await receive(socket))["status"]["code"] == 413

        assert await resource_version(demo.pk) == version
        assert await deployment_replicas(demo.pk) == 3

        # The socket still works: a valid request is answered, and its effect streams back as a watch event.
        await socket.send_to(text_data=json.dumps({"id": 9, "action": "scale", "name": "web", "replicas": 5}))
        messages = await messages_until(socket, lambda message: message.get("id") == 9)
        if not any(message.get("type") == "events" for message in messages):
            messages += await messages_until(socket, lambda message: message.get("type") == "events")
        reply = next(message for message in messages if message.get("id") == 9)
        assert reply["type"] == "result"
        assert reply["object"]["spec"]["replicas"] == 5
        (event,) = next(message for message in messages if message.get("type") == "events")["events"]
        assert (event["type"], event["object"]["spec"]["replicas"]) == ("MODIFIED", 5)
        await socket.disconnect()

    run(scenario)


def test_an_invalid_value_is_refused_with_the_api_servers_422(demo):
    async def scenario():
        socket = await connect(demo.pk)
        await receive(socket)
        await socket.send_to(text_data=json.dumps({"id": 1, "action": "scale", "name": "web", "replicas": -1}))
        status = (await receive(socket))["status"]
        assert status["code"] == 422
        assert status["message"] == (
            'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0'
        )
        assert await deployment_replicas(demo.pk) == 3
        await socket.disconnect()

    run(scenario)


def test_with_the_api_server_down_client_actions_get_503_and_the_operators_hands_still_work(demo):
    async def scenario():
        socket = await connect(demo.pk)
        await receive(socket)
        down = {"id": 1, "action": "component", "component": "kube-apiserver", "state": "down"}
        await socket.send_to(text_data=json.dumps(down))
        reply = await events_or_reply(socket, 1)
        assert reply["type"] == "result"
        assert [obj["metadata"]["annotations"]["kubelab.io/state"] for obj in reply["objects"]] == ["down"]

        await socket.send_to(text_data=json.dumps({"id": 2, "action": "cordon", "node": "worker-1"}))
        reply = await events_or_reply(socket, 2)
        assert reply["status"] == {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": UNAVAILABLE_MESSAGE,
            "reason": "ServiceUnavailable",
            "code": 503,
        }

        await socket.send_to(text_data=json.dumps({"id": 3, "action": "power", "node": "worker-1", "state": "off"}))
        reply = await events_or_reply(socket, 3)
        assert reply["type"] == "result"
        assert reply["object"]["metadata"]["annotations"]["kubelab.io/power"] == "off"
        await socket.disconnect()

    run(scenario)


async def events_or_reply(socket, request_id):
    """Skip watch frames until the reply to `request_id`."""
    for _ in range(20):
        frame = await receive(socket)
        if isinstance(frame, dict) and frame.get("id") == request_id:
            return frame
    raise AssertionError(f"no reply to request {request_id}")


def test_drain_cordons_then_deletes_the_nodes_pods(demo):
    async def scenario():
        pod = {
            "metadata": {"name": "lonely", "namespace": "default"},
            "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]},
        }
        account = {"metadata": {"name": "default", "namespace": "default"}}
        await write(demo.pk, lambda server: server.create("ServiceAccount", account))
        await write(demo.pk, lambda server: server.create("Pod", pod))
        await write(demo.pk, lambda server: server.bind("default", "lonely", "worker-2"))
        socket = await connect(demo.pk)
        await receive(socket)
        await socket.send_to(text_data=json.dumps({"id": 1, "action": "drain", "node": "worker-2"}))
        reply = await events_or_reply(socket, 1)
        assert reply["object"]["spec"]["unschedulable"] is True
        assert [p["metadata"]["name"] for p in reply["objects"]] == ["lonely"]
        assert reply["objects"][0]["metadata"]["deletionTimestamp"]
        await socket.disconnect()

    run(scenario)


def test_an_unknown_cluster_is_a_404_status_and_a_closed_socket(demo):
    async def scenario():
        socket = await connect(demo.pk + 1000)
        message = await receive(socket)
        assert message["status"]["code"] == 404
        assert message["status"]["message"] == f"cluster {demo.pk + 1000} not found"
        assert await socket.receive_output(timeout=1) == {"type": "websocket.close", "code": 4404}

    run(scenario)


def bearer(cluster, role):
    account = kubeconfig.ensure_account(cluster, role)
    return "Bearer " + auth.issue_token(cluster, account)[0]


async def request_notice(communicator):
    """Read frames until the kube API request notice arrives; returns its request summary."""
    for _ in range(20):
        frame = await receive(communicator)
        for message in frame if isinstance(frame, list) else [frame]:
            if message["type"] == "request":
                return message["request"]
    raise AssertionError("no request notice arrived")


def test_each_kube_api_request_reaches_the_page_with_its_status_code(demo):
    async def scenario():
        socket = await connect(demo.pk)
        await receive(socket)
        admin = await database_sync_to_async(bearer)(demo, auth.ADMIN)
        student = await database_sync_to_async(bearer)(demo, auth.VIEW)
        scale = "/k8s/clusters/demo/apis/apps/v1/namespaces/default/deployments/web/scale"
        body = json.dumps({"spec": {"replicas": 4}})
        client = AsyncClient()
        patch = {"content_type": "application/merge-patch+json", "headers": {"authorization": admin}, "secure": True}
        answered = await client.patch(scale, body, **patch)
        assert answered.status_code == 200
        assert await request_notice(socket) == {
            "verb": "patch",
            "group": "apps",
            "resource": "deployments",
            "subresource": "scale",
            "namespace": "default",
            "name": "web",
            "user": "system:serviceaccount:kube-system:kubelab-admin",
            "userAgent": "",
            "code": 200,
        }
        refused = await client.patch(
            scale, body, content_type="application/merge-patch+json", headers={"authorization": student}, secure=True
        )
        assert refused.status_code == 403
        notice = await request_notice(socket)
        assert (notice["verb"], notice["user"], notice["code"]) == (
            "patch",
            "system:serviceaccount:default:kubelab-student",
            403,
        )
        await socket.disconnect()

    run(scenario)


def test_a_frame_nested_ten_thousand_deep_is_a_400_and_the_socket_stays(demo):
    async def scenario():
        socket = await connect(demo.pk)
        await receive(socket)
        await socket.send_to(text_data='{"id": 1, "action": ' + "[" * 10_000 + "]" * 10_000 + "}")
        reply = await receive(socket)
        assert (reply["type"], reply["id"], reply["status"]["code"]) == ("error", None, 400)
        assert reply["status"]["message"] == "the request is not valid JSON: invalid character '[' exceeded max depth"
        await socket.send_to(text_data=json.dumps({"id": 2, "action": "scale", "name": "web", "replicas": 4}))
        messages = await messages_until(socket, lambda message: message.get("id") == 2)
        assert messages[-1]["type"] == "result"
        await socket.disconnect()

    run(scenario)


@pytest.fixture
def frozen_frame_clock(monkeypatch):
    """No time passes for the frame budget, so a flood is exactly as fast as the test can send it."""
    monkeypatch.setattr(frames.RequestConsumer, "frame_clock", staticmethod(lambda: 0.0))


async def flood(socket, garbage: str) -> list[int]:
    """Send frames until the socket closes; the Status code of each answer, then the close code."""
    codes = []
    for _ in range(3 * frames.BURST):
        await socket.send_to(text_data=garbage)
        output = await socket.receive_output(timeout=3)
        if output["type"] == "websocket.close":
            return [*codes, output["code"]]
        codes.append(json.loads(output["text"])["status"]["code"])
    raise AssertionError("the flood was never cut off")


def test_a_flood_of_frames_is_refused_with_429_and_then_closed(demo, frozen_frame_clock):
    async def scenario():
        socket = await connect(demo.pk)
        await receive(socket)
        codes = await flood(socket, "not json")
        assert codes == [400] * frames.BURST + [429] * frames.BURST + [429, frames.POLICY_VIOLATION]

    run(scenario)


def test_the_budget_refills_over_time():
    now = [0.0]
    budget = frames.FrameBudget(clock=lambda: now[0])
    assert [budget.spend() for _ in range(frames.BURST + 1)] == [frames.SERVE] * frames.BURST + [frames.REFUSE]
    now[0] += 1.0  # a second later, FRAMES_PER_SECOND more frames are served (one pays back the refused frame)
    served = [budget.spend() for _ in range(frames.FRAMES_PER_SECOND)]
    assert served == [frames.SERVE] * (frames.FRAMES_PER_SECOND - 1) + [frames.REFUSE]
    now[0] += 3600.0
    assert budget.tokens <= frames.BURST and budget.spend() == frames.SERVE
    assert budget.tokens == frames.BURST - 1


def test_a_request_that_fails_unforeseen_is_a_500_status_and_the_socket_stays(demo, monkeypatch):
    def broken(cluster_id, request):
        raise TypeError("unforeseen")

    monkeypatch.setattr(live_actions, "perform", broken)

    async def scenario():
        socket = await connect(demo.pk)
        await receive(socket)
        await socket.send_to(text_data=json.dumps({"id": 3, "action": "scale"}))
        reply = await receive(socket)
        assert (reply["id"], reply["status"]["code"], reply["status"]["reason"]) == (3, 500, "InternalError")
        await socket.send_to(text_data="[]")
        assert (await receive(socket))["status"]["code"] == 400
        await socket.disconnect()

    run(scenario)


STORAGE_CLAIM = {
    "metadata": {"name": "data", "namespace": "default"},
    "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
}
STATIC_VOLUME = {
    "metadata": {"name": "manual"},
    "spec": {"capacity": {"storage": "5Gi"}, "accessModes": ["ReadWriteOnce"], "hostPath": {"path": "/data"}},
}


def test_claims_and_volumes_are_in_the_snapshot_and_the_watch(demo):
    async def scenario():
        await write(demo.pk, lambda server: server.create("PersistentVolume", STATIC_VOLUME))
        socket = await connect(demo.pk)
        snapshot = await receive(socket)
        volumes = [obj for obj in snapshot["objects"] if obj["kind"] == "PersistentVolume"]
        assert [(obj["metadata"]["name"], obj["status"]["phase"]) for obj in volumes] == [("manual", "Pending")]
        await write(demo.pk, lambda server: server.create("PersistentVolumeClaim", STORAGE_CLAIM))
        event = await events_until(socket, lambda e: e["object"]["kind"] == "PersistentVolumeClaim")
        assert event["type"] == "ADDED"
        assert event["object"]["status"]["phase"] == "Pending"
        assert event["object"]["spec"]["storageClassName"] == "managed-csi"
        await socket.disconnect()

    run(scenario)
