from fractions import Fraction

import pytest

from cluster_engine.api.quantity import (
    MAX_ALLOWED,
    QUANTITY_MESSAGE,
    QuantityError,
    cpu_millis,
    format_bytes,
    format_millis,
    parse_quantity,
    to_int,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("500m", Fraction(1, 2)),
        ("0.1", Fraction(1, 10)),
        ("1", Fraction(1)),
        ("2.5", Fraction(5, 2)),
        ("1Gi", Fraction(2**30)),
        ("1.5Ki", Fraction(1536)),
        ("128Mi", Fraction(128 * 2**20)),
        ("1k", Fraction(1000)),
        ("1M", Fraction(10**6)),
        ("1G", Fraction(10**9)),
        ("3T", Fraction(3 * 10**12)),
        ("2P", Fraction(2 * 10**15)),
        ("1E", Fraction(10**18)),
        ("1Ei", Fraction(2**60)),
        ("250u", Fraction(1, 4000)),
        ("5n", Fraction(5, 10**9)),
        ("1e3", Fraction(1000)),
        ("1E3", Fraction(1000)),
        ("2e-3", Fraction(1, 500)),
        ("+1", Fraction(1)),
        ("-1.5", Fraction(-3, 2)),
        (".5", Fraction(1, 2)),
        (" 1Gi ", Fraction(2**30)),
        (3, Fraction(3)),
        (1.5, Fraction(3, 2)),
        ("0", Fraction(0)),
    ],
)
def test_quantities_parse_to_exact_fractions(text, expected):
    assert parse_quantity(text) == expected


def test_values_below_a_nano_unit_round_up_to_one_as_upstream():
    assert parse_quantity("0.1n") == Fraction(1, 10**9)
    assert parse_quantity("1e-50") == Fraction(1, 10**9)
    assert parse_quantity("-0.1n") == Fraction(-1, 10**9)


def test_huge_values_are_capped_at_int64_max_without_being_computed():
    assert MAX_ALLOWED == 2**63 - 1
    assert parse_quantity("1e" + "9" * 5000) == MAX_ALLOWED
    assert parse_quantity("1e999999999") == MAX_ALLOWED
    assert parse_quantity("-1e999999999") == -MAX_ALLOWED
    assert parse_quantity(10**30) == MAX_ALLOWED
    assert parse_quantity("0e999999999") == 0


@pytest.mark.parametrize(
    "bad", ["", "abc", "1Kb", "1K", "1 Gi", "1.2.3", "--1", "1e", "Gi", "1mi", "0x10", None, True, [], {}, float("nan")]
)
def test_bad_quantities_are_refused_with_upstreams_message(bad):
    with pytest.raises(QuantityError) as refused:
        parse_quantity(bad)
    assert str(refused.value) == QUANTITY_MESSAGE
    assert (
        QUANTITY_MESSAGE
        == "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
    )


@pytest.mark.parametrize(
    ("value", "millis"), [("500m", 500), ("0.1", 100), ("1", 1000), ("1.0001", 1001), ("250u", 1), ("1n", 1), (2, 2000)]
)
def test_cpu_millis_rounds_up_as_milli_value(value, millis):
    assert cpu_millis(value) == millis


@pytest.mark.parametrize(("value", "whole"), [("1Gi", 2**30), ("1.5", 2), ("500m", 1), ("110", 110), ("-1.5", -1)])
def test_to_int_rounds_up_as_value(value, whole):
    assert to_int(value) == whole


def test_formatting_as_kubectl_shows_it():
    assert format_bytes(2**30) == "1Gi"
    assert format_bytes(1536 * 2**20) == "1536Mi"
    assert format_bytes(1000) == "1000"
    assert format_bytes(0) == "0"
    assert format_millis(2000) == "2"
    assert format_millis(250) == "250m"
