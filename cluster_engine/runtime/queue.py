"""A rate-limited work queue of object keys, as client-go's workqueue provides to controllers.

Keys are de-duplicated while they wait; failures back off exponentially per key; delayed re-adds ride the
simulated clock. Events only enqueue keys: the reconciler reads the current state when the key comes out, which is
what makes the controllers level-triggered.
"""

from collections import deque

from .clock import SimClock

# upstream: workqueue.DefaultControllerRateLimiter's per-item exponential limiter, 5 ms doubling to 1000 s
BASE_DELAY = 0.005
MAX_DELAY = 1000.0


class WorkQueue:
    def __init__(self, clock: SimClock, name: str = "", base_delay: float = BASE_DELAY, max_delay: float = MAX_DELAY):
        self.clock = clock
        self.name = name
        self.base_delay = base_delay
        self.max_delay = max_delay
        self._queue: deque[str] = deque()
        self._waiting: set[str] = set()
        self._failures: dict[str, int] = {}
        self._delayed: dict[str, float] = {}

    def add(self, key: str) -> None:
        if key not in self._waiting:
            self._waiting.add(key)
            self._queue.append(key)

    def add_after(self, key: str, delay: float) -> None:
        """Enqueue `key` after `delay` simulated seconds; an earlier pending re-add wins over a later one."""
        if delay <= 0:
            self.add(key)
            return
        due = self.clock.now + delay
        if key in self._delayed and self._delayed[key] <= due:
            return
        self._delayed[key] = due
        self.clock.call_at(due, lambda: self._fire_delayed(key, due), f"{self.name}:{key}")

    def _fire_delayed(self, key: str, due: float) -> None:
        if self._delayed.get(key) == due:
            del self._delayed[key]
            self.add(key)

    def add_rate_limited(self, key: str) -> float:
        """Re-add after this key's backoff, doubling on each consecutive failure; returns the delay used."""
        failures = self._failures.get(key, 0)
        self._failures[key] = failures + 1
        delay = min(self.base_delay * 2 ** min(failures, 64), self.max_delay)  # the cap long reached, avoid overflow
        self.add_after(key, delay)
        return delay

    def forget(self, key: str) -> None:
        """Reset the key's backoff after it was reconciled successfully."""
        self._failures.pop(key, None)

    def failures(self, key: str) -> int:
        return self._failures.get(key, 0)

    def pop(self) -> str | None:
        if not self._queue:
            return None
        key = self._queue.popleft()
        self._waiting.discard(key)
        return key

    def __len__(self) -> int:
        return len(self._queue)
