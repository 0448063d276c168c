"""Validation of Jobs and CronJobs, worded as upstream's pkg/apis/batch/validation.

A Job's pods must end (restartPolicy OnFailure or Never), its selector must be the one the API server generated
unless `manualSelector` says otherwise, and once created its selector, template, completion mode and pod failure
policy do not change. A CronJob's schedule must parse as standard cron, in a time zone the server knows.
"""

from zoneinfo import available_timezones

from . import cron, names
from .batch_defaults import (
    CONTROLLER_UID_LABEL,
    JOB_NAME_LABEL,
    LEGACY_CONTROLLER_UID_LABEL,
    LEGACY_JOB_NAME_LABEL,
)
from .errors import FieldError, forbidden, invalid, not_supported, required
from .labels import requirements_from_selector, selector_matches
from .podspec import label_selector, non_negative, pod_spec
from .validation_job_indexes import index_fields

COMPLETION_MODES = ("NonIndexed", "Indexed")
POD_FAILURE_POLICY_ACTIONS = ("Count", "FailIndex", "FailJob", "Ignore")
POD_REPLACEMENT_POLICIES = ("Failed", "TerminatingOrFailed")
CONCURRENCY_POLICIES = ("Allow", "Forbid", "Replace")
EXIT_CODE_OPERATORS = ("In", "NotIn")
# upstream: maxParallelismForIndexedJob, maxPodFailurePolicyRules, and the 52-character CronJob name limit (a job
# name adds 11 characters for the scheduled time)
MAX_PARALLELISM_FOR_INDEXED_JOB = 100000
MAX_POD_FAILURE_POLICY_RULES = 20
MAX_CRONJOB_NAME = 52


def job(obj: dict) -> list[FieldError]:
    """upstream ValidateJob: the generated selector, the spec, and an indexed job's longest pod hostname."""
    problems = _generated_selector(obj)
    spec = obj.get("spec") or {}
    problems += job_spec(spec, "spec")
    completions = spec.get("completions")
    if spec.get("completionMode") == "Indexed" and isinstance(completions, int) and completions > 0:
        hostname = f"{obj['metadata'].get('name', '')}-{completions - 1}"
        if names.dns1123_label_messages(hostname):
            problems.append(
                invalid(
                    "metadata.name",
                    obj["metadata"].get("name", ""),
                    f"will not able to create pod with invalid DNS label: {hostname}",
                )
            )
    return problems


def _generated_selector(obj: dict) -> list[FieldError]:
    spec = obj.get("spec") or {}
    if spec.get("manualSelector") or not spec.get("selector"):
        return []
    labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
    name, uid = obj["metadata"].get("name", ""), obj["metadata"].get("uid", "")
    expected = {
        LEGACY_CONTROLLER_UID_LABEL: uid,
        LEGACY_JOB_NAME_LABEL: name,
        CONTROLLER_UID_LABEL: uid,
        JOB_NAME_LABEL: name,
    }
    problems = []
    for key, value in expected.items():
        if key not in labels:
            problems.append(required(f"spec.template.metadata.labels[{key}]", f"must be '{value}'"))
        elif labels[key] != value:
            problems.append(invalid(f"spec.template.metadata.labels[{key}]", labels, f"must be '{value}'"))
    if not label_selector(spec["selector"], "spec.selector") and not selector_matches(spec["selector"], expected):
        problems.append(invalid("spec.selector", spec["selector"], "`selector` not auto-generated"))
    return problems


