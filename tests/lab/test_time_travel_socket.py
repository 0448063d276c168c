"""The cluster page's time travel over its WebSocket: rewind, replay and fork, for instructors and admins only."""

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User

from cluster_engine.api.kinds import ALL_KINDS
from lab import watchcache
from lab.demo import create_demo_cluster
from lab.history.reading import objects_at
from lab.models import Cluster
from lab.storage import OrmStorage

from .test_consumers import application, receive, run, write

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(transactional_db, channel_layer):
    cluster = create_demo_cluster()
    yield cluster
    watchcache._caches.clear()  # each test runs its own event loop: its caches go with it


async def connect_as(cluster_id, user):
    communicator = WebsocketCommunicator(application, f"/ws/clusters/{cluster_id}/")
    if user is not None:
        communicator.scope["user"] = user
    connected, _ = await communicator.connect()
    assert connected
    assert (await receive(communicator))["type"] == "snapshot"
    return communicator


async def ask(socket, request_id, **request):
    """Send a request and read frames until its answer comes."""
    await socket.send_to(text_data=json.dumps({"id": request_id, **request}))
    for _ in range(50):
        frame = await receive(socket)
        for message in frame if isinstance(frame, list) else [frame]:
            if message.get("id") == request_id:
                return message
    raise AssertionError("no answer")


def admin():
    return User.objects.create_superuser("root", password="root-pass-1")


def stored_objects(cluster):
    storage = OrmStorage(cluster)
    return [obj for kind in sorted(kind.kind for kind in ALL_KINDS) for obj in storage.list(kind)]


def without_versions(objects):
    return sorted(
        json.dumps({**obj, "metadata": {**obj["metadata"], "resourceVersion": None}}, sort_keys=True) for obj in objects
    )


def test_an_admin_rewinds_before_a_scale_replays_it_and_forks_that_moment(demo):
    async def scenario():
        user = await database_sync_to_async(admin)()
        socket = await connect_as(demo.pk, user)
        before = demo.resource_version
        body = {"spec": {"replicas": 5}}
        await write(demo.pk, lambda server: server.patch("Deployment", "default", "web", body))

        rewound = await ask(socket, 1, action="rewind", revision=before)
        snapshot = rewound["snapshot"]
        assert rewound["type"] == "result" and snapshot["type"] == "snapshot"
        assert snapshot["resourceVersion"] == before and snapshot["clock"]["paused"] is True
        web = [obj for obj in snapshot["objects"] if obj["kind"] == "Deployment"][0]
        assert web["spec"]["replicas"] == 3
        assert not [obj for obj in snapshot["objects"] if obj["kind"] in ("Secret", "ConfigMap")]
        assert rewound["span"]["latest"]["revision"] == before + 1

        replayed = await ask(socket, 2, action="replay", after=before)
        assert [(e["type"], e["object"]["spec"]["replicas"], e["revision"]) for e in replayed["events"]] == [
            ("MODIFIED", 5, before + 1)
        ]

        forked = await ask(socket, 3, action="fork", revision=before)
        assert forked["url"] == f"/clusters/{forked['cluster']['name']}/"
        again = await ask(socket, 4, action="fork", revision=before)
        assert (again["status"]["code"], again["status"]["reason"]) == (409, "AlreadyExists")
        await socket.disconnect()
        return forked["cluster"]["name"]

    name = None

    async def keep():
        nonlocal name
        name = await scenario()

    run(keep)
    fork = Cluster.objects.get(name=name)
    assert name == f"demo-at-{int(demo.now)}" and fork.paused and fork.now == demo.now
    assert without_versions(stored_objects(fork)) == without_versions(objects_at(demo, demo.resource_version))
    assert OrmStorage(fork).get("Deployment", "default", "web")["spec"]["replicas"] == 3


def test_visitors_without_an_account_may_watch_but_not_rewind_or_fork(demo):
    async def scenario():
        socket = await connect_as(demo.pk, None)
        for request_id, action in enumerate(("rewind", "replay", "fork"), start=1):
            refused = await ask(socket, request_id, action=action, revision=1, after=1)
            status = refused["status"]
            assert (refused["type"], status["kind"], status["code"], status["reason"]) == (
                "error",
                "Status",
                403,
                "Forbidden",
            )
            assert "only instructors and admins can rewind" in status["message"]
        await socket.disconnect()

    count = Cluster.objects.count()
    run(scenario)
    assert Cluster.objects.count() == count


def test_bad_time_travel_requests_get_a_status(demo):
    async def scenario():
        user = await database_sync_to_async(admin)()
        socket = await connect_as(demo.pk, user)
        cases = [
            ({"action": "rewind"}, 400),
            ({"action": "rewind", "time": "soon"}, 400),
            ({"action": "rewind", "revision": demo.resource_version + 100}, 504),
            ({"action": "replay"}, 400),
        ]
        for request_id, (request, code) in enumerate(cases, start=1):
            answer = await ask(socket, request_id, **request)
            assert (answer["type"], answer["status"]["code"]) == ("error", code)
        await socket.disconnect()

    run(scenario)
