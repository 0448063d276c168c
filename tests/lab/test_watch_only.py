"""KUBELAB_DEMO_WATCH_ONLY: clusters outside a classroom are watch-only for visitors who have not signed in, at every
door of the diagram's socket (power, scale, the clock, faults and the rest); signed-in people still act."""

import json

import pytest
from asgiref.sync import async_to_sync
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser, User

from lab import watchcache
from lab.demo import create_demo_cluster
from lab.live_actions import ACTIONS
from lab.models import Cluster
from lab.routing import websocket_urlpatterns

pytestmark = pytest.mark.django_db(transaction=True)
application = URLRouter(websocket_urlpatterns)
REFUSAL = (
    'anonymous cannot {action} in cluster "demo": this lab lets visitors only watch clusters outside a classroom; '
    "sign in to change them"
)
# One valid request per door of the diagram's socket.
REQUESTS = {
    "power": {"node": "worker-1", "state": "off"},
    "component": {"component": "kube-scheduler", "state": "down"},
    "crash": {"name": "missing-pod"},
    "cordon": {"node": "worker-1"},
    "drain": {"node": "worker-2"},
    "add-node": {},
    "scale": {"name": "web", "replicas": 7},
    "delete-pod": {"name": "missing-pod"},
    "traffic": {"service": "web", "rate": 50},
    "clock": {"paused": True, "speed": 50},
    "step": {},
}


@pytest.fixture
def demo(transactional_db, channel_layer, settings):
    settings.DEMO_WATCH_ONLY = True
    yield create_demo_cluster()
    watchcache._caches.clear()


def state(cluster_id: int) -> tuple:
    cluster = Cluster.objects.get(pk=cluster_id)
    return cluster.resource_version, cluster.speed, cluster.paused


def ask(cluster_id: int, request: dict, user) -> dict:
    """Send one request over the diagram's socket as `user`; its answer."""

    async def scenario():
        socket = WebsocketCommunicator(application, f"/ws/clusters/{cluster_id}/")
        socket.scope["user"] = user
        connected, _ = await socket.connect()
        assert connected  # watching stays open to everyone
        await socket.receive_from(timeout=3)  # the snapshot
        await socket.send_to(text_data=json.dumps({"id": 1, **request}))
        while True:
            answer = json.loads(await socket.receive_from(timeout=3))
            if isinstance(answer, dict) and answer.get("id") == 1:
                await socket.disconnect()
                return answer

    return async_to_sync(scenario)()


def test_every_door_of_the_socket_is_listed():
    assert set(REQUESTS) == set(ACTIONS) | {"clock", "step"}


@pytest.mark.parametrize("action", sorted(REQUESTS))
def test_a_visitor_is_refused_every_change_with_a_clear_message(demo, action):
    before = state(demo.pk)
    answer = ask(demo.pk, {"action": action, **REQUESTS[action]}, AnonymousUser())
    assert answer["type"] == "error"
    assert answer["status"] == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": REFUSAL.format(action=action),
        "reason": "Forbidden",
        "details": {"name": "demo", "kind": "clusters"},
        "code": 403,
    }
    assert state(demo.pk) == before


@pytest.mark.parametrize("action", ["scale", "clock", "power"])
def test_a_signed_in_person_still_acts(demo, action):
    user = User.objects.create_user("guest", password="not-an-admin-1")
    before = state(demo.pk)
    answer = ask(demo.pk, {"action": action, **REQUESTS[action]}, user)
    assert answer["type"] == "result", answer
    assert state(demo.pk) != before


def test_without_the_setting_visitors_act_as_before(demo, settings):
    settings.DEMO_WATCH_ONLY = False
    answer = ask(demo.pk, {"action": "scale", **REQUESTS["scale"]}, AnonymousUser())
    assert answer["type"] == "result"
    assert answer["object"]["spec"]["replicas"] == 7