def job_spec(spec: dict, path: str) -> list[FieldError]:
    """upstream ValidateJobSpec, also applied to a CronJob's jobTemplate."""
    problems = []
    for field in ("parallelism", "completions", "activeDeadlineSeconds", "backoffLimit", "ttlSecondsAfterFinished"):
        problems += non_negative(spec.get(field), f"{path}.{field}")
    mode = spec.get("completionMode")
    if mode is not None and mode not in COMPLETION_MODES:
        problems.append(not_supported(f"{path}.completionMode", mode, COMPLETION_MODES))
    if mode == "Indexed":
        if spec.get("completions") is None:
            problems.append(required(f"{path}.completions", "when completion mode is Indexed"))
        parallelism = spec.get("parallelism")
        if isinstance(parallelism, int) and parallelism > MAX_PARALLELISM_FOR_INDEXED_JOB:
            problems.append(
                invalid(
                    f"{path}.parallelism",
                    parallelism,
                    f"must be less than or equal to {MAX_PARALLELISM_FOR_INDEXED_JOB} when completion mode is Indexed",
                )
            )
    problems += index_fields(spec, path)
    policy = spec.get("podFailurePolicy")
    if policy is not None:
        problems += _pod_failure_policy(spec, policy, f"{path}.podFailurePolicy")
    replacement = spec.get("podReplacementPolicy")
    if replacement is not None:
        allowed = ("Failed",) if policy is not None else POD_REPLACEMENT_POLICIES
        if replacement not in allowed:
            problems.append(not_supported(f"{path}.podReplacementPolicy", replacement, allowed))
    template = spec.get("template") or {}
    metadata = template.get("metadata") or {}
    problems += names.labels(metadata.get("labels") or {}, f"{path}.template.labels")
    problems += names.annotations(metadata.get("annotations") or {}, f"{path}.template.annotations")
    template_spec = template.get("spec") or {}
    problems += pod_spec(template_spec, f"{path}.template.spec")
    restart = template_spec.get("restartPolicy")
    restart_path = f"{path}.template.spec.restartPolicy"
    if restart in (None, "", "Always"):
        problems.append(required(restart_path, 'valid values: "OnFailure", "Never"'))
    elif restart not in ("OnFailure", "Never"):
        problems.append(not_supported(restart_path, restart, ("OnFailure", "Never")))
    elif policy is not None and restart != "Never":
        problems.append(invalid(restart_path, restart, 'only "Never" is supported when podFailurePolicy is specified'))
    if path == "spec":
        problems += _selector(spec, metadata.get("labels") or {})
    return problems


def _selector(spec: dict, labels: dict) -> list[FieldError]:
    selector = spec.get("selector")
    if not selector:
        return [required("spec.selector")]
    problems = label_selector(selector, "spec.selector")
    if not problems and requirements_from_selector(selector) is not None and not selector_matches(selector, labels):
        problems.append(invalid("spec.template.metadata.labels", labels, "`selector` does not match template `labels`"))
    return problems


def _pod_failure_policy(spec: dict, policy: dict, path: str) -> list[FieldError]:
    rules = policy.get("rules") or []
    problems = []
    if len(rules) > MAX_POD_FAILURE_POLICY_RULES:
        problems.append(
            FieldError(
                f"{path}.rules",
                "FieldValueTooMany",
                f"must have at most {MAX_POD_FAILURE_POLICY_RULES} items",
                len(rules),
            )
        )
    containers = {
        c.get("name") for group in ("containers", "initContainers") for c in _template_containers(spec, group)
    }
    for index, rule in enumerate(rules):
        rule_path = f"{path}.rules[{index}]"
        action = rule.get("action")
        if not action:
            listed = " ".join(f'"{a}"' for a in POD_FAILURE_POLICY_ACTIONS)
            problems.append(required(f"{rule_path}.action", f"valid values: [{listed}]"))
        elif action == "FailIndex":
            if spec.get("backoffLimitPerIndex") is None:
                problems.append(invalid(f"{rule_path}.action", action, "requires the backoffLimitPerIndex to be set"))
        elif action not in POD_FAILURE_POLICY_ACTIONS:
            problems.append(not_supported(f"{rule_path}.action", action, POD_FAILURE_POLICY_ACTIONS))
        exit_codes, conditions = rule.get("onExitCodes"), rule.get("onPodConditions")
        if exit_codes is not None:
            problems += _on_exit_codes(exit_codes, f"{rule_path}.onExitCodes", containers)
        if exit_codes is not None and conditions:
            problems.append(
                FieldError(
                    rule_path, "FieldValueInvalid", "specifying both OnExitCodes and OnPodConditions is not supported"
                )
            )
        if exit_codes is None and not conditions:
            problems.append(
                FieldError(
                    rule_path, "FieldValueInvalid", "specifying one of OnExitCodes and OnPodConditions is required"
                )
            )
    return problems


