"""The classroom's socket over a real channel layer: checkpoints that judge themselves, and reloads that lose nothing."""

import json

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.utils import translation

from lab import frames, watchcache
from lab.apiserver import api_server_for
from lab.classroom.clusters import open_sandbox, start_demo
from lab.classroom.models import Student
from lab.classroom.permissions import STUDENT_SESSION_KEY
from lab.classroom.routing import websocket_urlpatterns
from lab.lessons import LESSONS_BY_SLUG
from lab.lessons.i_config import CONFIG_OBJECTS

pytestmark = pytest.mark.django_db(transaction=True)
application = URLRouter(websocket_urlpatterns)


@pytest.fixture
def config_class(classroom):
    """The classroom on the config lesson, whose first checkpoint is reached by API writes alone."""
    async_to_sync(get_channel_layer().flush)()
    start_demo(classroom, LESSONS_BY_SLUG["config"])
    yield classroom
    watchcache._caches.clear()  # each test runs its own event loop; a later loop must start its caches afresh


def join(classroom, name: str) -> tuple[Client, Student]:
    client = Client()
    client.post("/classroom/", {"code": classroom.join_code, "display_name": name})
    return client, Student.objects.get(pk=client.session[STUDENT_SESSION_KEY])


def socket(classroom, session, user=None):
    communicator = WebsocketCommunicator(application, f"/ws/classrooms/{classroom.join_code}/")
    communicator.scope["session"] = session
    communicator.scope["user"] = user or AnonymousUser()
    return communicator


async def opened(communicator) -> dict:
    connected, _ = await communicator.connect()
    assert connected
    return await next_of(communicator, "state")


async def next_of(communicator, kind: str, timeout: float = 5) -> dict:
    for _ in range(50):
        message = json.loads(await communicator.receive_from(timeout=timeout))
        if message["type"] == kind:
            return message
    raise AssertionError(f"no {kind} message arrived")


async def request(communicator, body: dict) -> dict:
    await communicator.send_to(text_data=json.dumps({"id": 1, **body}))
    return await next_of(communicator, "result")


def apply_config(sandbox):
    def write():
        server = api_server_for(sandbox)  # a student's own request, as kubectl apply would send it
        for obj in CONFIG_OBJECTS:
            server.create(obj["kind"], obj)

    return database_sync_to_async(write)()


def test_a_checkpoint_passes_by_itself_once_the_sandbox_gets_there(config_class, instructor):
    _client, student = join(config_class, "Aiko")
    sandbox = open_sandbox(student, LESSONS_BY_SLUG["config"])

    async def scenario():
        aiko = socket(config_class, _client.session)
        teacher = socket(config_class, None, user=instructor)
        state = await opened(aiko)
        assert state["me"]["passed"] is False
        await opened(teacher)
        assert [card["passed"] for card in (await next_of(teacher, "grid"))["students"]] == [False]

        await apply_config(sandbox)  # nobody presses Check
        state = await next_of(aiko, "state")
        assert state["me"]["passed"] is True
        grid = await next_of(teacher, "grid", timeout=1)  # pushed at once, not at the next periodic refresh
        assert [(card["name"], card["passed"]) for card in grid["students"]] == [("Aiko", True)]
        assert await request(aiko, {"action": "check"}) == {"type": "result", "id": 1, "passed": True}
        await aiko.disconnect()
        await teacher.disconnect()

    async_to_sync(scenario)()
    student.refresh_from_db()
    assert student.passed == ["config:0"]


def test_a_step_whose_state_is_already_there_passes_as_soon_as_the_class_gets_to_it(config_class, instructor):
    _client, student = join(config_class, "Aiko")
    sandbox = open_sandbox(student, LESSONS_BY_SLUG["config"])

    async def scenario():
        aiko = socket(config_class, _client.session)
        teacher = socket(config_class, None, user=instructor)
        await opened(aiko)
        await opened(teacher)
        await request(teacher, {"action": "goto", "step": 1})  # a step with no checkpoint
        assert (await next_of(aiko, "state"))["step"]["index"] == 1
        await apply_config(sandbox)  # ahead of the class: nothing to judge yet
        await request(teacher, {"action": "goto", "step": 0})
        state = await next_of(aiko, "state")
        assert (state["step"]["index"], state["me"]["passed"]) == (0, False)  # the step's own announcement...
        state = await next_of(aiko, "state")
        assert (state["step"]["index"], state["me"]["passed"]) == (0, True)  # ...then the judgement, unasked
        await aiko.disconnect()
        await teacher.disconnect()

    async_to_sync(scenario)()
    student.refresh_from_db()
    assert student.passed == ["config:0"]


def test_the_socket_speaks_the_language_its_page_names_not_its_handshake(classroom, instructor):
    _client, _student = join(classroom, "Sakura")

    async def titles() -> tuple[str, str]:
        named = WebsocketCommunicator(application, f"/ws/classrooms/{classroom.join_code}/?language=ja")
        guessed = WebsocketCommunicator(
            application, f"/ws/classrooms/{classroom.join_code}/", headers=[(b"accept-language", b"ja")]
        )
        for communicator in (named, guessed):
            communicator.scope["session"] = _client.session
            communicator.scope["user"] = AnonymousUser()
        found = ((await opened(named))["lesson"]["title"], (await opened(guessed))["lesson"]["title"])
        await named.disconnect()
        await guessed.disconnect()
        return found

    lesson = LESSONS_BY_SLUG["cluster-and-nodes"]
    with translation.override("ja"):
        japanese = str(lesson.title)
    with translation.override("en"):
        english = str(lesson.title)
    assert japanese != english
    assert async_to_sync(titles)() == (japanese, english)


def test_bad_frames_are_refused_and_a_flood_is_cut_off(classroom, instructor, monkeypatch):
    monkeypatch.setattr(frames.RequestConsumer, "frame_clock", staticmethod(lambda: 0.0))
    client = Client()
    client.force_login(instructor)

    async def scenario():
        teacher = socket(classroom, client.session, instructor)
        await opened(teacher)
        await teacher.send_to(text_data='{"action": ' + "{" * 10_000)
        refused = await next_of(teacher, "error")
        assert refused["status"]["message"] == "the request is not valid JSON: invalid character '{' exceeded max depth"
        await teacher.send_to(text_data=json.dumps({"id": 2, "action": {"goto": 1}}))
        assert (await next_of(teacher, "error"))["status"]["code"] == 403
        codes = []
        while True:
            await teacher.send_to(text_data="[]")
            output = await teacher.receive_output(timeout=3)
            if output["type"] == "websocket.close":
                break
            message = json.loads(output["text"])
            if message["type"] == "error":
                codes.append(message["status"]["code"])
        assert codes == [400] * (frames.BURST - 2) + [429] * (frames.BURST + 1)
        assert output["code"] == frames.POLICY_VIOLATION

    async_to_sync(scenario)()
