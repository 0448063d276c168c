"""JSON values printed the way Go's fmt prints the `interface{}` they decode to upstream.

Upstream builds some error messages with `%v` and `%s` on decoded JSON (`map[string]interface {}`, `[]interface {}`,
`string`, `int64`, `float64`, `bool`, nil); a learner comparing our message with a real cluster's should read the
same text, down to the sorted map keys and the `%!s(...)` Go prints for a value of the wrong kind.
"""

from decimal import Decimal

MAP_TYPE = "map[string]interface {}"
SLICE_TYPE = "[]interface {}"


def type_name(value) -> str:
    """`reflect.TypeOf(value)` for a value the apiserver decoded from JSON (integers stay int64 there)."""
    if isinstance(value, dict):
        return MAP_TYPE
    if isinstance(value, list):
        return SLICE_TYPE
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int64"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    return "<nil>"


def v(value) -> str:
    """`fmt.Sprintf("%v", value)`."""
    return _render(value, "v")


def s(value) -> str:
    """`fmt.Sprintf("%s", value)`: strings bare, any other scalar as `%!s(type=value)`."""
    return _render(value, "s")


def _render(value, verb: str) -> str:
    if isinstance(value, dict):
        return "map[" + " ".join(f"{key}:{_render(value[key], verb)}" for key in sorted(value)) + "]"
    if isinstance(value, list):
        return "[" + " ".join(_render(item, verb) for item in value) + "]"
    if isinstance(value, str):
        return value
    if value is None:
        return "%!s(<nil>)" if verb == "s" else "<nil>"
    scalar = ("true" if value else "false") if isinstance(value, bool) else _number(value)
    return f"%!s({type_name(value)}={scalar})" if verb == "s" else scalar


def _number(value) -> str:
    if isinstance(value, int):
        return str(value)
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "+Inf" if value > 0 else "-Inf"
    return _shortest_g(value)


def _shortest_g(value: float) -> str:
    """strconv.FormatFloat(value, 'g', -1, 64): shortest digits, exponent form below 1e-4 or from 1e+06 (upstream
    uses precision 6 for that choice when printing the shortest digits)."""
    sign, digits, exponent = Decimal(repr(value)).as_tuple()
    digits = list(digits)
    while len(digits) > 1 and digits[-1] == 0:
        digits.pop()
        exponent += 1
    if digits == [0]:
        return "-0" if sign else "0"
    text = "".join(map(str, digits))
    point = len(digits) + exponent  # digits before the decimal point
    minus = "-" if sign else ""
    if point - 1 < -4 or point - 1 >= 6:
        mantissa = text[0] + (f".{text[1:]}" if len(text) > 1 else "")
        power = point - 1
        return f"{minus}{mantissa}e{'-' if power < 0 else '+'}{abs(power):02d}"
    if point <= 0:
        return f"{minus}0.{'0' * -point}{text}"
    if point >= len(text):
        return f"{minus}{text}{'0' * (point - len(text))}"
    return f"{minus}{text[:point]}.{text[point:]}"
