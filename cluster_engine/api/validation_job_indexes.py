"""Validation of an Indexed Job's per-index fields, worded as upstream's ValidateJobSpec: `backoffLimitPerIndex` and
`maxFailedIndexes` need the Indexed completion mode, and a `successPolicy`'s rules must each say what they need."""

from .errors import FieldError, invalid, required
from .podspec import non_negative


def index_fields(spec: dict, path: str) -> list[FieldError]:
    problems = []
    completions = spec.get("completions")
    for field in ("backoffLimitPerIndex", "maxFailedIndexes"):
        problems += non_negative(spec.get(field), f"{path}.{field}")
    if spec.get("completionMode") != "Indexed":
        for field in ("backoffLimitPerIndex", "maxFailedIndexes"):
            if spec.get(field) is not None:
                problems.append(invalid(f"{path}.{field}", spec[field], "requires indexed completion mode"))
        return problems
    most = spec.get("maxFailedIndexes")
    if isinstance(completions, int) and isinstance(most, int) and most > completions:
        problems.append(invalid(f"{path}.maxFailedIndexes", most, "must be less than or equal to completions"))
    policy = spec.get("successPolicy")
    if policy is not None and isinstance(completions, int):
        problems += _success_policy(policy, completions, f"{path}.successPolicy")
    return problems


def _success_policy(policy: dict, completions: int, path: str) -> list[FieldError]:
    """upstream validateSuccessPolicy and validateSuccessPolicyRule (the indexes' format aside)."""
    rules = policy.get("rules") or []
    if not rules:
        return [required(f"{path}.rules", "at least one rules must be specified when the successPolicy is specified")]
    problems = []
    for index, rule in enumerate(rules):
        rule_path = f"{path}.rules[{index}]"
        count = rule.get("succeededCount")
        if count is None and rule.get("succeededIndexes") is None:
            problems.append(required(rule_path, "at least one of succeededCount or succeededIndexes must be specified"))
        if count is None:
            continue
        problems += non_negative(count, f"{rule_path}.succeededCount")
        if isinstance(count, int) and count > completions:
            problems.append(
                invalid(
                    f"{rule_path}.succeededCount",
                    count,
                    f"must be less than or equal to {completions} (the number of specified completions)",
                )
            )
    return problems
