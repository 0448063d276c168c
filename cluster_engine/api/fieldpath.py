"""Field sets in upstream's FieldsV1 encoding, and the typed walks that make them (sigs.k8s.io/structured-merge-diff).

A set is kept exactly as `metadata.managedFields[].fieldsV1` spells it, so stored sets are used without converting:
a mapping from path elements (`f:<field>`, `k:<key fields as JSON>` for an item of a keyed list, `v:<JSON>` for an
item of a set, `i:<index>`) to the set below it, where a child that is `{}` or holds `"."` is itself a member. How a
value splits into fields (which lists are atomic, sets or keyed maps, which maps are atomic) comes from upstream's
API definitions (`x-kubernetes-list-type`, `x-kubernetes-list-map-keys`, `x-kubernetes-map-type`, patch strategy).
"""

import json
import re
from functools import cache, lru_cache

from .. import openapi
from .clone import Unchanging
from .errors import render_value

MEMBER = "."
MISSING = object()  # a field that is absent, as opposed to one holding null
_RANK = {"f": 0, "k": 1, "v": 2, "i": 3}  # upstream orders path elements: field names, keys, values, indexes
_DEFAULT = re.compile(r'Defaults? (?:to|is) "?([A-Za-z0-9]+)"?')


# ---- shapes: what the API definitions say about a value ---------------------------------------------------------
class Shape:
    """One schema node as structured-merge-diff sees it: scalar, struct, map, list, or untyped (deduced)."""

    __slots__ = ("form", "atomic", "fields", "required", "element", "list_type", "keys", "key_defaults", "_children")

    def __init__(
        self, form, atomic=False, fields=None, element=None, list_type="", keys=(), key_defaults=None, required=()
    ):
        self.form = form
        self.required = frozenset(required)
        self.atomic = atomic
        self.fields = fields or {}
        self.element = element
        self.list_type = list_type
        self.keys = keys
        self.key_defaults = key_defaults or {}
        self._children: dict[str, Shape] = {}

    def child(self, name: str) -> "Shape":
        found = self._children.get(name)
        if found is None:
            if self.form == "struct":
                schema = self.fields.get(name)
                found = shape_of(schema) if schema is not None else UNTYPED
            else:
                found = self.element if self.form == "map" else UNTYPED
            self._children[name] = found
        return found

    def declares(self, name: str) -> bool:
        return self.form == "struct" and name in self.fields

    def is_leaf(self, value) -> bool:
        """Scalars, atomic lists and maps, untyped lists, and values of the wrong JSON type are owned whole."""
        if self.form == "scalar" or self.atomic:
            return True
        if self.form == "list":
            return not isinstance(value, list)
        return not isinstance(value, dict)


UNTYPED = Shape("untyped")
SCALAR = Shape("scalar")


@cache
def _shape_of_ref(name: str) -> Shape:
    return _build(openapi.definitions()[name])


_inline_shapes: dict[int, Shape] = {}


def shape_of(schema: dict) -> Shape:
    ref = schema.get("$ref")
    if ref is not None:
        return _shape_of_ref(ref[len(openapi.REF_PREFIX) :])
    # the definitions are read once and never change, so an inline schema is known by its identity
    found = _inline_shapes.get(id(schema))
    if found is None:
        found = _inline_shapes[id(schema)] = _build(schema)
    return found


@cache
def root_shape(api_version: str, kind: str) -> Shape:
    group, _, version = api_version.rpartition("/")
    name = openapi.definition_name(group, version, kind)
    return _shape_of_ref(name) if name else UNTYPED


def _build(schema: dict) -> Shape:
    kind = schema.get("type")
    if "properties" in schema:
        atomic = schema.get("x-kubernetes-map-type") == "atomic"
        return Shape("struct", atomic, fields=schema["properties"], required=schema.get("required", ()))
    if kind == "object":
        extra = schema.get("additionalProperties")
        if not isinstance(extra, dict):
            return UNTYPED
        return Shape("map", schema.get("x-kubernetes-map-type") == "atomic", element=shape_of(extra))
    if kind == "array":
        return _list(schema)
    if kind in ("string", "integer", "number", "boolean"):
        return SCALAR
    return UNTYPED


def _list(schema: dict) -> Shape:
    """upstream schemaconv: x-kubernetes-list-type wins; else a `merge` patch strategy makes the list associative
    (keyed by its patch merge key, or a set of scalars); every other list is atomic."""
    element = shape_of(schema.get("items") or {})
    list_type = schema.get("x-kubernetes-list-type")
    keys = tuple(schema.get("x-kubernetes-list-map-keys") or ())
    if list_type is None:
        if "merge" in (schema.get("x-kubernetes-patch-strategy") or "").split(","):
            merge_key = schema.get("x-kubernetes-patch-merge-key")
            list_type, keys = ("map", (merge_key,)) if merge_key else ("set", ())
        else:
            list_type = "atomic"
    if list_type == "atomic":
        return Shape("list", True, element=element, list_type="atomic")
    defaults = {}
    if keys:
        item = openapi.resolve(schema.get("items") or {})
        for key in keys:
            # upstream keeps key defaults in its schema (`+default`); the published definitions say them in words
            found = _DEFAULT.search((item.get("properties", {}).get(key) or {}).get("description", ""))
            if found:
                defaults[key] = found.group(1)
    return Shape("list", element=element, list_type=list_type, keys=keys, key_defaults=defaults)


