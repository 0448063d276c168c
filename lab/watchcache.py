"""The watch cache: one subscription per process and cluster to the channel-layer group, fanned out locally.

Upstream's API server keeps a window of recent events per resource (the watch cache) so a client can resume a watch
from a resourceVersion instead of re-listing, and answers `410 Gone` when the version has left the window. This is
the same for our browser diagram and for `kubectl get -w`: each process subscribes once to a cluster's group, keeps
the last events in a ring, and hands each watcher its own queue. Two hundred browsers cost one channel-layer
delivery plus two hundred in-process queue puts per event, not two hundred channel-layer deliveries.
"""

import asyncio
import bisect
import contextlib
from collections import deque
from dataclasses import dataclass, field

from asgiref.sync import sync_to_async

from cluster_engine.api import errors

from . import group_subscription
from .edit_explanations import EDIT_MESSAGE
from .groups import cluster_group

# How many events each cluster's window holds (upstream sizes its watch cache per resource; 10k events covers
# minutes of a busy classroom cluster at full speed).
WINDOW = 10_000
# A watcher that falls this many batches behind is cut off and told to re-list, so one slow browser cannot make
# the server hold an unbounded backlog for it.
MAX_BACKLOG = 2_000
END = {"type": "end"}
REQUEST_MESSAGE = "kubeapi.request"  # lab/kubeapi/activity.py announces each kube API request with this type


@dataclass(eq=False)  # watchers live in a set: each is its own identity
class Watcher:
    """One client's view of the stream: batches of events, plus the newest clock state."""

    queue: asyncio.Queue = field(default_factory=asyncio.Queue)
    overflowed: bool = False
    # Whether it also hears each kube API request ({"type": "request", ...}): the cluster page's feed does; watch
    # streams do not, so requests never wake them.
    hears_requests: bool = False

    async def next_batch(self) -> dict:
        """The next message: {"type": "events", "events": [...]} or {"type": "clock", ...} or {"type": "gone"}."""
        return await self.queue.get()

    async def next_batches(self) -> list[dict]:
        """Every message waiting, at least one: a reader that fell behind catches up in one write, not one per
        message, so the busier the server the larger (and fewer) its writes."""
        return [await self.queue.get(), *self.waiting()]

    def waiting(self) -> list[dict]:
        """The messages waiting now, without waiting for any."""
        messages = []
        while not self.queue.empty():
            messages.append(self.queue.get_nowait())
        return messages

    def end(self) -> None:
        """Queue {"type": "end"} behind what is already waiting: the reader stops there (a watch's timeout). It
        bypasses the backlog limit, since it is the last message either way."""
        self.queue.put_nowait(END)

    def offer(self, message: dict) -> None:
        if self.overflowed:
            return
        if self.queue.qsize() >= MAX_BACKLOG:
            self.overflowed = True
            self.queue.put_nowait({"type": "gone", "status": errors.gone(0, 0).status()})
            return
        self.queue.put_nowait(message)


