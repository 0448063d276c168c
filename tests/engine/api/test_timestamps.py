"""Timestamps read as Go's time.Parse reads metav1.Time (RFC 3339) and metav1.MicroTime (six fractional digits)."""

import pytest

from cluster_engine.api.timestamps import parse_error

LAYOUT = '"2006-01-02T15:04:05Z07:00"'


@pytest.mark.parametrize(
    "text", ["2026-01-01T00:00:00Z", "2026-01-01T23:59:59.5Z", "2026-01-01T09:00:00+09:00", "2024-02-29T00:00:00Z"]
)
def test_rfc3339_times_parse(text):
    assert parse_error(text) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", f'parsing time "" as {LAYOUT}: cannot parse "" as "2006"'),
        ("2026/01/01", f'parsing time "2026/01/01" as {LAYOUT}: cannot parse "/01/01" as "-"'),
        (
            "2026-1-01T00:00:00Z",
            f'parsing time "2026-1-01T00:00:00Z" as {LAYOUT}: cannot parse "1-01T00:00:00Z" as "01"',
        ),
        ("2026-01-01T24:00:00Z", 'parsing time "2026-01-01T24:00:00Z": hour out of range'),
        ("2025-02-29T00:00:00Z", 'parsing time "2025-02-29T00:00:00Z": day out of range'),
        (
            "2026-01-01T00:00:00+0900",
            f'parsing time "2026-01-01T00:00:00+0900" as {LAYOUT}: cannot parse "+0900" as "Z07:00"',
        ),
        ("2026-01-01T00:00:00Z ", 'parsing time "2026-01-01T00:00:00Z ": extra text: " "'),
        (
            "2026-01-01T00:00:00\u00e9",
            f'parsing time "2026-01-01T00:00:00\\xc3\\xa9" as {LAYOUT}: cannot parse "\\xc3\\xa9" as "Z07:00"',
        ),
    ],
)
def test_rfc3339_refusals_are_worded_as_go_words_them(text, message):
    assert parse_error(text) == message


def test_micro_time_wants_exactly_six_fractional_digits():
    assert parse_error("2026-01-01T00:00:00.123456Z", micro=True) is None
    assert parse_error("2026-01-01T00:00:00.123Z", micro=True) == (
        'parsing time "2026-01-01T00:00:00.123Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse ".123Z" as '
        '".000000"'
    )