def _template_containers(spec: dict, group: str) -> list[dict]:
    return ((spec.get("template") or {}).get("spec") or {}).get(group) or []


def _on_exit_codes(requirement: dict, path: str, containers: set) -> list[FieldError]:
    """upstream validatePodFailurePolicyRuleOnExitCodes."""
    problems = []
    name = requirement.get("containerName")
    if name is not None and name not in containers:
        problems.append(
            invalid(
                f"{path}.containerName", name, "must be one of the container or initContainer names in the pod template"
            )
        )
    operator = requirement.get("operator")
    if not operator:
        problems.append(required(f"{path}.operator", 'valid values: ["In" "NotIn"]'))
    elif operator not in EXIT_CODE_OPERATORS:
        problems.append(not_supported(f"{path}.operator", operator, EXIT_CODE_OPERATORS))
    values = requirement.get("values") or []
    if not values:
        problems.append(invalid(f"{path}.values", values, "at least one value is required"))
    seen = set()
    for index, value in enumerate(values):
        if value in seen:
            problems.append(FieldError(f"{path}.values[{index}]", "FieldValueDuplicate", value=value))
        if operator == "In" and value == 0:
            problems.append(invalid(f"{path}.values[{index}]", value, "must not be 0 for the In operator"))
        if seen and value < max(seen):
            problems.append(invalid(f"{path}.values[{index}]", value, "must be ordered"))
        seen.add(value)
    return problems


def job_update(old: dict, new: dict) -> list[FieldError]:
    """upstream ValidateJobSpecUpdate: fields fixed once the Job exists."""
    old_spec, new_spec = old.get("spec") or {}, new.get("spec") or {}
    problems = []
    immutable = ("completions", "selector", "template", "completionMode", "podFailurePolicy", "backoffLimitPerIndex")
    for field in (*immutable, "successPolicy"):
        if new_spec.get(field) != old_spec.get(field):
            problems.append(invalid(f"spec.{field}", new_spec.get(field), "field is immutable"))
    return problems


def cronjob(obj: dict) -> list[FieldError]:
    """upstream ValidateCronJobCreate: the name leaves room for the scheduled-time suffix; schedule, time zone,
    policies, and the job template."""
    name = obj["metadata"].get("name", "")
    problems = []
    if len(name) > MAX_CRONJOB_NAME:
        problems.append(invalid("metadata.name", name, f"must be no more than {MAX_CRONJOB_NAME} characters"))
    spec = obj.get("spec") or {}
    schedule = spec.get("schedule")
    if not schedule:
        problems.append(required("spec.schedule"))
    elif "TZ" in schedule:
        problems.append(
            invalid("spec.schedule", schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead")
        )
    else:
        try:
            cron.parse(schedule)
        except cron.ScheduleError as error:
            problems.append(invalid("spec.schedule", schedule, str(error)))
    time_zone = spec.get("timeZone")
    if time_zone is not None and (time_zone not in available_timezones() and time_zone != "UTC"):
        problems.append(invalid("spec.timeZone", time_zone, "unknown time zone " + time_zone))
    policy = spec.get("concurrencyPolicy")
    if not policy:
        problems.append(required("spec.concurrencyPolicy"))
    elif policy not in CONCURRENCY_POLICIES:
        problems.append(not_supported("spec.concurrencyPolicy", policy, CONCURRENCY_POLICIES))
    for field in ("startingDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit"):
        problems += non_negative(spec.get(field), f"spec.{field}")
    job_template = spec.get("jobTemplate") or {}
    template_meta = job_template.get("metadata") or {}
    problems += names.labels(template_meta.get("labels") or {}, "spec.jobTemplate.metadata.labels")
    problems += job_spec(job_template.get("spec") or {}, "spec.jobTemplate.spec")
    if (job_template.get("spec") or {}).get("manualSelector"):
        problems.append(
            forbidden("spec.jobTemplate.spec.manualSelector", "`manualSelector` is not supported in CronJob templates")
        )
    return problems
