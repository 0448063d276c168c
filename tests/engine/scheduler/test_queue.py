"""The scheduling queue's order, backoff and retry-on-cluster-event semantics, on a simulated clock."""

from cluster_engine.scheduler.podinfo import pod_info
from cluster_engine.scheduler.queue import SchedulingQueue

from .objects import pod


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_active_queue_orders_by_priority_then_arrival():
    clock = Clock()
    queue = SchedulingQueue(clock)
    for name, priority, at in (("low", 0, 0.0), ("high", 1000, 1.0), ("low-later", 0, 2.0), ("mid", 10, 3.0)):
        clock.now = at
        queue.add(pod_info(pod(name, priority=priority)))
    assert [queue.pop().name for _ in range(4)] == ["high", "mid", "low", "low-later"]
    assert queue.pop() is None


def test_backoff_doubles_from_one_second_to_ten():
    clock = Clock()
    queue = SchedulingQueue(clock)
    queue.add(pod_info(pod("web")))
    waits = []
    popped = queue.pop()
    for _ in range(6):
        failed_at = clock.now
        queue.add_unschedulable(popped.key, queue.scheduling_cycle)
        queue.move_all_to_active_or_backoff()  # a cluster event: the pod must still sit out its backoff
        while (popped := queue.pop_ready()) is None:
            clock.now += 0.5
        waits.append(clock.now - failed_at)
    assert waits == [1.0, 2.0, 4.0, 8.0, 10.0, 10.0]


def test_unschedulable_pods_wait_for_a_cluster_event():
    clock = Clock()
    queue = SchedulingQueue(clock)
    queue.add(pod_info(pod("web")))
    popped = queue.pop()
    queue.add_unschedulable(popped.key, queue.scheduling_cycle)
    clock.now = 60.0
    queue.flush_backoff_completed()
    assert queue.pop() is None
    assert queue.listing()["unschedulable"] == ["default/web"]
    queue.move_all_to_active_or_backoff()
    assert queue.pop().name == "web"


def test_failure_racing_a_cluster_event_goes_to_backoff_not_unschedulable():
    clock = Clock()
    queue = SchedulingQueue(clock)
    queue.add(pod_info(pod("web")))
    popped = queue.pop()
    cycle = queue.scheduling_cycle
    queue.move_all_to_active_or_backoff()  # a node was added while the pod was being scheduled
    queue.add_unschedulable(popped.key, cycle)
    assert queue.listing()["backoff"] == ["default/web"]
    clock.now = 1.0
    queue.flush_backoff_completed()
    assert queue.pop().name == "web"


def test_unschedulable_leftovers_are_retried_after_five_minutes():
    clock = Clock()
    queue = SchedulingQueue(clock)
    queue.add(pod_info(pod("web")))
    queue.add_unschedulable(queue.pop().key, queue.scheduling_cycle)
    clock.now = 300.0
    queue.flush_unschedulable_leftover()
    assert queue.pop() is None
    clock.now = 300.5
    queue.flush_unschedulable_leftover()
    assert queue.pop().name == "web"


def test_deleted_pods_leave_every_queue():
    queue = SchedulingQueue(Clock())
    queue.add(pod_info(pod("web")))
    queue.delete("default/web")
    assert queue.pop() is None
    assert len(queue) == 0
