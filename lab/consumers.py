"""The diagram's WebSocket: one cluster's list, then its watch stream, plus the page's requests.

On connect the browser either gets a snapshot (every object it draws and the resourceVersion it stands at) or,
when it reconnects with `?resourceVersion=N` still inside the watch cache's window, just the events it missed;
a version that has left the window gets a fresh snapshot instead (upstream answers 410 Gone and the client
re-lists; we re-list on its behalf). Events come from the process's watch cache, so a classroom of browsers costs
one channel-layer subscription, and each message is encoded once however many sockets send it. Each kube API request
(kubectl's, a client library's) arrives too, as {"type": "request", "request": {verb, resource, name, user, code,
...}}, for the page's request feed.

The page's requests (scale, drain, power, the clock, ...) are JSON frames, read and rate limited as `frames` says.
"""

import asyncio
import contextlib
import json
from collections import OrderedDict
from urllib.parse import parse_qs

from channels.db import database_sync_to_async

from cluster_engine.api import errors

from . import explained_actions
from .classroom.permissions import authorize_scope
from .clockcontrol import set_clock, step
from .frames import RequestConsumer
from .history import live as time_travel
from .live_snapshot import DIAGRAM_KIND_SET, cluster_snapshot
from .models import Cluster
from .watchcache import watch_cache

NOT_FOUND_CLOSE_CODE = 4404
ENCODED_MEMORY = 256


class ClusterConsumer(RequestConsumer):
    request_example = '{"id": 1, "action": "scale", ...}'

    async def connect(self):
        self.cluster_id = self.scope["url_route"]["kwargs"]["cluster_id"]
        self.watcher = None
        self.pump = None
        await self.accept()
        if not await database_sync_to_async(Cluster.objects.filter(pk=self.cluster_id).exists)():
            error = errors.ApiError(404, "NotFound", f"cluster {self.cluster_id} not found")
            await self._send_json({"type": "error", "status": error.status()})
            await self.close(code=NOT_FOUND_CLOSE_CODE)
            return
        self.cache = await watch_cache(self.cluster_id)
        since = _requested_version(self.scope.get("query_string", b""))
        if since is None or not await self._resume(since):
            await self._list()
        self.pump = asyncio.create_task(self._forward())

    async def disconnect(self, code):
        if self.pump is not None:
            self.pump.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.pump
        if self.watcher is not None:
            self.cache.unwatch(self.watcher)

    async def _resume(self, since: int) -> bool:
        """Continue from a version the browser already has; False when it has left the window (re-list)."""
        try:
            self.watcher = self.cache.watch(since=since)
        except errors.ApiError:
            return False
        self.watcher.hears_requests = True
        await self._send_json({"type": "resumed", "resourceVersion": since})
        return True

    async def _list(self) -> None:
        if self.watcher is not None:
            self.cache.unwatch(self.watcher)
        snapshot = await database_sync_to_async(cluster_snapshot)(self.cluster_id)
        if self.cache.clock is not None:
            snapshot["clock"] = self.cache.clock
        self.watcher = self.cache.watch(since=snapshot["resourceVersion"])
        self.watcher.hears_requests = True  # the page's "kubectl / API requests" feed
        await self._send_json(snapshot)

    async def _forward(self) -> None:
        """Send what the watch cache hands us; whatever queued up meanwhile goes out in the same frame."""
        while True:
            messages = [await self.watcher.next_batch()]
            while not self.watcher.queue.empty():
                messages.append(self.watcher.queue.get_nowait())
            if any(message["type"] == "gone" for message in messages):
                await self._list()  # this browser fell too far behind: start it over from a fresh list
                continue
            texts = [text for text in map(encoded, messages) if text]
            if len(texts) == 1:
                await self.send(text_data=texts[0])
            elif texts:
                await self.send(text_data="[" + ",".join(texts) + "]")

    async def perform(self, request: dict) -> dict:
        action = request.get("action")
        await database_sync_to_async(authorize_scope)(self.scope, self.cluster_id, action)
        if action == "step":
            await step(self.cluster_id)
            return {}
        if action == "clock":
            await set_clock(self.cluster_id, paused=request.get("paused"), speed=request.get("speed"))
            return {}
        if action in time_travel.ACTIONS:
            return await database_sync_to_async(time_travel.perform)(self.cluster_id, request)
        actor = await database_sync_to_async(explained_actions.actor_name)(self.scope)
        return await database_sync_to_async(explained_actions.perform)(self.cluster_id, request, actor)


def _requested_version(query_string: bytes) -> int | None:
    values = parse_qs(query_string.decode("latin-1")).get("resourceVersion")
    if not values:
        return None
    try:
        return int(values[0])
    except ValueError:
        return None


_encoded: OrderedDict[int, tuple[dict, str | None]] = OrderedDict()


def encoded(message: dict) -> str | None:
    """The frame for a watch-cache message, encoded once for every socket it goes to; None if nothing to send.

    The watch cache hands the same dict to each watcher, so it is remembered by identity (the entry keeps the
    dict alive, so its id cannot be reused while remembered)."""
    remembered = _encoded.get(id(message))
    if remembered is not None and remembered[0] is message:
        return remembered[1]
    if message["type"] == "events":
        events = [event for event in message["events"] if event["object"].get("kind") in DIAGRAM_KIND_SET]
        body = {**message, "events": events} if events else None
    else:
        body = message
    text = json.dumps(body, separators=(",", ":")) if body is not None else None
    _encoded[id(message)] = (message, text)
    if len(_encoded) > ENCODED_MEMORY:
        _encoded.popitem(last=False)
    return text
