"""A Job's podFailurePolicy: which failed pods fail the Job at once, which are ignored, which count
(pkg/controller/job/pod_failure_policy.go).

Rules are tried in order; the first whose exit codes or pod conditions match decides. A pod no rule matches counts
towards the backoff limit.
"""


def match(policy: dict | None, pod: dict) -> tuple[str | None, bool, str | None]:
    """upstream matchPodFailurePolicy: (FailJob message or None, whether the failure counts, the action taken)."""
    if policy is None:
        return None, True, None
    metadata = pod["metadata"]
    for index, rule in enumerate(policy.get("rules") or []):
        action = rule.get("action")
        if rule.get("onExitCodes") is not None:
            status = _matching_exit(pod, rule["onExitCodes"])
            if status is None:
                continue
            if action == "FailJob":
                code = status["state"]["terminated"]["exitCode"]
                message = (
                    f"Container {status['name']} for pod {metadata['namespace']}/{metadata['name']} failed with exit "
                    f"code {code} matching FailJob rule at index {index}"
                )
                return message, True, action
        elif rule.get("onPodConditions"):
            condition = _matching_condition(pod, rule["onPodConditions"])
            if condition is None:
                continue
            if action == "FailJob":
                message = (
                    f"Pod {metadata['namespace']}/{metadata['name']} has condition {condition['type']} matching "
                    f"FailJob rule at index {index}"
                )
                return message, True, action
        else:
            continue
        if action == "Ignore":
            return None, False, action
        if action in ("Count", "FailIndex"):
            return None, True, action
    return None, True, None


def _matching_exit(pod: dict, requirement: dict) -> dict | None:
    """upstream matchOnExitCodes: the first terminated container (init containers too) with a non-zero exit code
    that the requirement selects."""
    status = pod.get("status") or {}
    for container in (status.get("initContainerStatuses") or []) + (status.get("containerStatuses") or []):
        name = requirement.get("containerName")
        if name and container.get("name") != name:
            continue
        terminated = (container.get("state") or {}).get("terminated")
        if not terminated or terminated.get("exitCode", 0) == 0:
            continue
        inside = terminated["exitCode"] in (requirement.get("values") or [])
        if inside == (requirement.get("operator") == "In"):
            return container
    return None


def _matching_condition(pod: dict, patterns: list[dict]) -> dict | None:
    for condition in (pod.get("status") or {}).get("conditions") or []:
        for pattern in patterns:
            if condition.get("type") == pattern.get("type") and condition.get("status") == pattern.get(
                "status", "True"
            ):
                return condition
    return None
