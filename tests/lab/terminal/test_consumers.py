"""The terminal's WebSocket: what it announces, the refusals it answers with, and completion of objects' names."""

import json

import pytest
from asgiref.sync import async_to_sync
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from lab.demo import create_demo_cluster
from lab.routing import websocket_urlpatterns

pytestmark = pytest.mark.django_db(transaction=True)
application = URLRouter(websocket_urlpatterns)


@pytest.fixture
def demo(transactional_db, channel_layer):
    return create_demo_cluster()


async def terminal(cluster_id: int, language: str = "en") -> tuple[WebsocketCommunicator, dict]:
    communicator = WebsocketCommunicator(application, f"/ws/clusters/{cluster_id}/terminal/?language={language}")
    connected, _ = await communicator.connect()
    assert connected
    return communicator, await receive(communicator)


async def receive(communicator) -> dict:
    return json.loads(await communicator.receive_from(timeout=5))


async def ask(communicator, **request) -> dict:
    await communicator.send_to(text_data=json.dumps({"id": 7, **request}))
    return await receive(communicator)


def test_the_socket_announces_the_verbs_the_resources_and_the_role(demo):
    async def scenario():
        communicator, hello = await terminal(demo.pk)
        assert hello["cluster"] == "demo" and hello["role"] == "admin"  # a cluster outside any classroom
        assert {"get", "apply", "scale", "logs"} <= set(hello["verbs"]) and "exec" not in hello["verbs"]
        assert {"pods", "pod", "po", "deployments", "deploy", "nodes", "no"} <= set(hello["resources"])
        await communicator.disconnect()

    async_to_sync(scenario)()


def test_a_refused_line_is_answered_with_a_status_that_says_why(demo):
    async def scenario():
        communicator, _ = await terminal(demo.pk, language="ja")
        answer = await ask(communicator, action="run", line="kubectl exec -it web -- sh")
        assert answer["type"] == "error" and answer["id"] == 7
        assert answer["status"]["code"] == 400 and answer["status"]["reason"] == "BadRequest"
        assert answer["status"]["message"].startswith("kubectl exec はここでは使えません")
        empty = await ask(communicator, action="run", line="kubectl apply -f -", manifest="  ")
        assert empty["status"]["message"].startswith("エディタ欄が空です")
        await communicator.disconnect()

    async_to_sync(scenario)()


def test_names_complete_from_the_clusters_objects(demo):
    async def scenario():
        communicator, _ = await terminal(demo.pk)
        answer = await ask(communicator, action="complete", resource="deploy", namespace="default")
        assert answer == {"type": "result", "id": 7, "names": ["web"]}
        nodes = await ask(communicator, action="complete", resource="nodes")
        assert nodes["names"] == ["control-plane-1", "worker-1", "worker-2", "worker-3"]
        nothing = await ask(communicator, action="complete", resource="deploy", namespace="kube-public")
        assert nothing["names"] == []
        await communicator.disconnect()

    async_to_sync(scenario)()


def test_a_missing_kubectl_ends_the_command_with_a_note(demo, settings, tmp_path):
    settings.KUBECTL_BINARY = str(tmp_path / "no-kubectl-here")

    async def scenario():
        communicator, _ = await terminal(demo.pk)
        await communicator.send_to(text_data=json.dumps({"id": 7, "action": "run", "line": "kubectl get pods"}))
        frames = {frame["type"]: frame for frame in [await receive(communicator) for _ in range(3)]}
        assert frames["result"] == {"type": "result", "id": 7, "line": "kubectl get pods", "role": "admin"}
        assert frames["command"] == {"type": "command", "line": "kubectl get pods"}
        assert frames["exit"] == {
            "type": "exit",
            "code": None,
            "note": "kubectl could not be started on the lab's server; tell its administrator.",
            "interrupted": False,
        }
        await communicator.disconnect()

    async_to_sync(scenario)()
