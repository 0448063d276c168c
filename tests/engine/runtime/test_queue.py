from cluster_engine.runtime.clock import SimClock
from cluster_engine.runtime.queue import WorkQueue


def drain(queue):
    keys = []
    while (key := queue.pop()) is not None:
        keys.append(key)
    return keys


def test_keys_are_deduplicated_while_waiting():
    queue = WorkQueue(SimClock())
    for key in ["a", "b", "a", "a"]:
        queue.add(key)
    assert drain(queue) == ["a", "b"]
    queue.add("a")
    assert drain(queue) == ["a"]


def test_add_after_fires_on_the_simulated_clock_and_earliest_wins():
    clock = SimClock()
    queue = WorkQueue(clock)
    queue.add_after("a", 10)
    queue.add_after("a", 4)
    queue.add_after("a", 8)
    due = []
    while (timer := clock.pop_due(100)) is not None:
        timer.callback()
        due += [(clock.now, key) for key in drain(queue)]
    assert due == [(4, "a")]


def test_failures_back_off_exponentially_and_forget_resets():
    clock = SimClock()
    queue = WorkQueue(clock, base_delay=0.005, max_delay=1000)
    delays = [queue.add_rate_limited("k") for _ in range(4)]
    assert delays == [0.005, 0.01, 0.02, 0.04]
    queue.forget("k")
    assert queue.add_rate_limited("k") == 0.005


def test_backoff_is_capped():
    queue = WorkQueue(SimClock(), base_delay=10, max_delay=300)
    delays = [queue.add_rate_limited("k") for _ in range(7)]
    assert delays == [10, 20, 40, 80, 160, 300, 300]
