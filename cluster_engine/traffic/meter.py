"""What a client saw, per simulated second: requests sent, how each ended, how long they took, which pod answered.

Counts are kept per second (not per request), so a client at thousands of requests per second costs the same memory
as one at ten; the last `HISTORY_SECONDS` stay, enough to show when a failure started and when it ended.
"""

from collections import Counter, deque
from dataclasses import dataclass, field

from .reach import FAILURES, OK

HISTORY_SECONDS = 30


@dataclass
class Second:
    at: int
    sent: int = 0
    results: Counter = field(default_factory=Counter)
    latency_ms: float = 0.0  # summed over the requests of this second
    pods: Counter = field(default_factory=Counter)  # pod key -> requests it received

    def summary(self) -> dict:
        ok = self.results[OK]
        return {
            "at": self.at,
            "sent": self.sent,
            "ok": ok,
            "failed": {reason: self.results[reason] for reason in FAILURES if self.results[reason]},
            "successRate": round(ok / self.sent, 4) if self.sent else None,
            "latencyMs": round(self.latency_ms / self.sent, 2) if self.sent else None,
            "pods": dict(sorted(self.pods.items())),
        }


class Meter:
    def __init__(self, started: float):
        self.seconds: deque[Second] = deque(maxlen=HISTORY_SECONDS + 1)
        # The second the client started in is only partly sent: it is counted but never shown as "the last second".
        self.first_whole = int(started) + (0 if started == int(started) else 1)

    def record(self, now: float, result: str, count: int, latency_ms: float, pod: str | None) -> None:
        if count <= 0:
            return
        second = int(now)
        if not self.seconds or self.seconds[-1].at != second:
            self.seconds.append(Second(second))
        bucket = self.seconds[-1]
        bucket.sent += count
        bucket.results[result] += count
        bucket.latency_ms += latency_ms * count
        if pod is not None:
            bucket.pods[pod] += count

    def last_complete(self, now: float) -> Second | None:
        """The newest second that has ended (the meter shows it, so its numbers do not jump while it fills)."""
        return next((second for second in reversed(self.seconds) if self.first_whole <= second.at < int(now)), None)

    def history(self, now: float) -> list[list[int]]:
        """[second, ok, failed] for each ended second kept."""
        return [
            [second.at, second.results[OK], second.sent - second.results[OK]]
            for second in self.seconds
            if second.at < int(now)
        ]
