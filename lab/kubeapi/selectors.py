"""Label selectors rendered as text, the way kubectl shows them in the SELECTOR column and `describe`."""

NONE = "<none>"


def map_selector_string(selector: dict | None) -> str:
    """labels.FormatLabels: "app=web,tier=front" sorted by key, or "<none>" when empty (services)."""
    if not selector:
        return NONE
    return ",".join(f"{key}={selector[key]}" for key in sorted(selector))


def label_selector_string(selector: dict | None) -> str:
    """metav1.LabelSelectorAsSelector(...).String(): requirements sorted by key, operators in upstream syntax."""
    if not selector:
        return ""
    requirements = [(key, f"{key}={value}") for key, value in (selector.get("matchLabels") or {}).items()]
    for expression in selector.get("matchExpressions") or []:
        key, operator = expression.get("key", ""), expression.get("operator")
        values = ",".join(sorted(expression.get("values") or []))
        rendered = {
            "In": f"{key} in ({values})",
            "NotIn": f"{key} notin ({values})",
            "Exists": key,
            "DoesNotExist": f"!{key}",
        }.get(operator, key)
        requirements.append((key, rendered))
    return ",".join(text for _, text in sorted(requirements, key=lambda requirement: requirement[0]))
