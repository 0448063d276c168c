"""JSON and YAML from users, read with the limits upstream's decoders keep: nesting depth and alias expansion.

A few hundred bytes of YAML whose anchors alias each other nine times over ("billion laughs") stand for billions of
values, and a body of ten thousand opening brackets nests as deep as its length. Upstream's decoders refuse both
before they cost anything: go-yaml stops a decode that is mostly alias expansion ("document contains excessive
aliasing", `allowedAliasRatio` in decode.go) and any parser stops past a maximum depth. Every place that reads a
document a user wrote (the kube API's bodies, the admin's YAML fields, a node pool's ConfigMap, a page's WebSocket
frame) reads it here.
"""

import json
import re

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.cyaml import CParser
from yaml.events import AliasEvent, MappingStartEvent, SequenceStartEvent
from yaml.nodes import ScalarNode
from yaml.resolver import Resolver

# Upstream's decoders allow 10000 levels (encoding/json's maxNestingDepth, go-yaml's max_flow_level); Python's
# recursion (the parsers, patches, copies) cannot go that deep, and no Kubernetes object comes near 100.
MAX_DEPTH = 100
STRING_TAG = "tag:yaml.org,2002:str"
# go-yaml's alias budget (decode.go): past 1000 decoded values and 100 of them from aliases, at most 99% may come
# from alias expansion up to 400,000 values, scaling down to 10% at 4,000,000.
ALIAS_RATIO_RANGE = (400_000, 4_000_000)
_OPENING = frozenset(b"[{")
_BRACKETS_ONLY = bytes(range(256)).translate(None, b"[]{}")
_STRING_LITERAL = re.compile(rb'"(?:[^"\\]|\\.)*"')


class NotJson(ValueError):
    """A document encoding/json would refuse though Python's json reads it (too deep, NaN, Infinity); `args[0]` is
    encoding/json's wording."""


class YAMLLimitError(yaml.YAMLError):
    """A YAML document refused for its shape, worded as go-yaml words it (without its "yaml: " prefix)."""

    def __init__(self, problem: str):
        super().__init__(problem)
        self.problem = problem

    def __str__(self) -> str:
        return self.problem


# ---- JSON ----------------------------------------------------------------------------------------------------
def load_json(text: bytes | str, object_pairs_hook=None):
    """`json.loads` as strict as encoding/json: NotJson for a document nested past MAX_DEPTH (found before parsing)
    and for NaN or Infinity, which JSON does not have. `object_pairs_hook` as json.loads takes it (duplicate keys)."""
    raw = text.encode() if isinstance(text, str) else text
    if raw.count(b"[") + raw.count(b"{") > MAX_DEPTH:  # only then can it be too deep: most bodies skip the scan
        _refuse_deep_json(raw)
    return json.loads(text, parse_constant=_refuse_constant, object_pairs_hook=object_pairs_hook)


def _refuse_constant(name: str):
    if name.startswith("-"):  # a minus sign starts a number, so encoding/json fails on the letter after it
        raise NotJson(f"invalid character '{name[1]}' in numeric literal")
    raise NotJson(f"invalid character '{name[0]}' looking for beginning of value")


def _refuse_deep_json(raw: bytes) -> None:
    # string literals cut out first, so brackets inside strings are not counted
    brackets = _STRING_LITERAL.sub(b"", raw).translate(None, _BRACKETS_ONLY)
    depth = 0
    for char in brackets:
        if char in _OPENING:
            depth += 1
            if depth > MAX_DEPTH:
                # encoding/json's scanner: s.error(c, "exceeded max depth")
                raise NotJson(f"invalid character '{chr(char)}' exceeded max depth")
        else:
            depth -= 1


