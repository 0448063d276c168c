from cluster_engine.runtime.clock import MAX_SPEED, MIN_SPEED, SimClock, clamp_speed


def test_timers_fire_in_time_order_then_scheduling_order():
    clock = SimClock()
    fired = []
    clock.call_at(5, lambda: fired.append("b"))
    clock.call_at(2, lambda: fired.append("a"))
    clock.call_at(5, lambda: fired.append("c"))
    while (timer := clock.pop_due(10)) is not None:
        timer.callback()
        fired.append(clock.now)
    assert fired == ["a", 2, "b", 5, "c", 5]


def test_cancelled_timer_is_skipped_and_next_due_ignores_it():
    clock = SimClock()
    first = clock.call_at(1, lambda: None)
    clock.call_at(3, lambda: None)
    first.cancel()
    assert clock.next_due() == 3
    assert clock.pending() == 1


def test_timer_in_the_past_fires_now_and_time_never_goes_back():
    clock = SimClock(now=10)
    timer = clock.call_at(4, lambda: None)
    assert timer.at == 10
    clock.advance_to(5)
    assert clock.now == 10


def test_timestamps_map_simulated_seconds_onto_the_epoch():
    clock = SimClock(epoch=1767225600.0, now=61.5)
    assert clock.timestamp() == "2026-01-01T00:01:01Z"
    assert clock.micro_timestamp() == "2026-01-01T00:01:01.500000Z"
    assert clock.seconds_since_epoch("2026-01-01T00:01:01Z") == 61


def test_speed_is_held_to_the_supported_range():
    assert clamp_speed(1000) == MAX_SPEED == 100
    assert clamp_speed(0) == MIN_SPEED == 0.25
    assert SimClock(speed=3).speed == 3
