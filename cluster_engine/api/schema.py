"""The shape of every kind we serve, read from its OpenAPI definition: which fields exist and what type each holds.

Upstream decodes request bodies strictly (fieldValidation=Strict, kubectl's default): a field its Go types do not
declare, or a value of the wrong JSON type, is a 400 before any validation runs. Its Go types are published as the
OpenAPI definitions vendored in `cluster_engine.openapi`, so each kind's shape is read from there (our own kinds
declare theirs in the same format, beside the kind): object properties, arrays, maps (`additionalProperties`) and
the formats whose Go types decode in their own way (int32 and int64 ranges, int-or-string, quantity, base64 bytes,
date-time). Like upstream's decoder it ignores `required`: missing fields are validation's business. A manifest
copied from the Kubernetes documentation is therefore accepted as-is, even in fields our simulation does not act on.
"""

import base64
import binascii
import math

from cluster_engine import openapi

from .kinds import ALL_KINDS
from .quantity import QuantityError, parse_quantity
from .timestamps import parse_error

STRING, INTEGER, BOOLEAN, NUMBER, ANY = "string", "integer", "boolean", "number", "any"
INT64 = "int64"  # Go int64 fields (seconds, generations, user ids); INTEGER is Go int32
BYTES = "bytes"  # Go []byte: base64 text in JSON (Secret data, ConfigMap binaryData)
QUANTITY = "quantity"  # a string such as "500m" or a bare number
INT_OR_STRING = "int-or-string"  # maxSurge "25%" or 1, targetPort "http" or 8080
TIME, MICRO_TIME = "time", "micro-time"  # metav1.Time and metav1.MicroTime: RFC 3339 text, or null
# Types whose JSON null is kept as null: free-form values, and timestamps (a zero metav1.Time encodes as null).
NULLABLE = frozenset({ANY, TIME, MICRO_TIME})

# The OpenAPI (type, format) pairs upstream's definitions use, as the Go types they stand for.
_SCALAR_TYPES = {
    ("string", None): STRING,
    ("string", "byte"): BYTES,
    ("string", "date-time"): TIME,
    ("string", "int-or-string"): INT_OR_STRING,
    ("string", "quantity"): QUANTITY,
    ("integer", "int32"): INTEGER,
    ("integer", "int64"): INT64,
    ("boolean", None): BOOLEAN,
    ("number", "double"): NUMBER,
}
# MicroTime shares Time's `date-time` format but decodes with its own layout (six fractional digits).
_NAMED_TYPES = {"io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime": MICRO_TIME}


def shape_of(definition: dict, named: dict | None = None):
    """The shape of one OpenAPI schema: a dict of fields (a struct), `{"*": item}` (a map), `[item]` (a list)
    or a scalar type name. A referenced definition is shaped once and shared, so its decoder is compiled once."""
    named = {} if named is None else named
    if "$ref" in definition:
        name = definition["$ref"].rpartition("/")[2]
        if name not in named:
            named[name] = _NAMED_TYPES.get(name) or shape_of(openapi.definitions()[name], named)
        return named[name]
    kind = definition.get("type")
    if "properties" in definition:
        return {field: shape_of(child, named) for field, child in definition["properties"].items()}
    if kind == "array":
        return [shape_of(definition["items"], named)]
    if kind == "object":
        extra = definition.get("additionalProperties")
        return {"*": shape_of(extra, named)} if isinstance(extra, dict) else ANY
    if kind is None:
        return ANY  # no type at all: any JSON value
    return _SCALAR_TYPES[(kind, definition.get("format"))]  # a pair not listed here needs its decoder first


def _kind_shapes() -> dict[str, dict]:
    named: dict = {}
    return {kind.kind: shape_of(kind.definition, named) for kind in ALL_KINDS}


KIND_SCHEMAS = _kind_shapes()

# Time.UnmarshalJSON first decodes a string, so a wrong JSON type there is reported against Go's string.
_GO_TYPES = {
    STRING: "string",
    INTEGER: "int32",
    INT64: "int64",
    BOOLEAN: "bool",
    NUMBER: "float64",
    BYTES: "[]uint8",
    TIME: "string",
    MICRO_TIME: "string",
}
_RANGES = {INTEGER: (-(2**31), 2**31 - 1), INT64: (-(2**63), 2**63 - 1)}
_ZERO = {STRING: "", INTEGER: 0, INT64: 0, BOOLEAN: False, NUMBER: 0, QUANTITY: "0", INT_OR_STRING: 0, BYTES: ""}


def problems(kind: str, obj: dict) -> list[str]:
    """Upstream-worded strict-decoding problems, empty when the body fits the kind's schema."""
    found: list[str] = []
    _check(KIND_SCHEMAS[kind], obj, "", found)
    return found


def drop_unknown(kind: str, obj: dict) -> None:
    """Remove the fields `problems` calls unknown, found by the same walk: a field's name may hold dots, brackets
    or nothing at all, so the path a problem renders cannot lead back to it."""
    _drop_unknown(KIND_SCHEMAS[kind], obj)