# ---- YAML ----------------------------------------------------------------------------------------------------
def load_yaml(text: bytes | str, duplicates: list[str] | None = None):
    """`yaml.safe_load` with go-yaml's limits: YAMLLimitError for excessive aliasing, an anchor that holds itself,
    or nesting past MAX_DEPTH; any other problem is PyYAML's own YAMLError. A repeated key keeps its last value
    and, when `duplicates` is given, is added to it in document order as go-yaml's strict decoder words it
    (`line 10: key "paused" already set in map`)."""
    loader = _LimitedLoader(text)
    try:
        found = loader.get_single_data()
    finally:
        loader.dispose()
    if duplicates is not None:
        duplicates.extend(message for _, message in sorted(loader.repeated_keys))
    return found


def allowed_alias_ratio(decoded: int) -> float:
    """go-yaml's allowedAliasRatio: the share of decoded values that may come from alias expansion."""
    low, high = ALIAS_RATIO_RANGE
    if decoded <= low:
        return 0.99
    if decoded >= high:
        return 0.10
    return 0.99 - 0.89 * (decoded - low) / (high - low)


class _LimitedLoader(Composer, CParser, SafeConstructor, Resolver):
    """SafeLoader whose composer keeps go-yaml's books while building the node graph, before any value exists.

    go-yaml decodes an alias by decoding its anchor's value again, so it counts every value an alias stands for;
    PyYAML shares the anchor's node instead. The composer therefore counts, for each finished node, how many values
    decoding it would take (`_expanded`), and adds that many for each alias, in document order as go-yaml does.
    Within one alias the share of aliased values only grows, so checking after each alias is as strict as checking
    after each of its values. Events come from libyaml's parser (CParser), nodes from PyYAML's composer (first in
    the bases, so its `get_single_node` is the one used).
    """

    def __init__(self, stream):
        CParser.__init__(self, stream)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self._expanded: dict[int, int] = {}  # id(node) -> values decoding it takes, aliases expanded
        self._unfinished: set[str] = set()  # anchors whose node is still being composed
        self._sizes: list[int] = [0]  # values below the node being composed, one entry per open node
        self._decoded = 1  # go-yaml's decodeCount: the document node comes first
        self._aliased = 0  # go-yaml's aliasCount
        self.repeated_keys: list[tuple[tuple[int, int], str]] = []  # ((line, column), go-yaml's words)

    def compose_mapping_node(self, anchor):
        node = super().compose_mapping_node(anchor)
        seen = set()
        for key, _ in node.value:
            if not isinstance(key, ScalarNode):
                continue
            if (key.tag, key.value) in seen:
                # go-yaml v2 (decode.go): "line %d: key %#v already set in map", the line of the repeated key
                shown = json.dumps(key.value) if key.tag == STRING_TAG else key.value
                where = (key.start_mark.line + 1, key.start_mark.column)
                self.repeated_keys.append((where, f"line {where[0]}: key {shown} already set in map"))
            seen.add((key.tag, key.value))
        return node

    def compose_node(self, parent, index):
        if self.check_event(AliasEvent):
            return self._alias(self.peek_event().anchor)
        if self.check_event(MappingStartEvent, SequenceStartEvent) and len(self._sizes) > MAX_DEPTH:
            raise YAMLLimitError(f"exceeded max depth of {MAX_DEPTH}")
        anchor = getattr(self.peek_event(), "anchor", None)
        self._decoded += 1
        self._check_aliasing()
        if anchor is not None:
            self._unfinished.add(anchor)
        self._sizes.append(1)
        node = super().compose_node(parent, index)
        size = self._sizes.pop()
        self._unfinished.discard(anchor)
        self._expanded[id(node)] = size
        self._sizes[-1] += size
        return node

    def _alias(self, anchor: str):
        if anchor in self._unfinished:
            raise YAMLLimitError(f"anchor '{anchor}' value contains itself")
        node = super().compose_node(None, None)  # PyYAML's own handling: the anchor's node, or "found undefined alias"
        size = self._expanded[id(node)]
        self._decoded += 1 + size
        self._aliased += size
        self._sizes[-1] += 1 + size
        self._check_aliasing()
        return node

    def _check_aliasing(self) -> None:
        if (
            self._aliased > 100
            and self._decoded > 1000
            and self._aliased / self._decoded > allowed_alias_ratio(self._decoded)
        ):
            raise YAMLLimitError("document contains excessive aliasing")
