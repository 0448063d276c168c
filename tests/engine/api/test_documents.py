"""Documents from users are read with upstream's limits: alias expansion and nesting depth are bounded."""

import json
import re
import time

import pytest
import yaml

from cluster_engine.api import documents


def laughs(levels: int, fanout: int = 9) -> str:
    """A "billion laughs": each anchor is a list of `fanout` aliases of the one before."""
    lines = ['a0: &a0 ["lol"]']
    for level in range(1, levels + 1):
        lines.append(f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * fanout)}]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("levels", [4, 8, 9])
def test_nested_aliases_are_refused_as_go_yaml_refuses_them(levels):
    started = time.process_time()
    with pytest.raises(documents.YAMLLimitError, match="^document contains excessive aliasing$"):
        documents.load_yaml(laughs(levels))
    assert time.process_time() - started < 1  # refused before any expansion: 9 levels stand for 387 million


def test_modest_aliasing_is_accepted_and_shares_its_values():
    loaded = documents.load_yaml(laughs(3))
    assert len(loaded["a3"]) == 9 and loaded["a3"][0] is loaded["a2"]
    assert documents.load_yaml("base: &base {cpu: 1}\nother: *base\n") == {"base": {"cpu": 1}, "other": {"cpu": 1}}


def test_the_alias_budget_follows_go_yamls_ratio():
    assert documents.allowed_alias_ratio(1000) == 0.99
    assert documents.allowed_alias_ratio(2_200_000) == pytest.approx(0.545)
    assert documents.allowed_alias_ratio(5_000_000) == 0.10


def test_an_anchor_that_holds_itself_is_refused():
    with pytest.raises(documents.YAMLLimitError, match="^anchor 'x' value contains itself$"):
        documents.load_yaml("a: &x {b: *x}\n")


def test_an_undefined_alias_is_pyyamls_own_error():
    with pytest.raises(yaml.YAMLError, match="found undefined alias 'nope'"):
        documents.load_yaml("a: 1\nb: *nope\n")


@pytest.mark.parametrize(
    "text", ["x: " + "{a: " * 10_000, "[" * 10_000, "- " * 10_000, "\n".join("  " * i + "a:" for i in range(10_000))]
)
def test_yaml_nested_too_deep_is_refused(text):
    with pytest.raises(yaml.YAMLError) as refused:
        documents.load_yaml(text)
    assert "exceeded max" in str(refused.value.problem)


def test_yaml_nested_to_the_limit_is_read():
    text = "[" * documents.MAX_DEPTH + "]" * documents.MAX_DEPTH
    assert documents.load_yaml(text) is not None


@pytest.mark.parametrize(("opening", "closing"), [("[", "]"), ('{"a":', "}")])
def test_json_nested_too_deep_is_refused_in_encoding_jsons_words(opening, closing):
    with pytest.raises(documents.NotJson, match=re.escape(f"invalid character '{opening[0]}' exceeded max depth")):
        documents.load_json(opening * 10_000 + "1" + closing * 10_000)
    nested = opening * documents.MAX_DEPTH + "1" + closing * documents.MAX_DEPTH
    assert documents.load_json(nested.encode()) == json.loads(nested)


def test_brackets_inside_json_strings_do_not_count():
    text = json.dumps({"a": "[" * 500 + '\\"{' * 300, "b": [[1]] * 200})
    assert documents.load_json(text) == json.loads(text)


@pytest.mark.parametrize(
    ("constant", "message"),
    [
        ("NaN", "invalid character 'N' looking for beginning of value"),
        ("Infinity", "invalid character 'I' looking for beginning of value"),
        ("-Infinity", "invalid character 'I' in numeric literal"),
    ],
)
def test_json_has_no_nan_or_infinity(constant, message):
    with pytest.raises(documents.NotJson, match=f"^{re.escape(message)}$"):
        documents.load_json('{"a": ' + constant + "}")
