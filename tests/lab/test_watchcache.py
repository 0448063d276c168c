"""A watcher hands over everything waiting at once, and its end marker comes after what was already queued."""

import asyncio

from lab.watchcache import END, MAX_BACKLOG, Watcher


def events(version: int) -> dict:
    return {"type": "events", "events": [], "resourceVersion": version}


def test_next_batches_returns_every_waiting_message_in_order():
    async def scenario():
        watcher = Watcher()
        first, clock, second = events(1), {"type": "clock", "clock": {"now": 5.0}}, events(2)
        for message in (first, clock, second):
            watcher.offer(message)
        assert await watcher.next_batches() == [first, clock, second]
        assert watcher.waiting() == []

    asyncio.run(scenario())


def test_next_batches_waits_for_the_first_message():
    async def scenario():
        watcher = Watcher()
        pending = asyncio.ensure_future(watcher.next_batches())
        await asyncio.sleep(0)
        assert not pending.done()
        watcher.offer(events(7))
        assert await pending == [events(7)]

    asyncio.run(scenario())


def test_end_follows_what_is_queued_even_past_the_backlog_limit():
    async def scenario():
        watcher = Watcher()
        for version in range(MAX_BACKLOG + 5):
            watcher.offer(events(version))
        watcher.end()
        waiting = await watcher.next_batches()
        assert len(waiting) == MAX_BACKLOG + 2
        assert waiting[MAX_BACKLOG]["type"] == "gone"
        assert waiting[-1] is END

    asyncio.run(scenario())
