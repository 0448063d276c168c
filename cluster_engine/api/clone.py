"""Copying objects: they are JSON-shaped (dicts, lists, strings, numbers), so a plain recursive copy suffices.

`copy.deepcopy` handles any Python object and pays for it (memo dictionaries, dispatch per type); the control
plane copies objects on every write, so this narrower copy is several times faster where it matters. Most values in
an object are strings and numbers, so those are kept in place without a call per value; only containers recurse.
"""


class Unchanging(dict):
    """A JSON object no code changes in place once built (a managed field set): copies share it instead of
    walking it, so the field sets every object carries cost nothing to copy on each read and write."""


# Immutable leaves, shared between the original and the copy as they are.
_ATOMS = frozenset({str, int, float, bool, type(None), Unchanging})


def clone(value):
    """A deep copy of JSON-shaped data: every dict and list (subclasses become plain ones) is new, leaves shared."""
    kind = type(value)
    if kind is dict:
        return {key: item if type(item) in _ATOMS else clone(item) for key, item in value.items()}
    if kind is list:
        return [item if type(item) in _ATOMS else clone(item) for item in value]
    if kind is Unchanging:
        return value
    if isinstance(value, dict):
        return {key: clone(item) for key, item in value.items()}
    if isinstance(value, list):
        return [clone(item) for item in value]
    return value
