"""A swagger 2.0 document encoded as gnostic's `openapi.v2.Document` protobuf message.

client-go asks for /openapi/v2 as `application/com.github.proto-openapi.spec.v2@v1.0+protobuf` and unmarshals it
into gnostic's generated messages (openapiv2/OpenAPIv2.proto); kube-openapi makes those bytes from the JSON document
(gnostic's ParseDocument then proto.Marshal), and so do we, for the parts of swagger 2.0 our document uses. Each
message is a table from JSON keys to (field number, encoder); the table's `"x-"` entry numbers its
`vendor_extension`, where every `x-` key goes as a NamedAny holding the value as YAML, as gnostic stores every value
it does not model (kubectl reads `x-kubernetes-group-version-kind` back from that YAML).
"""

import struct

import yaml

MEDIA_TYPE = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"
LENGTH_DELIMITED, VARINT, FIXED64 = 2, 0, 1


def _varint(value: int) -> bytes:
    value &= (1 << 64) - 1  # negative int64s are ten-byte two's complement varints
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        if not value:
            out.append(byte)
            return bytes(out)
        out.append(byte | 0x80)


def _key(number: int, wire: int) -> bytes:
    return _varint(number << 3 | wire)


def _delimited(number: int, payload: bytes) -> bytes:
    return _key(number, LENGTH_DELIMITED) + _varint(len(payload)) + payload


# Field encoders: (field number, JSON value) → the field's bytes. proto3 leaves zero scalars off the wire.
def string(number: int, value: str) -> bytes:
    return _delimited(number, value.encode()) if value else b""


def boolean(number: int, value: bool) -> bytes:
    return _key(number, VARINT) + _varint(1) if value else b""


def chosen_boolean(number: int, value: bool) -> bytes:
    """A bool inside a oneof is on the wire even when false: that it was chosen is the information."""
    return _key(number, VARINT) + _varint(int(value))


def int64(number: int, value: int) -> bytes:
    return _key(number, VARINT) + _varint(value) if value else b""


def double(number: int, value: float) -> bytes:
    return _key(number, FIXED64) + struct.pack("<d", value) if value else b""


def repeated(encoder):
    return lambda number, values: b"".join(encoder(number, value) for value in values)


def embedded(table: dict):
    """A message field (written even when empty: a message's presence is meaningful)."""
    return lambda number, value: _delimited(number, message(value, table))


def _yaml(value) -> str:
    """gnostic keeps what it does not model as YAML text (yaml.v3's Marshal: block style, no document end mark)."""
    text = yaml.safe_dump(value, default_flow_style=False, sort_keys=False)
    return text.removesuffix("...\n")


def any_value(number: int, value) -> bytes:
    return _delimited(number, string(2, _yaml(value)))  # Any{yaml = 2}


def named(encoder):
    """A JSON object as gnostic's ordered Named* pairs: {name = 1, value = 2}, in the document's order."""
    return lambda number, mapping: b"".join(
        _delimited(number, string(1, name) + encoder(2, value)) for name, value in mapping.items()
    )


def map_of(encoder, pairs_field: int = 1):
    """gnostic's wrapper of a JSON object (Properties, Definitions, Paths, ...): its Named pairs in one field."""
    return lambda number, mapping: _delimited(number, named(encoder)(pairs_field, mapping))


def one_of(choose):
    """A oneof wrapper message: `choose(value)` names the alternative as (field number, encoder, value)."""

    def encode(number: int, value) -> bytes:
        alternative, encoder, inner = choose(value)
        return _delimited(number, encoder(alternative, inner))

    return encode


def message(obj: dict, table: dict) -> bytes:
    """One message: its known keys by field number (as proto.Marshal orders them), then its vendor extensions."""
    parts = sorted((table[key][0], key) for key in obj if key in table)
    encoded = b"".join(table[key][1](number, obj[key]) for number, key in parts)
    extensions = {key: value for key, value in obj.items() if key.startswith("x-")}
    if extensions and "x-" in table:
        encoded += named(any_value)(table["x-"][0], extensions)
    return encoded


def _schema(number: int, value) -> bytes:
    return embedded(SCHEMA)(number, value)


SCHEMA: dict = {
    "$ref": (1, string),
    "format": (2, string),
    "title": (3, string),
    "description": (4, string),
    "default": (5, any_value),
    "multipleOf": (6, double),
    "maximum": (7, double),
    "exclusiveMaximum": (8, boolean),
    "minimum": (9, double),
    "exclusiveMinimum": (10, boolean),
    "maxLength": (11, int64),
    "minLength": (12, int64),
    "pattern": (13, string),
    "maxItems": (14, int64),
    "minItems": (15, int64),
    "uniqueItems": (16, boolean),
    "maxProperties": (17, int64),
    "minProperties": (18, int64),
    "required": (19, repeated(string)),
    "enum": (20, repeated(any_value)),
    # AdditionalPropertiesItem: oneof {Schema schema = 1; bool boolean = 2}
    "additionalProperties": (
        21,
        one_of(lambda value: (2, chosen_boolean, value) if isinstance(value, bool) else (1, _schema, value)),
    ),
    # TypeItem{repeated string value = 1}: `type` is a name or a list of names
    "type": (22, one_of(lambda value: (1, repeated(string), [value] if isinstance(value, str) else value))),
    # ItemsItem{repeated Schema schema = 1}: `items` is a schema or a list of them
    "items": (23, one_of(lambda value: (1, repeated(_schema), [value] if isinstance(value, dict) else value))),
    "allOf": (24, repeated(_schema)),
    "properties": (25, map_of(_schema)),  # Properties{repeated NamedSchema additional_properties = 1}
    "discriminator": (26, string),
    "readOnly": (27, boolean),
    "example": (30, any_value),
    "x-": (31, None),
}

