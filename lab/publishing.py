"""Messages to a channel-layer group from synchronous code (a committed write's watch events, a request's notice).

In the server, synchronous code runs in worker threads on behalf of the event loop (`sync_to_async`), and the ORM's
requests all share one such thread. Were that thread to wait until the loop has delivered each message, every write
would wait for the loop's turn, and a loop busy feeding two hundred watch streams would hold up every write behind
it. So from such a thread a message is handed to the loop and the thread goes on: one outbox per loop sends the
messages in the order they were handed over, so watchers see commits in the order they were published. Code with no
loop behind it (a management command, a test) sends and waits, as before.
"""

import asyncio
import contextlib
import logging
import os
import weakref

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

# event loop -> its outbox (an asyncio.Queue) and the task sending from it
_outboxes: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def send_to_group(group: str, message: dict) -> None:
    loop = _serving_loop()
    if loop is None:
        async_to_sync(get_channel_layer().group_send)(group, message)
    else:
        loop.call_soon_threadsafe(_post, group, message)


def _serving_loop() -> asyncio.AbstractEventLoop | None:
    """The event loop this worker thread works for (asgiref records it in the thread), if it is still running."""
    if getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) != os.getpid():
        return None
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    return loop if loop is not None and loop.is_running() else None


def _post(group: str, message: dict) -> None:
    """On the loop: queue the message in this loop's outbox, starting its sender on first use."""
    loop = asyncio.get_running_loop()
    if loop not in _outboxes:
        outbox = asyncio.Queue()
        _outboxes[loop] = (outbox, loop.create_task(_send_all(outbox)))
    _outboxes[loop][0].put_nowait((group, message))


async def flush() -> None:
    """Send everything queued on this loop, then stop its sender while it waits for more.

    A process calls this before its loop closes: the loop would otherwise cancel the sender mid-send, losing what
    is queued, and a Redis connection cancelled mid-command can keep the loop from ever closing."""
    outbox, sender = _outboxes.pop(asyncio.get_running_loop(), (None, None))
    if sender is None:
        return
    await outbox.join()
    sender.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await sender


async def _send_all(outbox: asyncio.Queue) -> None:
    layer = get_channel_layer()
    while True:
        group, message = await outbox.get()
        try:
            await layer.group_send(group, message)
        except Exception:
            # A lost message costs watchers a re-list (their resourceVersion falls behind), never the sender.
            logger.exception("could not publish to %s", group)
        finally:
            outbox.task_done()
