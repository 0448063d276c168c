"""Following a cluster's channel-layer group across a channel layer that fails: Redis restarted, a connection lost.

A group's members are Redis keys, so a Redis restart forgets them, and channels-redis neither says so nor joins
again: its client reconnects by itself and the subscriber goes on waiting on a channel nobody sends to, while the
pages it feeds show a cluster that has stopped moving. So a subscriber sends a probe through its group every few
seconds and listens for it; when the layer raises, or no probe has come back for a while, it joins the group again
on a new channel and tells its owner, since whatever was published meanwhile is lost (the watch cache then makes
its watchers list again, as upstream's watch cache answers 410 Gone after it restarts).

Any probe that arrives proves membership, whoever sent it, so a subscriber probes only when it has heard none for
half a probe period: a group of many members (a classroom's sockets) carries a couple of probes a period, not one a
member, and a lone member still probes every period.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

PROBE = "group.probe"
PROBE_SECONDS = 5.0
# Silence this long means the group no longer reaches us. Generous, so that a server too busy to read its channel
# for a few seconds is not mistaken for a lost subscription (which would make every watcher list again).
SILENCE_SECONDS = 15.0
REJOIN_DELAY_SECONDS = 1.0


class GroupLost(Exception):
    """No probe came back through the group: the channel layer forgot that we belong to it."""


async def follow(group: str, deliver: Callable[[dict], None], joined: Callable[[bool], Awaitable[None]]) -> None:
    """Hand every message of `group` to deliver(message), for ever. After each join, `joined(first)` runs before
    any message is delivered: `first` is False when messages may have been lost since the previous join."""
    layer = get_channel_layer()
    first = True
    while True:
        try:
            channel = await layer.new_channel()
            await layer.group_add(group, channel)
            await joined(first)
            first = False
            await _listen(layer, group, channel, deliver)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.warning("lost the channel-layer group %s; joining it again", group, exc_info=True)
        await asyncio.sleep(REJOIN_DELAY_SECONDS)


async def _listen(layer, group: str, channel: str, deliver: Callable[[dict], None]) -> None:
    heard = time.monotonic()

    async def receive() -> None:
        nonlocal heard
        while True:
            message = await layer.receive(channel)
            if message.get("type") != PROBE:
                deliver(message)
            else:
                heard = time.monotonic()

    async def probe() -> None:
        await layer.group_send(group, {"type": PROBE})
        while True:
            await asyncio.sleep(PROBE_SECONDS)
            if time.monotonic() - heard >= PROBE_SECONDS / 2:  # nobody in the group has probed it lately
                await layer.group_send(group, {"type": PROBE})
            if time.monotonic() - heard > SILENCE_SECONDS:
                raise GroupLost(group)

    tasks = [asyncio.create_task(receive()), asyncio.create_task(probe())]
    try:
        done, _pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        for task in done:
            task.result()
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        with contextlib.suppress(Exception):  # a layer that is down may not answer: do not wait on it for long
            await asyncio.wait_for(layer.group_discard(group, channel), REJOIN_DELAY_SECONDS)
