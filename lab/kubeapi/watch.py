"""`watch=true`: a stream of newline-delimited watch events, fed by this process's watch cache of the cluster.

Upstream semantics (staging/src/k8s.io/apiserver/pkg/storage/cacher): without a resourceVersion (or with "0") the
stream first replays the current objects as ADDED, then follows; with one, it sends what happened after it, or a
single ERROR event (410 Expired) when that version has left the window, telling the client to list again.
`sendInitialEvents` makes the start explicit, as client-go's streaming list asks: true replays the objects (as they
stand now, and at least as new as the resourceVersion given) and, with bookmarks allowed, closes the replay with
the bookmark annotated `k8s.io/initial-events-end`; false replays nothing and follows from the version given, from
now ("") or from any recent version ("0"). With a selector, an object that stops matching leaves the
client's view as DELETED and one that starts matching enters as ADDED, as upstream's cacher does. The stream ends
after timeoutSeconds (kubectl and informers then resume from the last version they saw). With
allowWatchBookmarks=true it also sends BOOKMARK events (bookmarks.py).
"""

import asyncio
import json
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime

from asgiref.sync import sync_to_async
from django.http import StreamingHttpResponse

from cluster_engine.api import errors, fields
from cluster_engine.api.kinds import Kind
from cluster_engine.api.labels import SelectorError, matches, parse_selector_string

from ..durations import parse_time
from ..watchcache import watch_cache
from . import bookmarks
from .responses import JSON
from .tables import table

# upstream: --min-request-timeout=1800; a watch without timeoutSeconds lasts about that long
DEFAULT_TIMEOUT_SECONDS = 1800
# The shortest gap between two writes of one stream; events within it share a write. Upstream flushes each event
# (HTTP/2 frames are cheap there); here a write costs a trip through the response machinery and TLS, and at fifty
# events a second two hundred streams would spend the process on them. A 50 ms batch stays below what a person or a
# client's informer can tell apart.
WRITE_INTERVAL = 0.05
# upstream: blockTimeout = 3 * time.Second (cacher/watch_cache.go), how long a watch waits for a version not yet seen
BLOCK_SECONDS = 3.0


@dataclass
class WatchPlan:
    """A watch the view has authorised and validated, ready to stream."""

    cluster_id: int
    kind: Kind
    namespace: str | None
    label_selector: str | None
    field_selector: str | None
    resource_version: str
    timeout: float
    as_table: bool
    include_object: str
    now: datetime
    list_objects: object  # () -> (items matching the selectors, resourceVersion): a sync callable on the ORM
    allow_bookmarks: bool = False
    send_initial_events: bool | None = None  # None: not asked, the legacy replay from "" and "0"
    labels: list = field(default_factory=list)
    fields: list = field(default_factory=list)

    def parse_selectors(self) -> None:
        """Refuse a malformed selector with 400 before the stream starts (as upstream does)."""
        try:
            self.labels = parse_selector_string(self.label_selector)
        except SelectorError as error:
            raise errors.bad_request(f"unable to parse requirement: {error}") from None
        self.fields = fields.parse_field_selector(self.kind, self.field_selector)

    def selects(self, obj: dict) -> bool:
        metadata = obj.get("metadata") or {}
        if obj.get("kind") != self.kind.kind:
            return False
        if self.namespace is not None and metadata.get("namespace") != self.namespace:
            return False
        return matches(self.labels, metadata.get("labels")) and fields.matches(self.fields, obj)


def timeout_of(request) -> float:
    value = request.GET.get("timeoutSeconds")
    if value is None:
        return DEFAULT_TIMEOUT_SECONDS
    try:
        return max(0.0, float(int(value)))
    except ValueError:
        raise errors.bad_request(f'invalid timeoutSeconds "{value}"') from None


