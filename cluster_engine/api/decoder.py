"""Strict decoding in one pass: copy a request body, normalise it and check it against its kind's schema at once.

Decoding a body used to take three walks over it: a private copy (`clone`), Go's decoding of nulls and integral
floats (`schema.normalise`) and the strict-decoding check (`schema.problems`). Every write the control plane makes
pays for them, so each kind's schema is compiled once into nested functions that do all three in a single walk.
The compiled walk only handles bodies that fit: at the first value that does not (an unknown field, a wrong type,
anything unusual such as a dict subclass), it gives up and the caller takes the three-walk path, which words the
problems exactly as before. A body that fits therefore comes out identical either way.
"""

import math
from collections.abc import Callable

from . import schema
from .clone import Unchanging
from .quantity import QuantityError, parse_quantity
from .timestamps import parse_error

Decode = Callable[[object], object]
PARSED_TIMESTAMPS_KEPT = 1024  # timestamps remembered as parsed; a long run meets a new one every second


class Misfit(Exception):
    """The body does not fit (or is unusual): decode it the slow way, which explains why."""


def decoded(kind: str, obj: dict) -> dict | None:
    """A normalised private copy of a body that fits its kind's schema; None when it does not."""
    decode = _decoders.get(kind)
    if decode is None:
        return None
    try:
        return decode(obj)
    except Misfit:
        return None


def _compile(shape, compiled: dict[int, Decode]) -> Decode:
    """The decoder for one shape, shared by every place the shape is used (ObjectMeta, PodSpec, ...)."""
    if id(shape) not in compiled:
        if isinstance(shape, dict):
            compiled[id(shape)] = _map(shape, compiled) if "*" in shape else _struct(shape, compiled)
        elif isinstance(shape, list):
            compiled[id(shape)] = _list(shape, compiled)
        else:
            compiled[id(shape)] = _SCALARS[shape]
    return compiled[id(shape)]


def _struct(shape: dict, compiled: dict[int, Decode]) -> Decode:
    fields = {key: _compile(child, compiled) for key, child in shape.items()}
    free_form = {key for key, child in shape.items() if isinstance(child, str) and child in schema.NULLABLE}

    def decode(value):
        if type(value) is not dict:
            if type(value) is Unchanging:
                return value  # built by the API server (a managedFields entry): it fits by construction
            raise Misfit
        copy = {}
        for key, item in value.items():
            field = fields.get(key) if type(key) is str else None
            if field is None:
                raise Misfit
            if item is None:
                if key in free_form:
                    copy[key] = None
                continue  # Go: a null struct field is simply absent
            copy[key] = field(item)
        return copy

    return decode


def _map(shape: dict, compiled: dict[int, Decode]) -> Decode:
    item_shape = shape["*"]
    entry = _compile(item_shape, compiled)

    def decode(value):
        if type(value) is not dict:
            raise Misfit
        copy = {}
        for key, item in value.items():
            if type(key) is not str:
                raise Misfit
            copy[key] = schema._zero(item_shape) if item is None else entry(item)
        return copy

    return decode


def _list(shape: list, compiled: dict[int, Decode]) -> Decode:
    item_shape = shape[0]
    entry = _compile(item_shape, compiled)

    def decode(value):
        if type(value) is not list:
            raise Misfit
        return [schema._zero(item_shape) if item is None else entry(item) for item in value]

    return decode


def _any(value):
    """A free-form value copied in the walk that checks it is JSON; a field set the API server built is JSON by
    construction and shared as it is."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None or kind is Unchanging:
        return value  # free-form fields mostly hold timestamps and other plain strings
    if kind is dict:
        if not all(type(key) is str for key in value):
            raise Misfit
        return {key: _any(item) for key, item in value.items()}
    if kind is list:
        return [_any(item) for item in value]
    if kind is float and math.isfinite(value):
        return value
    raise Misfit


def _string(value):
    if type(value) is not str:
        raise Misfit
    return value


def _boolean(value):
    if type(value) is not bool:
        raise Misfit
    return value


def _integer_in(low: int, high: int) -> Decode:
    def decode(value):
        if type(value) is float and value.is_integer():
            value = int(value)  # Go decodes 3.0 into an int field as 3
        if type(value) is not int or not low <= value <= high:
            raise Misfit
        return value

    return decode


def _quantity(value):
    if not (type(value) is str or type(value) is int or (type(value) is float and math.isfinite(value))):
        raise Misfit
    try:
        parse_quantity(value)
    except QuantityError:
        raise Misfit from None
    return value


def _int_or_string(value):
    if type(value) is float and value.is_integer():
        return int(value)
    if type(value) is str or type(value) is int or (type(value) is float and math.isfinite(value)):
        return value
    raise Misfit


def _bytes(value):
    if type(value) is not str or not schema._is_base64(value):
        raise Misfit
    return value


def _timestamp_in(micro: bool) -> Decode:
    parsed: set[str] = set()  # the stamps of one simulated second recur on every object written in it

    def decode(value):
        if type(value) is not str:
            raise Misfit
        if value not in parsed:
            if parse_error(value, micro) is not None:
                raise Misfit
            if len(parsed) >= PARSED_TIMESTAMPS_KEPT:
                parsed.clear()
            parsed.add(value)
        return value

    return decode


def _number(value):
    if type(value) is int or (type(value) is float and math.isfinite(value)):
        return value
    raise Misfit


_SCALARS: dict[str, Decode] = {
    schema.ANY: _any,
    schema.STRING: _string,
    schema.BOOLEAN: _boolean,
    schema.INTEGER: _integer_in(*schema._RANGES[schema.INTEGER]),
    schema.INT64: _integer_in(*schema._RANGES[schema.INT64]),
    schema.QUANTITY: _quantity,
    schema.INT_OR_STRING: _int_or_string,
    schema.BYTES: _bytes,
    schema.NUMBER: _number,
    schema.TIME: _timestamp_in(False),
    schema.MICRO_TIME: _timestamp_in(True),
}


def _compile_kinds() -> dict[str, Decode]:
    compiled: dict[int, Decode] = {}
    return {kind: _compile(shape, compiled) for kind, shape in schema.KIND_SCHEMAS.items()}


_decoders = _compile_kinds()
