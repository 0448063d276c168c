"""Background timers run in time order with the others, but are never "the next thing that happens"."""

from cluster_engine.runtime.clock import SimClock


def test_background_and_foreground_timers_fire_in_time_order_then_scheduling_order():
    clock = SimClock()
    fired = []
    clock.call_at(2, lambda: fired.append("heartbeat"))
    clock.call_at(1, lambda: fired.append("traffic 1"), background=True)
    clock.call_at(2, lambda: fired.append("traffic 2"), background=True)
    clock.call_at(3, lambda: fired.append("traffic 3"), background=True)
    while (timer := clock.pop_due(2.5)) is not None:
        timer.callback()
    assert fired == ["traffic 1", "heartbeat", "traffic 2"]
    assert clock.next_due() == 3
    assert clock.next_due(background=False) is None


def test_a_cancelled_background_timer_is_neither_due_nor_fired():
    clock = SimClock()
    clock.call_at(5, lambda: None, "kept")
    clock.call_at(1, lambda: None, "dropped", background=True).cancel()
    assert clock.next_due() == 5 == clock.next_due(background=False)
    assert clock.pop_due(5).label == "kept"
    assert clock.pop_due(10) is None
