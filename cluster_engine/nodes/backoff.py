"""The kubelet's CrashLoopBackOff: client-go's flowcontrol.Backoff as the kubelet configures it.

upstream: 10 s initial, doubling, capped at 300 s (MaxContainerBackOff); an entry untouched for 2 x 300 s = 10 min
expires, so a container that ran 10 minutes without trouble starts again from 10 s. The first exit restarts at
once (no entry yet) and arms the 10 s back-off for the next one, exactly as kuberuntime's doBackOff does.
"""

INITIAL = 10.0  # upstream: kubelet backOffPeriod
MAXIMUM = 300.0  # upstream: MaxContainerBackOff


class Backoff:
    def __init__(self, initial: float = INITIAL, maximum: float = MAXIMUM):
        self.initial = initial
        self.maximum = maximum
        self._entries: dict[str, tuple[float, float]] = {}  # key -> (back-off, last update)

    def _expired(self, key: str, at: float) -> bool:
        backoff, last_update = self._entries[key]
        return at - last_update > 2 * self.maximum

    def in_backoff_since(self, key: str, event_time: float, now: float) -> bool:
        if key not in self._entries or self._expired(key, event_time):
            return False
        return now - event_time < self._entries[key][0]

    def get(self, key: str) -> float:
        return self._entries.get(key, (0.0, 0.0))[0]

    def next(self, key: str, now: float) -> None:
        if key not in self._entries or self._expired(key, now):
            self._entries[key] = (self.initial, now)
        else:
            self._entries[key] = (min(self._entries[key][0] * 2, self.maximum), now)

    def forget(self, key: str) -> None:
        self._entries.pop(key, None)


def go_duration(seconds: float) -> str:
    """Go's time.Duration String() for whole seconds: 10s, 1m20s, 5m0s (as the waiting message prints it)."""
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes}m{secs}s"
    if minutes:
        return f"{minutes}m{secs}s"
    return f"{secs}s"
