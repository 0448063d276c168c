"""Replica counts from resource metrics: cases from upstream's replica_calculator_test.go."""

import pytest

from cluster_engine.controllers import replica_calculator as calc

NOW = 10_000.0  # long after every pod started


def pods(count, ready=None, request=1000):
    ready = ready or [True] * count
    return [calc.PodInfo(f"test-pod-{i}", ready=ready[i], request=request) for i in range(count)]


def usage(*values):
    return {f"test-pod-{i}": value for i, value in enumerate(values)}


@pytest.mark.parametrize(
    ("current", "target", "values", "expected", "utilization"),
    [
        (3, 30, (300, 500, 700), 5, 50),  # TestReplicaCalcScaleUp
        (5, 50, (100, 300, 500, 250, 250), 3, 28),  # TestReplicaCalcScaleDown
        (3, 100, (1010, 1030, 1020), 3, 102),  # TestReplicaCalcTolerance
    ],
)
def test_utilization(current, target, values, expected, utilization):
    replicas, measured, _ = calc.utilization_replicas(current, target, pods(len(values)), usage(*values), "cpu", NOW)
    assert (replicas, measured) == (expected, utilization)


def test_unready_pods_count_as_idle_when_scaling_up():
    """TestReplicaCalcScaleUpUnreadyLessScale: 3 pods, the first not ready: 4 replicas, 60 % measured."""
    starting = pods(3, ready=[False, True, True])
    for pod in starting:
        pod.started = NOW - 10  # within the CPU initialisation period
    replicas, utilization, _ = calc.utilization_replicas(3, 30, starting, usage(300, 500, 700), "cpu", NOW)
    assert (replicas, utilization) == (4, 60)


def test_missing_metrics_count_as_the_request_when_scaling_down():
    """TestReplicaCalcMissingMetricsScaleDown-like: a pod without metrics holds the scale-down back."""
    replicas, utilization, _ = calc.utilization_replicas(4, 50, pods(4), usage(400, 95, 95), "cpu", NOW)
    # measured: 590 / 3000 = 19 % (three would do); counted with the silent pod at its request: 1590 / 4000 = 39 %,
    # ceil(0.78 x 4) = 4, no change
    assert (replicas, utilization) == (4, 19)
    assert calc.utilization_replicas(3, 50, pods(3), usage(400, 95, 95), "cpu", NOW)[0] == 2


def test_average_value_target():
    """TestReplicaCalcScaleUpCMUnreadyHotCpuNoLessScale-style plain values: 3 pods averaging 2x the target."""
    replicas, average = calc.average_value_replicas(3, 100, pods(3), usage(200, 200, 200), "cpu", NOW)
    assert (replicas, average) == (6, 200)


def test_a_container_without_request_is_named():
    missing = pods(1, request=None)
    missing[0].missing_request_container = "app"
    with pytest.raises(calc.MetricsError, match="missing request for cpu in container app of Pod test-pod-0"):
        calc.utilization_replicas(1, 50, missing, usage(10), "cpu", NOW)