# A parameter is a body parameter or, by where it goes, one of the non-body ones (NonBodyParameter's oneof).
BODY_PARAMETER = {
    "description": (1, string),
    "name": (2, string),
    "in": (3, string),
    "required": (4, boolean),
    "schema": (5, _schema),
    "x-": (6, None),
}
NON_BODY_PARAMETER = {  # Header/FormData/Query/PathParameterSubSchema share these names, not their numbers
    "header": {"required": 1, "in": 2, "description": 3, "name": 4, "type": 5, "format": 6, "uniqueItems": 19},
    "formData": {"required": 1, "in": 2, "description": 3, "name": 4, "type": 6, "format": 7, "uniqueItems": 20},
    "query": {"required": 1, "in": 2, "description": 3, "name": 4, "type": 6, "format": 7, "uniqueItems": 20},
    "path": {"required": 1, "in": 2, "description": 3, "name": 4, "type": 5, "format": 6, "uniqueItems": 19},
}
NON_BODY_CHOICE = {"header": 1, "formData": 2, "query": 3, "path": 4}
SCALAR_ENCODERS = {"required": boolean, "uniqueItems": boolean}


def _non_body(number: int, value: dict) -> bytes:
    where = value["in"]
    table = {name: (field, SCALAR_ENCODERS.get(name, string)) for name, field in NON_BODY_PARAMETER[where].items()}
    return _delimited(number, embedded(table)(NON_BODY_CHOICE[where], value))


def _parameter(value: dict) -> tuple:
    if "$ref" in value:  # ParametersItem{JsonReference json_reference = 2}
        return 2, embedded({"$ref": (1, string), "description": (2, string)}), value
    # ParametersItem{Parameter parameter = 1}, Parameter{BodyParameter = 1 | NonBodyParameter = 2}
    if value.get("in") == "body":
        return 1, one_of(lambda body: (1, embedded(BODY_PARAMETER), body)), value
    return 1, one_of(lambda other: (2, _non_body, other)), value


# Responses{repeated NamedResponseValue response_code = 1}; ResponseValue{Response response = 1}
RESPONSE = {"description": (1, string), "schema": (2, one_of(lambda schema: (1, _schema, schema))), "x-": (5, None)}
RESPONSE_VALUE = one_of(lambda value: (1, embedded(RESPONSE), value))
OPERATION = {
    "tags": (1, repeated(string)),
    "summary": (2, string),
    "description": (3, string),
    "operationId": (5, string),
    "produces": (6, repeated(string)),
    "consumes": (7, repeated(string)),
    "parameters": (8, repeated(one_of(_parameter))),
    "responses": (9, map_of(RESPONSE_VALUE)),
    "schemes": (10, repeated(string)),
    "deprecated": (11, boolean),
    "x-": (13, None),
}
PATH_ITEM = {
    "$ref": (1, string),
    **{method: (number, embedded(OPERATION)) for number, method in enumerate(
        ("get", "put", "post", "delete", "options", "head", "patch"), start=2)},
    "parameters": (9, repeated(one_of(_parameter))),
    "x-": (10, None),
}  # fmt: skip
API_KEY_SECURITY = {"type": (1, string), "name": (2, string), "in": (3, string), "description": (4, string)}
# SecurityDefinitionsItem{ApiKeySecurity api_key_security = 2}: the bearer token upstream declares
SECURITY_DEFINITION = one_of(lambda value: (2, embedded(API_KEY_SECURITY), value))
# SecurityRequirement{repeated NamedStringArray additional_properties = 1}, StringArray{repeated string value = 1}
SECURITY_REQUIREMENT = map_of(lambda number, names: _delimited(number, repeated(string)(1, names)))
INFO = {"title": (1, string), "version": (2, string), "description": (3, string), "x-": (7, None)}
DOCUMENT = {
    "swagger": (1, string),
    "info": (2, embedded(INFO)),
    "host": (3, string),
    "basePath": (4, string),
    "schemes": (5, repeated(string)),
    "consumes": (6, repeated(string)),
    "produces": (7, repeated(string)),
    "paths": (8, map_of(embedded(PATH_ITEM), pairs_field=2)),  # Paths{vendor_extension = 1; NamedPathItem path = 2}
    "definitions": (9, map_of(_schema)),
    "security": (12, repeated(SECURITY_REQUIREMENT)),
    "securityDefinitions": (13, map_of(SECURITY_DEFINITION)),
    "x-": (16, None),
}


def encode(document: dict) -> bytes:
    """The document as the bytes kube-openapi serves: gnostic's Document message."""
    return message(document, DOCUMENT)
