"""A classroom's sockets join its group again when the channel layer forgets its members (as a Redis restart
does): the student's page is brought up to date at once, and hears the instructor's next announcement."""

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from lab import group_subscription
from lab.classroom.consumers import INTERNAL_ERROR_CLOSE_CODE, ClassroomConsumer, classroom_group
from lab.classroom.models import Classroom

from .test_live_room import join, next_of, opened, request, socket

pytestmark = pytest.mark.django_db(transaction=True)


async def state_where(communicator, holds) -> dict:
    """The first state for which holds(state); a socket under load may join again more than once, each time
    sending the state as it then was."""
    for _ in range(20):
        state = await next_of(communicator, "state")
        if holds(state):
            return state
    raise AssertionError("no such state arrived")


def test_a_room_socket_forgotten_by_the_layer_catches_up_and_hears_the_next_follow_me(
    classroom, instructor, monkeypatch
):
    monkeypatch.setattr(group_subscription, "PROBE_SECONDS", 0.02)
    monkeypatch.setattr(group_subscription, "SILENCE_SECONDS", 0.3)
    monkeypatch.setattr(group_subscription, "REJOIN_DELAY_SECONDS", 0.01)
    layer = get_channel_layer()
    async_to_sync(layer.flush)()
    Classroom.objects.filter(pk=classroom.pk).update(follow_me=False)
    client, _student = join(classroom, "Aiko")

    async def scenario():
        aiko = socket(classroom, client.session)
        teacher = socket(classroom, None, user=instructor)
        assert (await opened(aiko))["step"]["index"] == 0
        await opened(teacher)

        layer.groups.clear()  # the layer restarted and forgot every member
        # a step changed while nobody could hear it: no announcement reaches anyone
        await database_sync_to_async(Classroom.objects.filter(pk=classroom.pk).update)(step=1)
        await state_where(aiko, lambda state: state["step"]["index"] == 1)  # sent because the socket joined again

        await request(teacher, {"action": "follow", "on": True})
        await state_where(aiko, lambda state: state["classroom"]["follow_me"])
        await aiko.disconnect()
        await teacher.disconnect()

    async_to_sync(scenario)()
    assert not any(layer.groups.values())  # both sockets left the group on the way out


def test_a_socket_whose_announcement_handling_fails_closes_so_the_page_reconnects(classroom, monkeypatch):
    async def broken(self, message):
        raise RuntimeError("the database went away mid-announcement")

    monkeypatch.setattr(ClassroomConsumer, "classroom_changed", broken)
    async_to_sync(get_channel_layer().flush)()
    client, _student = join(classroom, "Aiko")

    async def scenario():
        aiko = socket(classroom, client.session)
        await opened(aiko)
        await get_channel_layer().group_send(classroom_group(classroom.pk), {"type": "classroom.changed"})
        while (output := await aiko.receive_output(timeout=5))["type"] != "websocket.close":
            pass
        assert output["code"] == INTERNAL_ERROR_CLOSE_CODE

    async_to_sync(scenario)()
