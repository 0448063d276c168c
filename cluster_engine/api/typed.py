"""Bodies that are not stored objects (DeleteOptions, Scale, Eviction, Binding, TokenRequest, the reviews), decoded
against upstream's own definitions of their types.

Upstream decodes each of these bodies into its Go type before any handler reads it, so a value of the wrong JSON type
(`{"preconditions": "x"}`, `{"spec": "x"}`, an int64 past its range) is a 400 naming the Go struct field, and a
handler only ever sees well-typed values. Here the types are the vendored OpenAPI definitions of our release, walked
as encoding/json walks the Go structs: a null field is absent, an integral float in an integer field is that integer
(as `schema` decodes stored kinds), and the first misfit is refused in encoding/json's words. Fields the type does not
declare are passed over (upstream's default field validation, Warn, drops them), since no handler reads them.
"""

import math

from .. import openapi
from . import errors, schema
from .quantity import QuantityError, parse_quantity

# (OpenAPI type, format) → the Go type encoding/json names in its errors
GO_SCALARS = {
    ("string", None): "string",
    ("string", "byte"): "[]uint8",
    ("string", "date-time"): "v1.Time",
    ("string", "int-or-string"): "intstr.IntOrString",
    ("string", "quantity"): "resource.Quantity",
    ("integer", "int32"): "int32",
    ("integer", "int64"): "int64",
    ("integer", None): "int64",
    ("number", "double"): "float64",
    ("number", None): "float64",
    ("boolean", None): "bool",
}
ZEROS = {"string": "", "integer": 0, "number": 0, "boolean": False}
INTEGER_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


class Misfit(Exception):
    """A value encoding/json would not decode into its field; `args[0]` is its message."""


def decode(group: str, version: str, kind: str, body, *, prefixed: bool = True) -> dict:
    """A normalised copy of `body` as upstream's `group/version` `kind`; a 400 Status when it does not fit.

    `prefixed` words the refusal as a create does ('Eviction in version "v1" cannot be handled as a Eviction: ...');
    DeleteOptions are refused with the decoder's own words alone."""
    prefix = f'{kind} in version "{version}" cannot be handled as a {kind}: ' if prefixed else ""
    if not isinstance(body, dict):
        raise errors.bad_request(f"{prefix}the body must be a JSON object")
    definition = openapi.definition_name(group, version, kind)
    try:
        return _struct(openapi.definitions()[definition], body, "", kind)
    except Misfit as misfit:
        raise errors.bad_request(prefix + str(misfit)) from None


def _decode(node: dict, value, path: str, struct: str):
    """`value` decoded as the type `node` describes, at Go field `path` of the struct named `struct`."""
    go_type = _go_type(node)
    node = openapi.resolve(node)
    if "properties" in node:
        if not isinstance(value, dict):
            raise _misfit(value, path, struct, go_type)
        return _struct(node, value, path, go_type.rsplit(".", 1)[-1])
    kind = node.get("type")
    if kind == "array":
        if not isinstance(value, list):
            raise _misfit(value, path, struct, go_type)
        items = node.get("items") or {}
        return [_zero(items) if item is None else _decode(items, item, path, struct) for item in value]
    if kind == "object":
        if not isinstance(value, dict):
            raise _misfit(value, path, struct, go_type)
        entries = node.get("additionalProperties")
        if not isinstance(entries, dict):
            if not schema.is_json(value):
                raise _misfit(value, path, struct, go_type)
            return value  # free-form (RawExtension, FieldsV1)
        return {
            key: _zero(entries) if item is None else _decode(entries, item, path, struct) for key, item in value.items()
        }
    return _scalar(kind, node.get("format"), value, path, struct)


def _struct(node: dict, value: dict, path: str, struct: str) -> dict:
    fields = node.get("properties") or {}
    decoded = {}
    for key, item in value.items():
        if key not in fields or item is None:
            continue  # an undeclared field is dropped; a null one is simply absent
        decoded[key] = _decode(fields[key], item, f"{path}.{key}" if path else key, struct)
    return decoded


def _scalar(kind: str | None, form: str | None, value, path: str, struct: str):
    go_type = GO_SCALARS.get((kind, form), GO_SCALARS.get((kind, None), "interface {}"))
    if isinstance(value, float) and not math.isfinite(value):
        raise _misfit(value, path, struct, go_type)
    if kind == "integer":
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            raise _misfit(value, path, struct, go_type)
        low, high = INTEGER_RANGES[go_type]
        if not low <= value <= high:
            raise Misfit(
                f"json: cannot unmarshal number {value} into Go struct field {struct}.{path} of type {go_type}"
            )
        return value
    if kind == "number":
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise _misfit(value, path, struct, go_type)
        return value
    if kind == "boolean":
        if not isinstance(value, bool):
            raise _misfit(value, path, struct, go_type)
        return value
    if form in ("int-or-string", "quantity"):
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise _misfit(value, path, struct, go_type)
        if form == "quantity":
            try:
                parse_quantity(value)
            except QuantityError as error:
                raise Misfit(str(error)) from None
        return value
    if kind == "string":
        if not isinstance(value, str):
            raise _misfit(value, path, struct, go_type)
        return value
    if not schema.is_json(value):
        raise _misfit(value, path, struct, go_type)
    return value


def _zero(node: dict):
    """What a JSON null decodes to as a list item or map value: its Go type's zero value."""
    node = openapi.resolve(node)
    if "properties" in node or node.get("type") == "object":
        return {}
    if node.get("type") == "array":
        return []
    return ZEROS.get(node.get("type"))


def _go_type(node: dict) -> str:
    """The Go type encoding/json names: `v1.Preconditions` for a definition, `[]string`, `map[string]string`."""
    reference = node.get("$ref")
    if reference is not None:
        return ".".join(reference.rsplit(".", 2)[-2:])
    kind = node.get("type")
    if kind == "array":
        return "[]" + _go_type(node.get("items") or {})
    if kind == "object" and "properties" not in node:
        entries = node.get("additionalProperties")
        return "map[string]" + (_go_type(entries) if isinstance(entries, dict) else "interface {}")
    return GO_SCALARS.get((kind, node.get("format")), GO_SCALARS.get((kind, None), "interface {}"))


def _misfit(value, path: str, struct: str, go_type: str) -> Misfit:
    return Misfit(
        f"json: cannot unmarshal {schema.json_type(value)} into Go struct field {struct}.{path} of type {go_type}"
    )