class EncodedEvents:
    """Each watch event serialised once per format, however many streams send it: the watch cache hands every
    watcher the same event dicts (and the same message dicts), so two hundred informers or `kubectl get -w` cost one
    json.dumps (and one Table) per event, not two hundred, and plain streams with the same kind and namespace and no
    selector share each message's bytes. Entries are keyed by identity and hold what they describe, so an id is
    never reused while cached."""

    def __init__(self, size: int = 4096):
        self.size = size
        self.lines: OrderedDict[tuple, tuple[dict, bytes]] = OrderedDict()

    def line(self, event_type: str, obj: dict) -> bytes:
        return self._cached((id(obj), event_type), obj, lambda: _encode(event_type, obj))

    def table_line(self, event_type: str, obj: dict, now: datetime, include_object: str) -> bytes:
        """An event as a Table stream sends it (`kubectl get -w`): the same bytes for every such stream whose
        clock reads the same time, which is every stream that has heard the same clock state."""

        def encode() -> bytes:
            version = obj["metadata"].get("resourceVersion", "")
            return _encode(event_type, table(obj["kind"], [obj], now, version, include_object))

        return self._cached((id(obj), event_type, now, include_object), obj, encode)

    def plain(self, message: dict, kind: str, namespace: str | None) -> bytes:
        """The lines of a watch-cache message for a stream of `kind` (in `namespace`, or all) with no selector."""

        def encode() -> bytes:
            return b"".join(
                self.line(event["type"], event["object"])
                for event in message["events"]
                if event["object"].get("kind") == kind
                and (namespace is None or event["object"]["metadata"].get("namespace") == namespace)
            )

        return self._cached((id(message), kind, namespace), message, encode)

    def _cached(self, key: tuple, holder: dict, encode) -> bytes:
        found = self.lines.get(key)
        if found is not None and found[0] is holder:
            return found[1]
        encoded = encode()
        self.lines[key] = (holder, encoded)
        if len(self.lines) > self.size:
            self.lines.popitem(last=False)
        return encoded


def _encode(event_type: str, obj: dict) -> bytes:
    return (json.dumps({"type": event_type, "object": obj}, separators=(",", ":")) + "\n").encode()


ENCODED = EncodedEvents()


def key_of(obj: dict) -> tuple:
    metadata = obj["metadata"]
    return metadata.get("namespace"), metadata["name"]


class Stream:
    """Turns watch-cache batches into the events this client should see."""

    def __init__(self, plan: WatchPlan):
        self.plan = plan
        self.now = plan.now
        self.visible: set[tuple] = set()
        self.filtered = bool(plan.labels or plan.fields)
        self.plain = not self.filtered and not plan.as_table
        self.version = 0  # the resourceVersion the client has been brought up to: what a bookmark carries
        self.floor = 0  # events at or below this version are already in the client's view
        self.ends_initial_events = False  # whether the replay closes with the initial-events-end bookmark

    def begin(self, initial: list[dict], version: int) -> list[dict]:
        """The stream starts at `version`, with `initial` (as they stand at it, or later) replayed as ADDED."""
        self.floor = self.version = int(version)
        return initial

    def line(self, event_type: str, obj: dict, shared: bool = True) -> bytes:
        """`shared`: the object is one the watch cache hands every watcher, so its bytes are worth keeping; a
        replayed snapshot, a bookmark or an error is this stream's own."""
        if event_type == "ERROR":
            return _encode(event_type, obj)
        if self.plan.as_table:  # upstream prints every event's object as a Table, bookmarks too
            if shared:
                return ENCODED.table_line(event_type, obj, self.now, self.plan.include_object)
            version = obj["metadata"].get("resourceVersion", "")
            return _encode(event_type, table(self.plan.kind.kind, [obj], self.now, version, self.plan.include_object))
        return ENCODED.line(event_type, obj) if shared else _encode(event_type, obj)

    def bookmark(self, initial_events_end: bool = False) -> bytes:
        made = bookmarks.bookmark_object(self.plan.kind, self.version, initial_events_end)
        return self.line("BOOKMARK", made, shared=False)

    def lines_of(self, messages: list[dict]) -> tuple[list[bytes], bool]:
        """The lines for a run of watch-cache messages, and whether the stream ends after them."""
        lines: list[bytes] = []
        for message in messages:
            kind = message["type"]
            if kind == "events":
                self.version = max(self.version, int(message.get("resourceVersion") or 0))
                lines.extend(self.event_lines(message))
            elif kind == "clock":
                if self.plan.as_table:  # only a table's ages read the clock
                    self.now = parse_time(message["clock"].get("time")) or self.now
            elif kind == "bookmark":
                if self.plan.allow_bookmarks:
                    lines.append(self.bookmark())
            elif kind == "gone":
                lines.append(self.line("ERROR", message["status"]))
                return lines, True
            elif kind == "end":
                return lines, True
        return lines, False

    def event_lines(self, message: dict) -> list[bytes]:
        events = message["events"]
        if message["oldest"] <= self.floor:  # arrived after a snapshot that already holds some of it
            events = [event for event in events if int(event["object"]["metadata"]["resourceVersion"]) > self.floor]
        elif self.plain:
            encoded = ENCODED.plain(message, self.plan.kind.kind, self.plan.namespace)
            return [encoded] if encoded else []
        return [line for line in map(self.translate, events) if line is not None]

    def translate(self, event: dict) -> bytes | None:
        obj, event_type = event["object"], event["type"]
        if obj.get("kind") != self.plan.kind.kind:
            return None
        key = key_of(obj)
        selected = self.plan.selects(obj)
        if not self.filtered:
            return self.line(event_type, obj) if selected else None
        was_visible = key in self.visible
        if event_type == "DELETED" or not selected:
            self.visible.discard(key)
            return self.line("DELETED", obj) if was_visible else None
        self.visible.add(key)
        return self.line("MODIFIED" if was_visible else "ADDED", obj)


