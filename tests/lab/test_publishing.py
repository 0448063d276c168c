"""Messages from a worker thread reach the group in the order they were sent, without the thread waiting for the
event loop; code with no loop behind it sends and waits."""

import asyncio

from asgiref.sync import async_to_sync, sync_to_async

from lab import publishing


def test_a_worker_thread_hands_its_messages_to_the_loop_in_order(channel_layer, monkeypatch):
    def waiting_is_not_allowed(function):
        raise AssertionError("a worker thread waited for the event loop")

    async def scenario():
        channel = await channel_layer.new_channel()
        await channel_layer.group_add("outbox-test", channel)
        monkeypatch.setattr(publishing, "async_to_sync", waiting_is_not_allowed)
        await sync_to_async(
            lambda: [publishing.send_to_group("outbox-test", {"type": "t", "n": n}) for n in range(5)]
        )()
        return [(await channel_layer.receive(channel))["n"] for _ in range(5)]

    assert asyncio.run(scenario()) == [0, 1, 2, 3, 4]


def test_without_a_loop_the_message_is_sent_before_the_call_returns(channel_layer):
    channel = async_to_sync(channel_layer.new_channel)()
    async_to_sync(channel_layer.group_add)("outbox-test", channel)
    publishing.send_to_group("outbox-test", {"type": "t", "n": 1})
    assert async_to_sync(channel_layer.receive)(channel) == {"type": "t", "n": 1}


def test_flush_sends_what_is_queued_then_leaves_no_task_for_the_closing_loop_to_cancel(channel_layer):
    async def scenario():
        channel = await channel_layer.new_channel()
        await channel_layer.group_add("outbox-test", channel)
        await sync_to_async(
            lambda: [publishing.send_to_group("outbox-test", {"type": "t", "n": n}) for n in range(50)]
        )()
        await asyncio.sleep(0)  # the handed-over messages are now queued on this loop
        await publishing.flush()
        others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        # a message flush lost would never come: give up rather than hang
        received = [(await asyncio.wait_for(channel_layer.receive(channel), 5))["n"] for _ in range(50)]
        return others, received

    others, received = asyncio.run(scenario())
    assert others == []
    assert received == list(range(50))
