"""The simulated clock each cluster runs on.

Every Kubernetes duration keeps its upstream value in simulated seconds; only the pace at which simulated time
passes changes (speed), stops (pause) or jumps to the next thing that will happen (step). Components never read
wall time: they ask the clock for `now` and schedule timers on it, so a scenario replays identically.
"""

import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

MIN_SPEED = 0.25
MAX_SPEED = 100.0
# metav1.Time serialises years up to 9999 (RFC 3339); a moment past it (a deletion whose grace period is most of an
# int64) is shown as the last second it can name.
LATEST = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)


@dataclass(order=True)
class Timer:
    """A callback due at a simulated time. Cancelling leaves it in the heap but makes it a no-op."""

    at: float
    sequence: int
    callback: Callable[[], None] = field(compare=False)
    label: str = field(default="", compare=False)
    cancelled: bool = field(default=False, compare=False)

    def cancel(self) -> None:
        self.cancelled = True


class SimClock:
    """Simulated seconds since the cluster's epoch, with timers ordered by due time then by scheduling order."""

    def __init__(self, epoch: float = 0.0, now: float = 0.0, speed: float = 1.0, paused: bool = False):
        self.epoch = epoch  # wall-clock Unix time that simulated second 0 maps to, for object timestamps
        self.now = now
        self.speed = clamp_speed(speed)
        self.paused = paused
        self._timers: list[Timer] = []
        # Timers of continuous background activity (service traffic): they run in time order with the others, but
        # "the next thing that happens", which a step jumps to, is never one of them.
        self._background: list[Timer] = []
        self._sequence = itertools.count()
        # The last second-resolution timestamp rendered: the writes of one instant all ask for the same one.
        self._rendered: tuple[float, str] = (float("nan"), "")

    def call_at(self, at: float, callback: Callable[[], None], label: str = "", background: bool = False) -> Timer:
        timer = Timer(max(at, self.now), next(self._sequence), callback, label)
        heapq.heappush(self._background if background else self._timers, timer)
        return timer

    def call_later(
        self, delay: float, callback: Callable[[], None], label: str = "", background: bool = False
    ) -> Timer:
        return self.call_at(self.now + delay, callback, label, background)

    def next_due(self, background: bool = True) -> float | None:
        """When the next live timer fires (a background one too unless `background` is False), or None."""
        heads = [head.at for head in (_live_head(self._timers), background and _live_head(self._background)) if head]
        return min(heads) if heads else None

    def pop_due(self, until: float) -> Timer | None:
        """Remove and return the next live timer due at or before `until`, moving `now` to its time."""
        heads = [heap for heap in (self._timers, self._background) if _live_head(heap)]
        if not heads:
            return None
        heap = min(heads, key=lambda candidate: candidate[0])
        if heap[0].at > until:
            return None
        timer = heapq.heappop(heap)
        self.now = max(self.now, timer.at)
        return timer

    def advance_to(self, until: float) -> None:
        """Move `now` forward (never back) once every timer up to `until` has run."""
        self.now = max(self.now, until)

    def pending(self) -> int:
        return sum(1 for timer in self._timers if not timer.cancelled)

    def wall_time(self, at: float | None = None) -> datetime:
        moment = self.epoch + (self.now if at is None else at)
        return LATEST if moment >= LATEST.timestamp() else datetime.fromtimestamp(moment, tz=UTC)

    def timestamp(self, at: float | None = None) -> str:
        """RFC 3339 with seconds, as metav1.Time serialises (creationTimestamp, lastTransitionTime)."""
        moment = self.epoch + (self.now if at is None else at)
        if moment != self._rendered[0]:
            self._rendered = (moment, self.wall_time(at).strftime("%Y-%m-%dT%H:%M:%SZ"))
        return self._rendered[1]

    def micro_timestamp(self, at: float | None = None) -> str:
        """RFC 3339 with microseconds, as metav1.MicroTime serialises (Lease renewTime, Event eventTime)."""
        return self.wall_time(at).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    def seconds_since_epoch(self, timestamp: str) -> float:
        """The simulated second an object timestamp written by this clock stands for."""
        text = timestamp.rstrip("Z")
        parsed = datetime.fromisoformat(text).replace(tzinfo=UTC)
        return parsed.timestamp() - self.epoch


def _live_head(heap: list[Timer]) -> Timer | None:
    """The earliest live timer of a heap, dropping the cancelled ones in front of it."""
    while heap and heap[0].cancelled:
        heapq.heappop(heap)
    return heap[0] if heap else None


def clamp_speed(speed: float) -> float:
    """Speeds outside 0.25x..100x are refused by the API; here they are held to the range."""
    return min(MAX_SPEED, max(MIN_SPEED, float(speed)))