def requested_version(resource_version: str) -> int:
    """The version a watch names: 0 for "" and "0" (which differ only in where they start), 400 if not a number."""
    try:
        return int(resource_version or 0)
    except ValueError:
        raise errors.bad_request(f'invalid resource version "{resource_version}"') from None


async def stream(plan: WatchPlan) -> StreamingHttpResponse:
    """The watch cache follows the cluster from before any snapshot is read, so nothing falls between the two.
    A failure once the request is accepted (410 Gone, a version the cache does not reach) is an ERROR event in a
    200 stream, as upstream's cacher answers with an errWatcher."""
    cache = await watch_cache(plan.cluster_id)
    requested = requested_version(plan.resource_version)
    state = Stream(plan)
    try:
        initial = await _start(plan, cache, state, requested)
        watcher = cache.watch(since=state.floor)
    except errors.ApiError as refusal:
        return StreamingHttpResponse(_single(state.line("ERROR", refusal.status())), content_type=JSON)
    return StreamingHttpResponse(_follow(cache, watcher, state, initial), content_type=JSON)


async def _start(plan: WatchPlan, cache, state: Stream, requested: int) -> list[dict]:
    """Where the stream begins (state.floor) and the objects it first replays as ADDED, as upstream's cacher picks
    them (Watch, getWatchCacheResourceVersion, watchCache.getAllEventsSinceLocked)."""
    if plan.send_initial_events:
        items, version = await sync_to_async(plan.list_objects)()
        if version < requested:
            if not await cache.reaches(requested, BLOCK_SECONDS):
                raise errors.too_large_resource_version(requested, cache.newest())
            items, version = await sync_to_async(plan.list_objects)()
        state.visible = {key_of(item) for item in items}
        state.ends_initial_events = plan.allow_bookmarks
        return state.begin(items, version)
    replay = plan.send_initial_events is None and not requested
    version = None
    if replay or state.filtered:
        items, version = await sync_to_async(plan.list_objects)()
        state.visible = {key_of(item) for item in items}
        if replay:
            return state.begin(items, version)
    if requested:
        return state.begin([], requested)
    if plan.resource_version == "0":  # sendInitialEvents=false from "0": any recent version will do
        return state.begin([], cache.newest())
    # sendInitialEvents=false from "": from now, as the database has it
    return state.begin([], version if version is not None else await cache.storage_version())


async def _single(line: bytes):
    yield line


async def _follow(cache, watcher, state: Stream, initial: list[dict]):
    """One chunk per wake-up: everything the watcher has waiting goes out in a single write. Each write costs the
    same (the response machinery, TLS, a socket send, two poller updates) whatever its size, so a stream that wrote
    less than WRITE_INTERVAL ago first waits out the rest of it and then sends all that came meanwhile: an event
    after a quiet spell leaves at once, and a busy cluster costs each stream at most 1/WRITE_INTERVAL writes a second
    rather than one per event."""
    loop = asyncio.get_running_loop()
    # One timer for the whole stream rather than a timeout around every wait.
    deadline = loop.time() + state.plan.timeout
    expiry = loop.call_at(deadline, watcher.end)
    bookmark_timer = bookmarks.BookmarkTimer(loop, watcher, deadline) if state.plan.allow_bookmarks else None
    written = -WRITE_INTERVAL
    try:
        # The replay, or nothing: either way the headers go out now, as upstream flushes them before any event.
        replay = [state.line("ADDED", obj, shared=False) for obj in initial]
        if state.ends_initial_events:
            replay.append(state.bookmark(initial_events_end=True))
        yield b"".join(replay)
        while True:
            messages = await watcher.next_batches()
            pause = written + WRITE_INTERVAL - loop.time()
            if pause > 0:
                await asyncio.sleep(pause)
                messages += watcher.waiting()
            lines, finished = state.lines_of(messages)
            if lines:
                written = loop.time()
                yield b"".join(lines)
            if finished:
                return
    finally:
        expiry.cancel()
        if bookmark_timer is not None:
            bookmark_timer.cancel()
        cache.unwatch(watcher)
