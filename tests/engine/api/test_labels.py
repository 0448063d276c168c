import pytest

from cluster_engine.api.labels import (
    SelectorError,
    format_selector,
    matches,
    parse_selector_string,
    requirements_from_expressions,
    requirements_from_selector,
    selector_matches,
)


def test_structured_selector_becomes_sorted_requirements():
    selector = {
        "matchLabels": {"tier": "web", "app": "shop"},
        "matchExpressions": [
            {"key": "env", "operator": "In", "values": ["prod", "staging"]},
            {"key": "canary", "operator": "DoesNotExist"},
        ],
    }
    assert requirements_from_selector(selector) == [
        ("app", "In", ("shop",)),
        ("tier", "In", ("web",)),
        ("env", "In", ("prod", "staging")),
        ("canary", "DoesNotExist", ()),
    ]
    assert format_selector(selector) == "app=shop,tier=web,env in (prod,staging),!canary"


@pytest.mark.parametrize(
    ("operator", "values", "labels", "expected"),
    [
        ("In", ["a", "b"], {"k": "a"}, True),
        ("In", ["a", "b"], {"k": "c"}, False),
        ("In", ["a"], {}, False),
        ("NotIn", ["a"], {"k": "b"}, True),
        ("NotIn", ["a"], {"k": "a"}, False),
        ("NotIn", ["a"], {}, True),
        ("Exists", [], {"k": ""}, True),
        ("Exists", [], {}, False),
        ("DoesNotExist", [], {}, True),
        ("DoesNotExist", [], {"k": "x"}, False),
        ("Gt", ["5"], {"k": "6"}, True),
        ("Gt", ["5"], {"k": "5"}, False),
        ("Gt", ["5"], {"k": "x"}, False),
        ("Lt", ["5"], {"k": "4"}, True),
        ("Lt", ["5"], {}, False),
    ],
)
def test_every_operator_matches_as_upstream(operator, values, labels, expected):
    requirements = requirements_from_expressions([{"key": "k", "operator": operator, "values": values}])
    assert matches(requirements, labels) is expected


def test_empty_selector_selects_everything():
    assert selector_matches({}, {"a": "b"}) is True
    assert selector_matches(None, None) is True


@pytest.mark.parametrize(
    ("selector", "message"),
    [
        ("nope", "must be an object with matchLabels and/or matchExpressions"),
        ({"matchLabels": ["a"]}, "matchLabels must be a map of strings"),
        ({"matchLabels": {"a": 1}}, "matchLabels[a] must be a string"),
        ({"matchExpressions": ["x"]}, "matchExpressions[0] must be an object"),
        ({"matchExpressions": [{"operator": "In", "values": ["a"]}]}, "matchExpressions[0].key: Required value"),
        (
            {"matchExpressions": [{"key": "a", "operator": "Gt", "values": ["1"]}]},
            'matchExpressions[0].operator: Invalid value: "Gt": not a valid selector operator',
        ),
        (
            {"matchExpressions": [{"key": "a", "operator": "In"}]},
            "matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
        ),
        (
            {"matchExpressions": [{"key": "a", "operator": "Exists", "values": ["x"]}]},
            "matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
        ),
    ],
)
def test_malformed_structured_selectors(selector, message):
    with pytest.raises(SelectorError) as refused:
        requirements_from_selector(selector)
    assert str(refused.value) == message


def test_gt_and_lt_need_one_integer():
    with pytest.raises(SelectorError) as refused:
        requirements_from_expressions([{"key": "a", "operator": "Lt", "values": ["x"]}])
    assert str(refused.value) == "matchExpressions[0].values: must be a single integer for 'Gt' and 'Lt'"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("app=web", [("app", "In", ("web",))]),
        ("app==web", [("app", "In", ("web",))]),
        ("app!=web", [("app", "NotIn", ("web",))]),
        ("tier in (a, b)", [("tier", "In", ("a", "b"))]),
        ("tier notin (a)", [("tier", "NotIn", ("a",))]),
        ("canary", [("canary", "Exists", ())]),
        ("!canary", [("canary", "DoesNotExist", ())]),
        (
            "app=web,tier in (a,b),!canary",
            [("app", "In", ("web",)), ("tier", "In", ("a", "b")), ("canary", "DoesNotExist", ())],
        ),
        ("", []),
        (None, []),
        ("app=", [("app", "In", ("",))]),
    ],
)
def test_string_selectors_as_kubectl_sends_them(text, expected):
    assert parse_selector_string(text) == expected


@pytest.mark.parametrize("text", ["app=web,", "tier in (a", "tier in a)", "!tier in (a)", "a b", ",", "a=b=c"])
def test_malformed_string_selectors_are_refused(text):
    with pytest.raises(SelectorError):
        parse_selector_string(text)