def item_element(shape: Shape, index: int, item) -> str:
    """The path element of one list item: `k:{...}` in a keyed list, `v:<JSON>` in a set, else `i:<index>`."""
    if shape.list_type == "map" and isinstance(item, dict):
        if len(shape.keys) == 1 and type(item.get(shape.keys[0])) is str:  # the common case, spelled directly
            return _keyed_by_string(shape.keys[0], item[shape.keys[0]])
        key = {}
        for name in sorted(shape.keys):
            if name in item:
                key[name] = item[name]
            elif name in shape.key_defaults:
                key[name] = shape.key_defaults[name]
        return "k:" + json.dumps(key, separators=(",", ":"))
    if shape.list_type == "set":
        return "v:" + json.dumps(item, separators=(",", ":"))
    return f"i:{index}"


@lru_cache(maxsize=4096)
def _keyed_by_string(key: str, value: str) -> str:
    """`k:{"name":"web"}`: the same few container, condition and port names come back on every write."""
    return f'k:{{"{key}":{json.dumps(value)}}}'


def list_items(shape: Shape, items: list) -> dict:
    """Items by path element; a repeated element keeps its first item, as upstream's list walk does."""
    found = {}
    for index, item in enumerate(items):
        found.setdefault(item_element(shape, index, item), item)
    return found


def children(shape: Shape, value) -> dict:
    """(path element → (child value, child shape, declared)) of a container value."""
    if isinstance(value, list):
        return {element: (item, shape.element or UNTYPED, False) for element, item in list_items(shape, value).items()}
    return {f"f:{name}": (item, shape.child(name), shape.declares(name)) for name, item in value.items()}


# ---- set algebra on the FieldsV1 encoding -----------------------------------------------------------------------
def is_member(node: dict) -> bool:
    return not node or MEMBER in node


def below(node: dict) -> dict:
    """The set beneath a node, without its own membership."""
    if MEMBER in node:
        return {key: child for key, child in node.items() if key != MEMBER}
    return node


def _node(member: bool, beneath: dict) -> dict | None:
    """The encoding of a node from its membership and the set beneath it; None when it holds nothing."""
    if not beneath:
        return {} if member else None
    return {MEMBER: {}, **beneath} if member else beneath


def union(a: dict, b: dict) -> dict:
    if not b:
        return a
    if not a:
        return b
    out = dict(a)
    for key, theirs in b.items():
        ours = out.get(key)
        if ours is None:
            out[key] = theirs
        elif ours is not theirs:
            out[key] = _node(is_member(ours) or is_member(theirs), union(below(ours), below(theirs)))
    return out


def difference(a: dict, b: dict) -> dict:
    """The members of `a` not in `b`; `a` itself (not a copy) when `b` takes nothing from it."""
    if not a or not b:
        return a
    out = None
    for key, theirs in b.items():
        ours = a.get(key)
        if ours is None or key == MEMBER:
            continue
        ours_below = below(ours)
        remaining = difference(ours_below, below(theirs))
        drops_member = is_member(ours) and is_member(theirs)
        if remaining is ours_below and not drops_member:
            continue
        if out is None:
            out = dict(a)
        node = _node(is_member(ours) and not drops_member, remaining)
        if node is None:
            del out[key]
        else:
            out[key] = node
    return a if out is None else out


def intersection(a: dict, b: dict) -> dict:
    if not a or not b:
        return {}
    if len(b) < len(a):
        a, b = b, a
    out = {}
    for key, ours in a.items():
        theirs = b.get(key)
        if theirs is None:
            continue
        node = _node(is_member(ours) and is_member(theirs), intersection(below(ours), below(theirs)))
        if node is not None:
            out[key] = node
    return out


def members(fields: dict, prefix: tuple = ()) -> list[tuple]:
    """Every member path, in upstream's order (a node's members before the sets below its children)."""
    found = []
    ordered = sorted(fields, key=_order)
    for key in ordered:
        if is_member(fields[key]):
            found.append((*prefix, key))
    for key in ordered:
        beneath = below(fields[key])
        if beneath:
            found.extend(members(beneath, (*prefix, key)))
    return found


def canonical(fields: dict) -> dict:
    """The set with its elements in upstream's order, as the API server writes it. One node's children are all
    of one kind (the fields of a struct, or the items of one list), so plain text order is upstream's: "." first.
    Ordered nodes are marked Unchanging, so a set grown from a stored one orders only what it added."""
    if type(fields) is Unchanging:
        return fields
    return Unchanging({key: canonical(fields[key]) if fields[key] else {} for key in sorted(fields)})