def _drop_unknown(shape, value) -> None:
    if isinstance(shape, dict) and isinstance(value, dict):
        for key in list(value):
            if not isinstance(key, str):
                continue
            if "*" in shape:
                _drop_unknown(shape["*"], value[key])
            elif key not in shape:
                del value[key]
            else:
                _drop_unknown(shape[key], value[key])
    elif isinstance(shape, list) and isinstance(value, list):
        for item in value:
            _drop_unknown(shape[0], item)


def normalise(kind: str, obj: dict) -> None:
    """Decode JSON nulls and integral floats the way Go's decoder fills a typed struct, in place.

    A null struct field is simply absent; a null list item or map value is its type's zero value; `3.0` where an
    integer is declared is 3. Run before `problems`, so validation only ever sees well-typed values.
    """
    _normalise(KIND_SCHEMAS[kind], obj)


def _normalise(shape, value):
    if shape == ANY:
        return value
    if isinstance(shape, dict) and isinstance(value, dict):
        for key in list(value):
            child_shape = shape.get("*", shape.get(key)) if isinstance(key, str) else None
            if child_shape is None:
                continue
            if value[key] is None:
                if "*" in shape:
                    value[key] = _zero(child_shape)
                elif not (isinstance(child_shape, str) and child_shape in NULLABLE):
                    del value[key]
            else:
                value[key] = _normalise(child_shape, value[key])
        return value
    if isinstance(shape, list) and isinstance(value, list):
        return [_zero(shape[0]) if item is None else _normalise(shape[0], item) for item in value]
    if shape in (INTEGER, INT64, INT_OR_STRING) and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _zero(shape):
    if isinstance(shape, dict):
        return {}
    if isinstance(shape, list):
        return []
    return _ZERO.get(shape)


def json_type(value) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def _check(shape, value, path: str, found: list[str]) -> None:
    if value is None or shape == ANY:
        if shape == ANY and not is_json(value):
            found.append(f"json: unsupported value at {path}: {json_type(value)}")
        return
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            found.append(f"json: cannot unmarshal {json_type(value)} into Go struct field {path or '.'} of type object")
            return
        for key, child in value.items():
            if not isinstance(key, str):
                found.append(f"json: cannot unmarshal number into Go value of type string (key of {path or '.'})")
                continue
            child_path = f"{path}.{key}" if path else key
            if "*" in shape:
                _check(shape["*"], child, child_path, found)
            elif key not in shape:
                found.append(f'strict decoding error: unknown field "{child_path}"')
            else:
                _check(shape[key], child, child_path, found)
        return
    if isinstance(shape, list):
        if not isinstance(value, list):
            found.append(f"json: cannot unmarshal {json_type(value)} into Go struct field {path} of type []")
            return
        for index, item in enumerate(value):
            _check(shape[0], item, f"{path}[{index}]", found)
        return
    if not _fits(shape, value):
        expected = {QUANTITY: "resource.Quantity", INT_OR_STRING: "intstr.IntOrString"}.get(
            shape, _GO_TYPES.get(shape, shape)
        )
        found.append(f"json: cannot unmarshal {json_type(value)} into Go struct field {path} of type {expected}")
    elif shape in _RANGES and not _RANGES[shape][0] <= value <= _RANGES[shape][1]:
        found.append(f"json: cannot unmarshal number {value} into Go struct field {path} of type {_GO_TYPES[shape]}")
    elif shape == QUANTITY:
        try:
            parse_quantity(value)
        except QuantityError as error:  # upstream: Quantity.UnmarshalJSON fails, so the body cannot be decoded
            found.append(str(error))
    elif shape == BYTES and not _is_base64(value):
        found.append(f"illegal base64 data at input byte {_base64_error_at(value)} (field {path})")
    elif shape in (TIME, MICRO_TIME) and parse_error(value, shape == MICRO_TIME):
        found.append(parse_error(value, shape == MICRO_TIME))  # upstream: Time.UnmarshalJSON's time.ParseError


def _fits(shape: str, value) -> bool:
    if isinstance(value, float) and not math.isfinite(value):
        return False  # JSON has no NaN or Infinity
    if shape == STRING:
        return isinstance(value, str)
    if shape in (INTEGER, INT64):
        return isinstance(value, int) and not isinstance(value, bool)
    if shape == BOOLEAN:
        return isinstance(value, bool)
    if shape == NUMBER:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if shape in (BYTES, TIME, MICRO_TIME):
        return isinstance(value, str)
    if shape in (QUANTITY, INT_OR_STRING):
        return isinstance(value, str) or (isinstance(value, (int, float)) and not isinstance(value, bool))
    return True


def is_json(value) -> bool:
    """Whether a free-form value could have come from JSON at all (an admin form can hand us anything)."""
    if value is None or isinstance(value, (str, bool, int)):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(is_json(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(key, str) and is_json(item) for key, item in value.items())
    return False


def _is_base64(value: str) -> bool:
    try:
        base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


def _base64_error_at(value: str) -> int:
    """Where Go's base64 decoder gives up: the first character outside the alphabet, else the padding."""
    alphabet = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
    for index, character in enumerate(value):
        if character not in alphabet:
            return index
    return len(value) - len(value) % 4
