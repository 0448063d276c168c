"""A group subscriber finds out that the channel layer forgot it (as Redis does when it restarts), joins again, and
says so, so that its owner can make up for what was lost meanwhile."""

import asyncio

from channels.layers import InMemoryChannelLayer

from lab import group_subscription


def test_a_forgotten_subscriber_joins_again_and_hears_the_group(monkeypatch):
    layer = InMemoryChannelLayer()
    monkeypatch.setattr(group_subscription, "get_channel_layer", lambda: layer)
    monkeypatch.setattr(group_subscription, "PROBE_SECONDS", 0.02)
    monkeypatch.setattr(group_subscription, "SILENCE_SECONDS", 0.1)
    monkeypatch.setattr(group_subscription, "REJOIN_DELAY_SECONDS", 0.01)

    async def scenario():
        joins, delivered = [], asyncio.Queue()
        joined_first, joined_again = asyncio.Event(), asyncio.Event()

        async def joined(first: bool) -> None:
            joins.append(first)
            (joined_first if first else joined_again).set()

        follower = asyncio.create_task(group_subscription.follow("cluster-1", delivered.put_nowait, joined))
        await asyncio.wait_for(joined_first.wait(), 5)
        await layer.group_send("cluster-1", {"type": "watch.events", "n": 1})
        assert await asyncio.wait_for(delivered.get(), 5) == {"type": "watch.events", "n": 1}

        layer.groups.clear()  # the layer restarted and forgot every member
        await layer.group_send("cluster-1", {"type": "watch.events", "n": 2})  # lost
        await asyncio.wait_for(joined_again.wait(), 5)
        assert joins == [True, False]
        await layer.group_send("cluster-1", {"type": "watch.events", "n": 3})
        assert await asyncio.wait_for(delivered.get(), 5) == {"type": "watch.events", "n": 3}
        assert delivered.empty()  # probes are the subscription's own business

        follower.cancel()
        await asyncio.gather(follower, return_exceptions=True)
        assert not any(layer.groups.get("cluster-1", {}))  # it left the group on the way out

    asyncio.run(scenario())


def test_a_subscriber_that_hears_the_group_probed_probes_it_no_more_until_the_group_falls_quiet(monkeypatch):
    """Many members (a classroom's sockets) share the probing: any probe heard proves membership."""
    layer = InMemoryChannelLayer()
    monkeypatch.setattr(group_subscription, "get_channel_layer", lambda: layer)
    monkeypatch.setattr(group_subscription, "PROBE_SECONDS", 0.5)
    monkeypatch.setattr(group_subscription, "SILENCE_SECONDS", 5.0)
    own_probes = []
    probed_again = asyncio.Event()
    group_send = layer.group_send

    async def counted_group_send(group, message):
        own_probes.append(message)
        if len(own_probes) == 2:
            probed_again.set()
        await group_send(group, message)

    async def scenario():
        joined = asyncio.Event()

        async def on_join(_first: bool) -> None:
            joined.set()

        monkeypatch.setattr(layer, "group_send", counted_group_send)
        follower = asyncio.create_task(group_subscription.follow("classroom-1", lambda message: None, on_join))
        await asyncio.wait_for(joined.wait(), 5)
        started = asyncio.get_running_loop().time()
        while asyncio.get_running_loop().time() - started < 1.5:  # three probe periods, probed by another member
            await group_send("classroom-1", {"type": group_subscription.PROBE})
            await asyncio.sleep(0.02)
        assert len(own_probes) == 1  # the one it sent on joining
        await asyncio.wait_for(probed_again.wait(), 5)  # left alone, it probes by itself again
        follower.cancel()
        await asyncio.gather(follower, return_exceptions=True)

    asyncio.run(scenario())
