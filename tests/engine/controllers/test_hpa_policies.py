"""The behavior policies' rate limits, on the cases of upstream's scale-limit tables (a 60 s period throughout)."""

import pytest

from cluster_engine.controllers.podautoscaler import SCALE_DOWN, SCALE_UP, policy_limit

NOW = 1000.0


def rules(*policies, select=None):
    found = {"policies": [{"type": kind, "value": value, "periodSeconds": 60} for kind, value in policies]}
    if select:
        found["selectPolicy"] = select
    return found


@pytest.mark.parametrize(
    ("current", "scaling", "ups", "downs", "limit"),
    [
        (5, rules(("Pods", 4)), [], [], 9),
        (5, rules(("Pods", 4)), [(NOW - 30, 2)], [], 7),  # two already added this period
        (5, rules(("Pods", 4)), [(NOW - 90, 2)], [], 9),  # that scale-up left the period
        (5, rules(("Pods", 4), select="Disabled"), [], [], 5),
        (5, rules(("Pods", 4), ("Pods", 2), select="Min"), [], [], 7),
        (5, rules(("Pods", 4), ("Pods", 2)), [], [], 9),
        (10, rules(("Percent", 50)), [], [], 15),
        (3, rules(("Percent", 10)), [], [], 4),  # rounded up: a small percentage still adds a pod
    ],
)
def test_scale_up_limit(current, scaling, ups, downs, limit):
    assert policy_limit(current, scaling, ups, downs, NOW, SCALE_UP) == limit


@pytest.mark.parametrize(
    ("current", "scaling", "ups", "downs", "limit"),
    [
        (10, rules(("Percent", 20)), [], [], 8),
        (10, rules(("Percent", 20)), [], [(NOW - 30, 1)], 8),  # from the 11 the period began with
        (100, rules(("Percent", 10), ("Pods", 5)), [], [], 90),
        (10, rules(("Percent", 20), select="Disabled"), [], [], 10),
        (100, rules(("Percent", 10), ("Pods", 15), select="Min"), [], [], 90),
        (3, rules(("Percent", 10)), [], [], 2),  # rounded down: a small percentage still removes a pod
    ],
)
def test_scale_down_limit(current, scaling, ups, downs, limit):
    assert policy_limit(current, scaling, ups, downs, NOW, SCALE_DOWN) == limit
