"""Timestamps as upstream's decoder reads them: metav1.Time and metav1.MicroTime fields (`format: date-time`).

Their UnmarshalJSON hands the string to Go's `time.Parse` with RFC 3339 (MicroTime: exactly six fractional
digits), and a refusal is Go's `*time.ParseError`, worded `parsing time "x" as "2006-01-02T15:04:05Z07:00":
cannot parse "x" as "2006"`. This module walks the layout the way `time.Parse` does, so the refusal names the
same element, and says nothing when the text parses.
"""

from functools import lru_cache

RFC3339 = "2006-01-02T15:04:05Z07:00"
RFC3339_MICRO = "2006-01-02T15:04:05.000000Z07:00"  # upstream: metav1.RFC3339Micro

# Each layout as time.Parse splits it: (literal prefix, standard element).
_CHUNKS = {
    RFC3339: (("", "2006"), ("-", "01"), ("-", "02"), ("T", "15"), (":", "04"), (":", "05"), ("", "Z07:00")),
    RFC3339_MICRO: (
        ("", "2006"),
        ("-", "01"),
        ("-", "02"),
        ("T", "15"),
        (":", "04"),
        (":", "05"),
        ("", ".000000"),
        ("", "Z07:00"),
    ),
}
_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


class _Bad(Exception):
    """time's errBad: the value does not fit the layout element."""


def _quote(text: str) -> str:
    """time.quote: double quotes, `\\"` and `\\\\` escaped, bytes outside printable ASCII as `\\xhh`."""
    out = []
    for character in text:
        if ord(character) < 0x20 or ord(character) >= 0x80:
            out.extend(f"\\x{byte:02x}" for byte in character.encode("utf-8", "surrogatepass"))
        elif character in '"\\':
            out.append("\\" + character)
        else:
            out.append(character)
    return '"' + "".join(out) + '"'


def _digit(text: str, index: int) -> bool:
    return len(text) > index and "0" <= text[index] <= "9"


def _number(text: str, fixed: bool) -> tuple[int, str]:
    """time.getnum: one or two leading digits (exactly two when fixed)."""
    if not _digit(text, 0):
        raise _Bad
    if not _digit(text, 1):
        if fixed:
            raise _Bad
        return int(text[0]), text[1:]
    return int(text[:2]), text[2:]


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _element(element: str, value: str, parts: dict, more_layout: bool) -> tuple[str, str]:
    """One standard element consumed from the value: (rest of the value, out-of-range name or "")."""
    if element == "2006":
        if len(value) < 4 or not _digit(value, 0) or not value[:4].isascii() or not value[:4].isdigit():
            raise _Bad
        parts["year"] = int(value[:4])
        return value[4:], ""
    if element == "01":
        parts["month"], value = _number(value, True)
        return value, "month" if not 1 <= parts["month"] <= 12 else ""
    if element == "02":
        parts["day"], value = _number(value, True)  # checked against the month once everything is read
        return value, ""
    if element == "15":
        hour, value = _number(value, False)
        return value, "hour" if hour >= 24 else ""
    if element == "04":
        minute, value = _number(value, True)
        return value, "minute" if minute >= 60 else ""
    if element == "05":
        second, value = _number(value, True)
        if second >= 60:
            return value, "second"
        if not more_layout and len(value) >= 2 and value[0] in ".," and _digit(value, 1):
            end = 2
            while _digit(value, end):
                end += 1
            return value[end:], ""  # a fraction the layout does not spell is still read
        return value, ""
    if element == ".000000":
        if len(value) < 7 or value[0] not in ".," or not value[1:7].isascii() or not value[1:7].isdigit():
            raise _Bad
        return value[7:], ""
    # Z07:00: "Z" or a ±hh:mm offset
    if value[:1] == "Z":
        return value[1:], ""
    if len(value) < 6 or value[3] != ":":
        raise _Bad
    sign, hours, minutes, value = value[0], value[1:3], value[4:6], value[6:]
    hour, _ = _number(hours, True)
    minute, _ = _number(minutes, True)
    if sign not in "+-":
        raise _Bad
    if hour > 24:
        return value, "time zone offset hour"
    return value, "time zone offset minute" if minute > 60 else ""


@lru_cache(maxsize=4096)
def parse_error(text: str, micro: bool = False) -> str | None:
    """Go's message for a timestamp `time.Parse` refuses, None when it parses (the same stamps recur per tick)."""
    layout = RFC3339_MICRO if micro else RFC3339
    chunks = _CHUNKS[layout]
    value, parts = text, {}
    for index, (prefix, element) in enumerate(chunks):
        if not value.startswith(prefix):
            return f"parsing time {_quote(text)} as {_quote(layout)}: cannot parse {_quote(value)} as {_quote(prefix)}"
        value = value[len(prefix) :]
        more_layout = index + 1 < len(chunks) and chunks[index + 1][1] == ".000000"
        try:
            rest, out_of_range = _element(element, value, parts, more_layout)
        except _Bad:
            return f"parsing time {_quote(text)} as {_quote(layout)}: cannot parse {_quote(value)} as {_quote(element)}"
        if out_of_range:
            return f"parsing time {_quote(text)}: {out_of_range} out of range"
        value = rest
    if value:
        return f"parsing time {_quote(text)}: extra text: {_quote(value)}"
    month, year = parts["month"], parts["year"]
    days = 29 if month == 2 and _leap(year) else _DAYS_IN_MONTH[month - 1]
    if not 1 <= parts["day"] <= days:
        return f"parsing time {_quote(text)}: day out of range"
    return None
