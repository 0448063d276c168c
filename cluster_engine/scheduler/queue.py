"""The scheduling queue: activeQ by priority then arrival, backoffQ, and the unschedulable pods.

As upstream's PriorityQueue (pkg/scheduler/backend/queue): a pod that failed waits in unschedulablePods until a
cluster event (a node added or changed, a pod deleted...) may have made it schedulable, then goes to activeQ, or
to backoffQ while its backoff (1 s doubling per attempt, at most 10 s) has not expired. A pod whose failure
raced with such an event goes straight to backoffQ so the event is not lost. Pods left unschedulable for 5
minutes are retried anyway. Time is the caller's `now()` in simulated seconds.
"""

import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass

from .podinfo import PodInfo

INITIAL_BACKOFF = 1.0  # upstream: --pod-initial-backoff-seconds
MAX_BACKOFF = 10.0  # upstream: --pod-max-backoff-seconds
MAX_IN_UNSCHEDULABLE = 300.0  # upstream: podMaxInUnschedulablePodsDuration (5 min)
FLUSH_BACKOFF_PERIOD = 1.0  # upstream: flushBackoffQCompleted every 1 s
FLUSH_UNSCHEDULABLE_PERIOD = 30.0  # upstream: flushUnschedulablePodsLeftover every 30 s


@dataclass
class QueuedPod:
    info: PodInfo
    timestamp: float  # when it was last added or failed
    initial_attempt: float | None = None
    attempts: int = 0
    unschedulable_plugins: tuple = ()

    def backoff_duration(self) -> float:
        duration = INITIAL_BACKOFF
        for _ in range(1, self.attempts):
            duration *= 2
            if duration > MAX_BACKOFF:
                return MAX_BACKOFF
        return duration

    def backoff_expiry(self) -> float:
        return self.timestamp + self.backoff_duration()


class SchedulingQueue:
    def __init__(self, now: Callable[[], float]):
        self.now = now
        self._active: list = []
        self._backoff: list = []
        self._unschedulable: dict[str, QueuedPod] = {}
        self._where: dict[str, str] = {}  # key -> "active" | "backoff" | "unschedulable" | "in-flight"
        self._entries: dict[str, QueuedPod] = {}
        self._sequence = itertools.count()
        self.scheduling_cycle = 0
        self._move_request_cycle = -1

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, info: PodInfo) -> None:
        """A new pending pod (or a changed one): straight to activeQ."""
        entry = self._entries.get(info.key)
        if entry is not None:
            entry.info = info
            if self._where[info.key] == "in-flight":
                return
            if self._where[info.key] == "unschedulable":
                # upstream: an update to an unschedulable pod may make it schedulable; retry (after its backoff)
                del self._unschedulable[info.key]
                self._requeue(entry)
            return
        entry = self._entries[info.key] = QueuedPod(info, self.now())
        self._push_active(entry)

    update = add

    def delete(self, key: str) -> None:
        self._entries.pop(key, None)
        self._unschedulable.pop(key, None)
        self._where.pop(key, None)  # heap entries of deleted pods are skipped when popped

    def pop(self) -> PodInfo | None:
        """The most important active pod, or None; it is in flight until `done` or `add_unschedulable`."""
        while self._active:
            _, _, _, key, entry = heapq.heappop(self._active)
            if self._where.get(key) == "active" and self._entries.get(key) is entry:
                self._where[key] = "in-flight"
                entry.attempts += 1
                if entry.initial_attempt is None:
                    entry.initial_attempt = self.now()
                self.scheduling_cycle += 1
                return entry.info
        return None

    def pop_ready(self) -> PodInfo | None:
        """Move pods whose backoff has expired to activeQ, then pop."""
        self.flush_backoff_completed()
        return self.pop()

    def done(self, key: str) -> None:
        """The pod was scheduled (assumed); it leaves the queue."""
        self.delete(key)

    def add_unschedulable(self, key: str, cycle: int, plugins: tuple = ()) -> None:
        """Upstream AddUnschedulableIfNotPresent after a failed attempt."""
        entry = self._entries.get(key)
        if entry is None:
            return
        entry.timestamp = self.now()
        entry.unschedulable_plugins = plugins
        if self._move_request_cycle >= cycle:
            self._push_backoff(entry)
        else:
            self._where[key] = "unschedulable"
            self._unschedulable[key] = entry

    def add_after_error(self, info: PodInfo) -> None:
        """A pod that failed with an error no plugin stands for (a refused binding): straight to backoffQ, as
        upstream requeues a pod without rejector plugins."""
        entry = self._entries.get(info.key)
        if entry is None:
            entry = self._entries[info.key] = QueuedPod(info, self.now(), attempts=1)
        entry.info, entry.timestamp = info, self.now()
        self._push_backoff(entry)

    def move_all_to_active_or_backoff(self, plugins: tuple | None = None) -> None:
        """A cluster event happened that may make unschedulable pods schedulable.

        With `plugins`, only pods rejected by one of them move (the event cannot help the others).
        """
        for entry in list(self._unschedulable.values()):
            if plugins is not None and not set(plugins) & set(entry.unschedulable_plugins):
                continue
            del self._unschedulable[entry.info.key]
            self._requeue(entry)
        self._move_request_cycle = self.scheduling_cycle

    def flush_backoff_completed(self) -> None:
        now = self.now()
        while self._backoff and self._backoff[0][0] <= now:
            _, _, key, entry = heapq.heappop(self._backoff)
            if self._where.get(key) == "backoff" and self._entries.get(key) is entry:
                self._push_active(entry)

    def flush_unschedulable_leftover(self) -> None:
        now = self.now()
        for entry in list(self._unschedulable.values()):
            if now - entry.timestamp > MAX_IN_UNSCHEDULABLE:
                del self._unschedulable[entry.info.key]
                self._requeue(entry)

    def next_backoff_expiry(self) -> float | None:
        while self._backoff and self._where.get(self._backoff[0][2]) != "backoff":
            heapq.heappop(self._backoff)
        return self._backoff[0][0] if self._backoff else None

    def active_count(self) -> int:
        return sum(1 for where in self._where.values() if where == "active")

    def listing(self) -> dict[str, list[str]]:
        """Which pods wait where, for the browser's queue view."""
        result: dict[str, list[str]] = {"active": [], "backoff": [], "unschedulable": []}
        for key, where in self._where.items():
            if where in result:
                result[where].append(key)
        return result

    def _requeue(self, entry: QueuedPod) -> None:
        if entry.backoff_expiry() > self.now():
            self._push_backoff(entry)
        else:
            self._push_active(entry)

    def _push_active(self, entry: QueuedPod) -> None:
        key = entry.info.key
        self._where[key] = "active"
        # upstream PrioritySort: higher priority first, then earlier timestamp
        heapq.heappush(self._active, (-entry.info.priority, entry.timestamp, next(self._sequence), key, entry))

    def _push_backoff(self, entry: QueuedPod) -> None:
        key = entry.info.key
        self._where[key] = "backoff"
        heapq.heappush(self._backoff, (entry.backoff_expiry(), next(self._sequence), key, entry))
