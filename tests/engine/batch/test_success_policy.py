"""matchSuccessPolicy on cases of upstream's success_policy_test.go."""

import pytest

from cluster_engine.controllers.job_success_policy import matched


@pytest.mark.parametrize(
    ("rules", "succeeded", "message"),
    [
        ([{"succeededIndexes": "0-2"}], {0, 1, 2}, "Matched rules at index 0"),
        ([{"succeededIndexes": "0-2"}], {0, 2, 5}, None),
        ([{"succeededIndexes": "0-2", "succeededCount": 2}], {0, 2, 5}, "Matched rules at index 0"),
        ([{"succeededIndexes": "0-2", "succeededCount": 2}], {0, 5, 6}, None),
        ([{"succeededCount": 2}], {3, 7}, "Matched rules at index 0"),
        ([{"succeededIndexes": "x-y"}, {"succeededIndexes": "3,7"}], {3, 7}, "Matched rules at index 1"),
        ([{"succeededIndexes": "4-9"}, {"succeededCount": 1}], {4}, "Matched rules at index 1"),
        ([{"succeededIndexes": "12-14"}], {9}, None),  # past completions: nothing to require
        ([{"succeededCount": 1}], set(), None),
    ],
)
def test_rules(rules, succeeded, message):
    assert matched({"rules": rules}, 10, succeeded) == message


def test_no_policy_never_matches():
    assert matched(None, 3, {0, 1, 2}) is None
