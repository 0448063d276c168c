"""A Job's successPolicy: an Indexed Job may succeed before every index has (pkg/controller/job/success_policy.go).

Rules are tried in order; a rule with `succeededIndexes` is met when all those indexes succeeded, or at least its
`succeededCount` of them; a rule with only `succeededCount` when that many indexes succeeded. The first rule met
gives the Job its SuccessCriteriaMet condition (reason SuccessPolicy), and its remaining pods are stopped.
"""

from . import job_indexes

REASON = "SuccessPolicy"  # batch.JobReasonSuccessPolicy


def matched(policy: dict | None, completions: int, succeeded: set[int]) -> str | None:
    """upstream matchSuccessPolicy: the message of the first rule met, or None."""
    if policy is None or not succeeded:
        return None
    for index, rule in enumerate(policy.get("rules") or []):
        count = rule.get("succeededCount")
        if rule.get("succeededIndexes") is not None:
            required = job_indexes.parse(rule["succeededIndexes"], completions)
            if not required:
                continue  # upstream: an unparsable rule never matches
            contained = len(required & succeeded)
            if contained == len(required) or (count is not None and contained >= count):
                return f"Matched rules at index {index}"
        elif count is not None and len(succeeded) >= count:
            return f"Matched rules at index {index}"
    return None
