"""Copying objects: they are JSON-shaped (dicts, lists, strings, numbers), so a plain recursive copy suffices.

`copy.deepcopy` handles any Python object and pays for it (memo dictionaries, dispatch per type); the control
plane copies objects on every write, so this narrower copy is several times faster where it matters.
"""


def clone(value):
    """A deep copy of JSON-shaped data."""
    if isinstance(value, dict):
        return {key: clone(item) for key, item in value.items()}
    if isinstance(value, list):
        return [clone(item) for item in value]
    return value