def _order(element: str):
    return (_RANK.get(element[:1], 4), element)


def path_string(path: tuple) -> str:
    """upstream fieldpath.Path.String(): `.spec.template.spec.containers[name="web"].image`."""
    parts = []
    for element in path:
        prefix, body = element[:2], element[2:]
        if prefix == "f:":
            parts.append("." + body)
        elif prefix == "k:":
            key = json.loads(body)
            parts.append("[" + ",".join(f"{name}={render_value(value)}" for name, value in key.items()) + "]")
        elif prefix == "v:":
            parts.append(f"[={render_value(json.loads(body))}]")
        else:
            parts.append(f"[{body}]")
    return "".join(parts)


def valid(fields) -> bool:
    """Whether a client-sent fieldsV1 decodes: objects all the way down, keyed by well-formed path elements."""
    if not isinstance(fields, dict):
        return False
    for key, child in fields.items():
        if key != MEMBER:
            if key[:2] not in ("f:", "k:", "v:", "i:"):
                return False
            if key[:2] in ("k:", "v:"):
                try:
                    json.loads(key[2:])
                except ValueError:
                    return False
            elif key[:2] == "i:" and not key[2:].isdigit():
                return False
        if not valid(child):
            return False
    return True


# ---- sets from values -------------------------------------------------------------------------------------------
def to_field_set(value: dict, shape: Shape) -> dict:
    """upstream TypedValue.ToFieldSet: every leaf, every list item, every entry of a granular map."""
    return _set_of(value, shape) or {}


def _set_of(value, shape: Shape) -> dict | None:
    if shape.is_leaf(value):
        if value is None and not (shape.form == "scalar" or shape.atomic):
            return None
        return {}
    found = {}
    for element, (child, child_shape, declared) in children(shape, value).items():
        node = _set_of(child, child_shape)
        if not declared:
            node = _node(True, below(node) if node else {})
        if node is not None:
            found[element] = node
    return found or None


def compare(old, new, shape: Shape) -> tuple[dict, dict, dict]:
    """upstream TypedValue.Compare: the (added, modified, removed) fields between two values of one type.

    Leaves (scalars, atomic lists and maps, containers empty on both sides) are added, removed or modified; a
    container that appears or disappears is itself added or removed. Equal subtrees are skipped without a walk,
    which keeps the cost of a write to what it changes: every control-plane write pays for this walk, so it
    visits each differing child in one loop rather than through helpers per node.
    """
    added, modified, removed = {}, {}, {}
    old = {} if old is MISSING or old is None else old
    new = {} if new is MISSING or new is None else new
    if type(old) is dict and type(new) is dict or isinstance(old, dict) and isinstance(new, dict):
        child = shape.child
        for name, old_child in old.items():
            new_child = new.get(name, MISSING)
            if new_child is not old_child and new_child != old_child:
                _compare(f"f:{name}", old_child, new_child, child(name), added, modified, removed)
        for name, new_child in new.items():
            if name not in old:
                _compare(f"f:{name}", MISSING, new_child, child(name), added, modified, removed)
        return added, modified, removed
    element_shape = shape.element or UNTYPED
    old_items = list_items(shape, old) if isinstance(old, list) else {}
    new_items = list_items(shape, new) if isinstance(new, list) else {}
    for element, old_child in old_items.items():
        new_child = new_items.get(element, MISSING)
        if new_child is MISSING or new_child != old_child:
            _compare(element, old_child, new_child, element_shape, added, modified, removed)
    for element, new_child in new_items.items():
        if element not in old_items:
            _compare(element, MISSING, new_child, element_shape, added, modified, removed)
    return added, modified, removed


def _compare(element: str, old, new, shape: Shape, added: dict, modified: dict, removed: dict) -> None:
    """Record one differing child under `element`."""
    if old is MISSING:
        added[element] = _whole(new, shape)
        return
    if new is MISSING:
        removed[element] = _whole(old, shape)
        return
    # a leaf pair: either side a leaf (and not null), or both empty or null, as upstream
    if (old is not None and shape.is_leaf(old)) or (new is not None and shape.is_leaf(new)) or (not old and not new):
        modified[element] = {}
        return
    a, m, r = compare(old, new, shape)
    if a:
        added[element] = a
    if m:
        modified[element] = m
    if r:
        removed[element] = r


def _whole(value, shape: Shape) -> dict:
    """The fields of a value that appears or disappears whole: every leaf, and every container as a member.
    Built in upstream's order and marked Unchanging, so the entry it joins never walks it again to order it."""
    if not value or shape.is_leaf(value):
        return {}
    node = Unchanging()
    node[MEMBER] = {}
    if isinstance(value, dict):
        child = shape.child
        for name in sorted(value):
            node[f"f:{name}"] = _whole(value[name], child(name))
    else:
        element = shape.element or UNTYPED
        items = list_items(shape, value)
        for key in sorted(items):
            node[key] = _whole(items[key], element)
    return node
