"""The one-pass decoder agrees with the three-walk path (copy, normalise, strict check) on every body."""

import copy

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from cluster_engine.api import decoder, schema
from cluster_engine.api.clone import clone

from .manifests import valid
from .test_fuzz import FUZZ, KIND_NAMES, mutated


def three_walks(kind: str, body: dict) -> tuple[dict, list[str]]:
    copied = clone(body)
    schema.normalise(kind, copied)
    return copied, schema.problems(kind, copied)


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_a_valid_manifest_decodes_to_the_same_copy(kind):
    body = valid(kind)
    expected, problems = three_walks(kind, body)
    assert problems == []
    assert decoder.decoded(kind, body) == expected


def test_the_copy_shares_nothing_with_the_body():
    body = valid("Pod")
    decoded = decoder.decoded("Pod", body)
    decoded["metadata"]["labels"]["app"] = "changed"
    decoded["spec"]["containers"][0]["image"] = "changed"
    assert body == valid("Pod")


def test_nulls_and_integral_floats_decode_as_go_does():
    body = valid("Pod")
    body["metadata"]["labels"]["tier"] = None  # a null map value is the zero value
    body["metadata"]["annotations"] = None  # a null struct field is absent
    body["spec"]["terminationGracePeriodSeconds"] = 30.0
    body["spec"]["containers"].append(None)
    decoded = decoder.decoded("Pod", body)
    assert decoded["metadata"]["labels"] == {"app": "web", "tier": ""}
    assert "annotations" not in decoded["metadata"]
    assert decoded["spec"]["terminationGracePeriodSeconds"] == 30
    assert type(decoded["spec"]["terminationGracePeriodSeconds"]) is int
    assert decoded["spec"]["containers"][1] == {}


def test_a_misfit_is_left_to_the_path_that_words_the_problem():
    body = valid("Pod")
    body["spec"]["containers"][0]["imagePullPolicy"] = 3
    assert decoder.decoded("Pod", body) is None
    assert three_walks("Pod", body)[1] == [
        "json: cannot unmarshal number into Go struct field spec.containers[0].imagePullPolicy of type string"
    ]


@pytest.mark.parametrize("kind", KIND_NAMES)
@FUZZ
@given(data=st.data())
def test_a_mutated_body_decodes_as_the_three_walks_do(kind, data):
    body = data.draw(mutated(kind))
    assume(isinstance(body, dict))
    original = copy.deepcopy(body)
    decoded = decoder.decoded(kind, body)
    expected, problems = three_walks(kind, body)
    assert body == original
    if problems:
        assert decoded is None
    else:
        assert decoded == expected
