"""A classroom's sockets join its group again when the channel layer forgets its members (as a Redis restart
does): the student's page is brought up to date at once, and hears the instructor's next announcement."""

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from lab import group_subscription
from lab.classroom.models import Classroom

from .test_live_room import join, next_of, opened, request, socket

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_room_socket_forgotten_by_the_layer_catches_up_and_hears_the_next_follow_me(
    classroom, instructor, monkeypatch
):
    monkeypatch.setattr(group_subscription, "PROBE_SECONDS", 0.02)
    monkeypatch.setattr(group_subscription, "SILENCE_SECONDS", 0.1)
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
        caught_up = await next_of(aiko, "state")  # sent because the socket joined again
        assert (caught_up["step"]["index"], caught_up["classroom"]["follow_me"]) == (1, False)

        await request(teacher, {"action": "follow", "on": True})
        assert (await next_of(aiko, "state"))["classroom"]["follow_me"] is True
        await aiko.disconnect()
        await teacher.disconnect()

    async_to_sync(scenario)()
    assert not any(layer.groups.values())  # both sockets left the group on the way out
