"""The per-zone rate limit on NoExecute tainting (upstream's RateLimitedTimedQueue with a token bucket).

Tainting a node NoExecute is what starts evicting its pods, so upstream paces it per zone: a token bucket with
burst 1 (EvictionRateLimiterBurst) at --node-eviction-rate 0.1 nodes/s, swapped for a slower or a stopped bucket
when a zone is disrupted. A burst-1 bucket is fully described by the time its next token is available.
"""


class ZoneTainter:
    def __init__(self, qps: float):
        self.qps = qps
        self._token_at = float("-inf")  # a fresh bucket starts full
        self._queue: list[str] = []
        self._members: set[str] = set()  # upstream UniqueQueue: a processed node stays a member until removed

    def add(self, name: str) -> bool:
        if name in self._members:
            return False
        self._members.add(name)
        self._queue.append(name)
        return True

    def remove(self, name: str) -> bool:
        if name not in self._members:
            return False
        self._members.discard(name)
        if name in self._queue:
            self._queue.remove(name)
        return True

    def queued(self) -> list[str]:
        return list(self._queue)

    def _available(self, now: float) -> bool:
        return self.qps > 0 and now >= self._token_at

    def _take(self, now: float) -> bool:
        if not self._available(now):
            return False
        self._token_at = now + 1 / self.qps
        return True

    def swap_limiter(self, qps: float, now: float) -> None:
        """upstream SwapLimiter: a new bucket, drained if the old one had no token to give."""
        if qps == self.qps:
            return
        drained = not self._available(now)
        self.qps = qps
        self._token_at = now + 1 / qps if qps > 0 and drained else float("-inf")

    def next_token_at(self) -> float | None:
        """When queued work could next proceed, or None if nothing waits or the zone's evictions are stopped."""
        if not self._queue or self.qps <= 0:
            return None
        return self._token_at

    def process(self, now: float, taint) -> None:
        """upstream Try: spend one token per queued node; `taint(name)` returns False to retry it later."""
        while self._queue and self._take(now):
            name = self._queue.pop(0)
            if not taint(name):
                self._queue.append(name)
