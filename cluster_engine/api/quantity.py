"""Kubernetes resource quantities ("500m", "1Gi", "2e3"), parsed exactly.

Upstream keeps quantities as arbitrary-precision decimals (k8s.io/apimachinery/pkg/api/resource); we use
`Fraction` so "0.1" CPU is exactly 100 millicores and "1Gi" exactly 2**30 bytes, never a float approximation.
"""

import re
from fractions import Fraction
from functools import lru_cache

_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL = {
    "n": Fraction(1, 10**9),
    "u": Fraction(1, 10**6),
    "m": Fraction(1, 10**3),
    "": Fraction(1),
    "k": Fraction(10**3),
    "M": Fraction(10**6),
    "G": Fraction(10**9),
    "T": Fraction(10**12),
    "P": Fraction(10**15),
    "E": Fraction(10**18),
}
# Same grammar as upstream's quantity regular expression: sign, digits with an optional fraction, then one suffix.
_QUANTITY = re.compile(r"^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+|[numkMGTPE]?)$")

QUANTITY_MESSAGE = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"


class QuantityError(ValueError):
    """Raised for a string that is not a Kubernetes quantity; the message is upstream's."""


# upstream: resource.maxAllowed caps every quantity at 2^63-1 and rounds non-zero values up to a whole nano unit
MAX_ALLOWED = Fraction(2**63 - 1)
NANO = Fraction(1, 10**9)
# Beyond this power of ten any non-zero amount is past the cap (or below one nano unit), so it is never computed.
_EXPONENT_BOUND = 40


# Distinct quantity strings in a cluster are few ("50m", "64Mi", node capacities) while every pod write and scheduling
# pass reads them again, so parsed strings are remembered; a Fraction is immutable, so sharing one is safe.
_REMEMBERED_STRINGS = 4096


def parse_quantity(value) -> Fraction:
    """Return the exact value of a quantity given as a string or a number, rounded and capped as upstream."""
    if isinstance(value, bool):
        raise QuantityError(QUANTITY_MESSAGE)
    if isinstance(value, int):
        return _bounded(Fraction(value))
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise QuantityError(QUANTITY_MESSAGE)
        value = repr(value)
    if not isinstance(value, str):
        raise QuantityError(QUANTITY_MESSAGE)
    return _parse_string(value)


@lru_cache(maxsize=_REMEMBERED_STRINGS)
def _parse_string(value: str) -> Fraction:
    match = _QUANTITY.match(value.strip())
    if not match:
        raise QuantityError(QUANTITY_MESSAGE)
    number, suffix = match.groups()
    amount = Fraction(number)
    if suffix in _BINARY:
        return _bounded(amount * _BINARY[suffix])
    if len(suffix) > 1 and suffix[0] in "eE":
        digits = suffix[1:].lstrip("+-").lstrip("0") or "0"
        exponent = int(digits) if len(digits) <= 4 else 10**4  # a longer exponent is past either bound anyway
        exponent = -exponent if suffix[1] == "-" else exponent
        if amount and exponent > _EXPONENT_BOUND:
            return MAX_ALLOWED if amount > 0 else -MAX_ALLOWED
        if amount and exponent < -_EXPONENT_BOUND:
            return NANO if amount > 0 else -NANO
        return _bounded(amount * Fraction(10) ** exponent)
    return _bounded(amount * _DECIMAL[suffix])


def _bounded(amount: Fraction) -> Fraction:
    """Round away from zero to a whole nano unit, then cap the magnitude at 2^63-1, as upstream's ParseQuantity."""
    magnitude = abs(amount)
    nanos = magnitude / NANO
    magnitude = -((-nanos.numerator) // nanos.denominator) * NANO
    magnitude = min(magnitude, MAX_ALLOWED)
    return magnitude if amount >= 0 else -magnitude


def _ceil(value: Fraction) -> int:
    return -((-value.numerator) // value.denominator)


def cpu_millis(value) -> int:
    """CPU in millicores, rounded up as upstream's MilliValue() does."""
    return _ceil(parse_quantity(value) * 1000)


def to_int(value) -> int:
    """Whole units (bytes, pods), rounded up as upstream's Value() does."""
    return _ceil(parse_quantity(value))


def format_bytes(count: int) -> str:
    """The shortest exact binary-suffixed form, as kubectl shows memory ("1536Mi", "2Gi")."""
    for suffix, size in reversed(_BINARY.items()):
        if count and count % size == 0:
            return f"{count // size}{suffix}"
    return str(count)


def format_millis(millis: int) -> str:
    """CPU as kubectl shows it: whole cores when exact, else millicores."""
    return str(millis // 1000) if millis % 1000 == 0 else f"{millis}m"
