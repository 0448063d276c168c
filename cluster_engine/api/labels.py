"""Label selectors: the structured form in specs and the string form of `kubectl -l`.

Both are turned into one list of requirements `(key, operator, values)`, matched the way
k8s.io/apimachinery/pkg/labels does. Operators: In, NotIn, Exists, DoesNotExist (plus Gt/Lt for node affinity).
"""

import re

_OPERATORS = {"In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"}
_SELECTOR_OPERATORS = {"In", "NotIn", "Exists", "DoesNotExist"}
_SET_REQUIREMENT = re.compile(r"^\s*(!?)\s*([^\s!=,()]+)\s*(?:(notin|in)\s*\(([^)]*)\))?\s*$")
_EQUALITY = re.compile(r"^\s*([^\s!=,()]+)\s*(==|!=|=)\s*([^\s!=,()]*)\s*$")


class SelectorError(ValueError):
    """A selector that cannot be parsed or is structurally invalid."""


def requirements_from_selector(selector: dict | None) -> list[tuple[str, str, tuple[str, ...]]]:
    """Requirements of a LabelSelector (`matchLabels` and `matchExpressions`); raises SelectorError."""
    if not selector:
        return []
    if not isinstance(selector, dict):
        raise SelectorError("must be an object with matchLabels and/or matchExpressions")
    requirements = []
    match_labels = selector.get("matchLabels") or {}
    if not isinstance(match_labels, dict):
        raise SelectorError("matchLabels must be a map of strings")
    for key, value in sorted(match_labels.items()):
        if not isinstance(value, str):
            raise SelectorError(f"matchLabels[{key}] must be a string")
        requirements.append((key, "In", (value,)))
    for index, expression in enumerate(selector.get("matchExpressions") or []):
        requirements.append(_expression(expression, index, _SELECTOR_OPERATORS))
    return requirements


def requirements_from_expressions(expressions: list, operators=frozenset(_OPERATORS)):
    """Requirements of a list of node-selector or selector expressions."""
    return [_expression(expression, index, operators) for index, expression in enumerate(expressions or [])]


def _expression(expression, index, operators):
    if not isinstance(expression, dict):
        raise SelectorError(f"matchExpressions[{index}] must be an object")
    key, operator = expression.get("key"), expression.get("operator")
    values = expression.get("values") or []
    if not key or not isinstance(key, str):
        raise SelectorError(f"matchExpressions[{index}].key: Required value")
    if operator not in operators:
        raise SelectorError(
            f'matchExpressions[{index}].operator: Invalid value: "{operator}": not a valid selector operator'
        )
    if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
        raise SelectorError(f"matchExpressions[{index}].values must be a list of strings")
    if operator in ("In", "NotIn") and not values:
        raise SelectorError(
            f"matchExpressions[{index}].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"
        )
    if operator in ("Exists", "DoesNotExist") and values:
        raise SelectorError(
            f"matchExpressions[{index}].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
        )
    if operator in ("Gt", "Lt") and (len(values) != 1 or not values[0].lstrip("-").isdigit()):
        raise SelectorError(f"matchExpressions[{index}].values: must be a single integer for 'Gt' and 'Lt'")
    return (key, operator, tuple(values))


def parse_selector_string(text: str | None) -> list[tuple[str, str, tuple[str, ...]]]:
    """Requirements of a string selector such as `app=web,tier in (a,b),!canary`."""
    if not text or not text.strip():
        return []
    requirements = []
    for part in _split_top_level(text):
        equality = _EQUALITY.match(part)
        if equality:
            key, operator, value = equality.groups()
            requirements.append((key, "NotIn" if operator == "!=" else "In", (value,)))
            continue
        match = _SET_REQUIREMENT.match(part)
        if not match:
            raise SelectorError(f"unable to parse requirement: {part.strip()!r}")
        negated, key, operator, values = match.groups()
        if operator:
            if negated:
                raise SelectorError(f"unable to parse requirement: {part.strip()!r}")
            listed = tuple(value.strip() for value in values.split(",") if value.strip())
            requirements.append((key, "In" if operator == "in" else "NotIn", listed))
        else:
            requirements.append((key, "DoesNotExist" if negated else "Exists", ()))
    return requirements


def _split_top_level(text: str) -> list[str]:
    parts, depth, current = [], 0, []
    for character in text:
        if character == "(":
            depth += 1
        elif character == ")":
            depth -= 1
        if character == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(character)
    parts.append("".join(current))
    if depth != 0 or any(not part.strip() for part in parts):
        raise SelectorError(f"unable to parse selector: {text!r}")
    return parts


def matches(requirements, labels: dict | None) -> bool:
    """Whether a set of labels satisfies every requirement."""
    labels = labels or {}
    for key, operator, values in requirements:
        present = key in labels
        value = labels.get(key)
        if operator == "In" and value not in values:
            return False
        if operator == "NotIn" and present and value in values:
            return False
        if operator == "Exists" and not present:
            return False
        if operator == "DoesNotExist" and present:
            return False
        if operator in ("Gt", "Lt"):
            try:
                number = int(value)
            except (TypeError, ValueError):
                return False
            if operator == "Gt" and not number > int(values[0]):
                return False
            if operator == "Lt" and not number < int(values[0]):
                return False
    return True


def selector_matches(selector: dict | None, labels: dict | None) -> bool:
    """Whether a structured LabelSelector selects these labels. An empty selector selects everything."""
    return matches(requirements_from_selector(selector), labels)


def format_selector(selector: dict | None) -> str:
    """The string form kubectl prints (`app=web,tier in (a,b)`)."""
    parts = []
    for key, operator, values in requirements_from_selector(selector):
        if operator == "In" and len(values) == 1:
            parts.append(f"{key}={values[0]}")
        elif operator in ("In", "NotIn"):
            parts.append(f"{key} {operator.lower()} ({','.join(values)})")
        elif operator == "Exists":
            parts.append(key)
        else:
            parts.append(f"!{key}")
    return ",".join(parts)