class ClusterWatchCache:
    """The event window of one cluster in this process, fed by one reader of its channel-layer group."""

    def __init__(self, cluster_id: int):
        self.cluster_id = cluster_id
        self.events: deque[tuple[int, dict]] = deque()
        self.covered_from = 0  # events with a resourceVersion above this are all in the window (until evicted)
        self.clock: dict | None = None
        self.watchers: set[Watcher] = set()
        self._awaited: list[tuple[int, asyncio.Future]] = []  # (version, future) of readers waiting for the window
        self._ready = asyncio.Event()
        self._reader: asyncio.Task | None = None

    async def start(self) -> None:
        if self._reader is None:
            self._reader = asyncio.create_task(self._read())
        await self._ready.wait()

    async def _read(self) -> None:
        await group_subscription.follow(cluster_group(self.cluster_id), self.dispatch, self._joined)

    async def _joined(self, first: bool) -> None:
        """Only after joining the group do we read where the cluster stands: nothing after this can be missed. After
        a lost subscription the window has a hole, so it starts over there and every watcher is told to re-list."""
        from .models import Cluster

        version = await sync_to_async(_current_version)(Cluster, self.cluster_id)
        if not first:
            self.events.clear()
            gone = {"type": "gone", "status": errors.gone(0, 0).status()}
            for watcher in list(self.watchers):
                watcher.offer(gone)
                watcher.overflowed = True  # it hears nothing more: its reader lists again on a new watcher
        self.covered_from = version
        self._ready.set()

    def dispatch(self, message: dict) -> None:
        kind = message.get("type")
        if kind == "watch.event":
            self._record([message["event"]])
        elif kind == "watch.events":
            self._record(message["events"])
        elif kind == "clock.state":
            self.clock = message["clock"]
            for watcher in list(self.watchers):
                watcher.offer({"type": "clock", "clock": self.clock})
        elif kind == "traffic.state":
            notice = {"type": "traffic", "traffic": message["traffic"]}
            for watcher in list(self.watchers):
                if watcher.hears_requests:  # the cluster page's, not a kube API watch
                    watcher.offer(notice)
        elif kind == EDIT_MESSAGE:
            notice = {"type": "edit", "explanation": message["explanation"]}
            for watcher in list(self.watchers):
                if watcher.hears_requests:  # the cluster page's "What this did" panel
                    watcher.offer(notice)
        elif kind == REQUEST_MESSAGE:
            notice = {"type": "request", "request": message["request"]}
            for watcher in list(self.watchers):
                if watcher.hears_requests:
                    watcher.offer(notice)

    def _record(self, events: list[dict]) -> None:
        fresh = []
        for event in events:
            version = int(event["object"]["metadata"]["resourceVersion"])
            if version <= self.covered_from:
                continue
            if len(self.events) == WINDOW:
                # The oldest event leaves the window: a watch resuming from before it must re-list.
                self.covered_from = self.events.popleft()[0]
                if version <= self.covered_from:
                    continue
            if not self.events or version > self.events[-1][0]:
                self.events.append((version, event))
            else:
                # Rare: two writers' commits published out of order. Keep the window sorted by resourceVersion.
                position = bisect.bisect([stored for stored, _ in self.events], version)
                self.events.insert(position, (version, event))
            fresh.append(event)
        if fresh:
            message = _events_message(fresh, self.newest())
            for watcher in list(self.watchers):
                watcher.offer(message)
            self._wake_awaited()

    def newest(self) -> int:
        return self.events[-1][0] if self.events else self.covered_from

    async def reaches(self, version: int, seconds: float) -> bool:
        """Whether the window holds `version` within `seconds`: upstream's cacher waits so before it serves a watch
        whose initial state must be at least that fresh."""
        if self.newest() >= version:
            return True
        waiting = (version, asyncio.get_running_loop().create_future())
        self._awaited.append(waiting)
        try:
            await asyncio.wait_for(asyncio.shield(waiting[1]), seconds)
            return True
        except TimeoutError:
            return False
        finally:
            self._awaited.remove(waiting)

    def _wake_awaited(self) -> None:
        newest = self.newest()
        for version, future in self._awaited:
            if version <= newest and not future.done():
                future.set_result(None)

    async def storage_version(self) -> int:
        """The cluster's resourceVersion as the database has it now, which may be ahead of the window."""
        from .models import Cluster

        return await sync_to_async(_current_version)(Cluster, self.cluster_id)

    def watch(self, since: int) -> Watcher:
        """A watcher that first receives every buffered event newer than `since`; 410 Gone if that is too old."""
        if since < self.covered_from:
            raise errors.gone(since, self.covered_from + 1)
        watcher = Watcher()
        backlog = [event for version, event in self.events if version > since]
        if backlog:
            watcher.offer(_events_message(backlog, self.newest()))
        if self.clock is not None:
            watcher.offer({"type": "clock", "clock": self.clock})
        self.watchers.add(watcher)
        return watcher

    def unwatch(self, watcher: Watcher) -> None:
        self.watchers.discard(watcher)

    async def stop(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader


def _events_message(events: list[dict], newest: int) -> dict:
    """A batch for the watchers, with its oldest version: a watcher that started from a later snapshot skips what it
    already has without reading each event (commits may reach the window after a snapshot that includes them)."""
    oldest = min(int(event["object"]["metadata"]["resourceVersion"]) for event in events)
    return {"type": "events", "events": events, "resourceVersion": newest, "oldest": oldest}


def _current_version(cluster_model, cluster_id: int) -> int:
    return cluster_model.objects.values_list("resource_version", flat=True).get(pk=cluster_id)


_caches: dict[tuple[int, int], ClusterWatchCache] = {}


async def watch_cache(cluster_id: int) -> ClusterWatchCache:
    """This process's (and this event loop's) watch cache for a cluster, started on first use."""
    key = (id(asyncio.get_running_loop()), cluster_id)
    cache = _caches.get(key)
    if cache is None:
        cache = _caches[key] = ClusterWatchCache(cluster_id)
    await cache.start()
    return cache
