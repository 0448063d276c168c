"""Watch bookmarks (`allowWatchBookmarks=true`): an event carrying only the resourceVersion the stream has reached.

A client that restarts its watch from a bookmark's version skips what it already saw even when none of the watched
objects changed meanwhile, so it does not fall out of the window and re-list. Upstream's cacher sends one roughly
every minute and one just before the watch times out (cache_watcher.go nextBookmarkTime); so do we, on the wall
clock that times the watch.

A streaming list (`sendInitialEvents=true`) ends its initial ADDED events with one bookmark annotated
`k8s.io/initial-events-end: "true"`: client-go's reflector waits for it before it calls its cache synced.
"""

# upstream: defaultBookmarkFrequency = time.Minute (staging/src/k8s.io/apiserver/pkg/storage/cacher)
BOOKMARK_SECONDS = 60.0
# upstream: the last bookmark goes 2 s before the watch's deadline, so the client resumes from a version that fresh
BEFORE_DEADLINE_SECONDS = 2.0
# upstream: the annotation on the bookmark that closes a watch list's initial events (metav1.InitialEventsAnnotationKey)
INITIAL_EVENTS_END = "k8s.io/initial-events-end"
MESSAGE = {"type": "bookmark"}  # what the timer queues on the watcher, in order with its events


def next_bookmark_time(now: float, deadline: float) -> float | None:
    """When the next bookmark is due: a minute from now, or 2 s before the deadline if sooner; None when that moment
    has already passed (the pre-timeout bookmark went out, or the watch is shorter than 2 s)."""
    due = min(now + BOOKMARK_SECONDS, deadline - BEFORE_DEADLINE_SECONDS)
    return due if due > now else None


def bookmark_object(kind, resource_version: int, initial_events_end: bool = False) -> dict:
    """An object of the watched kind with only metadata.resourceVersion, as upstream's cacher builds it; the one
    closing a streaming list's initial events also carries the annotation (storage.AnnotateInitialEventsEndBookmark)."""
    metadata: dict = {"resourceVersion": str(resource_version)}
    if initial_events_end:
        metadata["annotations"] = {INITIAL_EVENTS_END: "true"}
    return {"kind": kind.kind, "apiVersion": kind.api_version, "metadata": metadata}


class BookmarkTimer:
    """Queues a bookmark message on one watcher whenever one is due, until the watch ends."""

    def __init__(self, loop, watcher, deadline: float):
        self.loop = loop
        self.watcher = watcher
        self.deadline = deadline
        self.handle = None
        self._schedule()

    def _schedule(self) -> None:
        due = next_bookmark_time(self.loop.time(), self.deadline)
        self.handle = self.loop.call_at(due, self._fire) if due is not None else None

    def _fire(self) -> None:
        self.watcher.offer(MESSAGE)
        self._schedule()

    def cancel(self) -> None:
        if self.handle is not None:
            self.handle.cancel()
