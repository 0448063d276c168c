"""The API server's rules for DaemonSets: upstream's defaults (pkg/apis/apps/v1/defaults.go) and validation
(pkg/apis/apps/validation ValidateDaemonSetSpec), worded as upstream words them."""

import re

from .errors import FieldError, forbidden, invalid, not_supported, required
from .labels import requirements_from_selector, selector_matches
from .names import labels as label_problems
from .podspec import label_selector, non_negative, pod_spec

STRATEGIES = ("RollingUpdate", "OnDelete")
# upstream SetDefaults_DaemonSet: RollingUpdate with maxUnavailable 1 and maxSurge 0, 10 old revisions kept
DEFAULT_MAX_UNAVAILABLE = 1
DEFAULT_MAX_SURGE = 0
DEFAULT_REVISION_HISTORY_LIMIT = 10
PERCENT = re.compile(r"^[0-9]+%$")
PERCENT_MESSAGE = (
    "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used "
    "for validation is '[0-9]+%')"
)
# upstream: DaemonSetStatus's counters are not omitempty, so a new DaemonSet reads 0 until its first sync
TEMPLATE_GENERATION_ANNOTATION = "deprecated.daemonset.template.generation"
STATUS_COUNTERS = ("currentNumberScheduled", "numberMisscheduled", "desiredNumberScheduled", "numberReady")


def set_defaults(obj: dict) -> None:
    spec = obj.setdefault("spec", {})
    strategy = spec.setdefault("updateStrategy", {})
    strategy.setdefault("type", "RollingUpdate")
    if strategy["type"] == "RollingUpdate":
        rolling = strategy.setdefault("rollingUpdate", {})
        rolling.setdefault("maxUnavailable", DEFAULT_MAX_UNAVAILABLE)
        rolling.setdefault("maxSurge", DEFAULT_MAX_SURGE)
    spec.setdefault("revisionHistoryLimit", DEFAULT_REVISION_HISTORY_LIMIT)
    status = obj.setdefault("status", {})
    for counter in STATUS_COUNTERS:
        status.setdefault(counter, 0)


def set_template_generation(obj: dict, old: dict | None) -> None:
    """upstream daemonSetStrategy: a new DaemonSet's template is generation 1, and each change of the template
    adds one; apps/v1 carries the number in the `deprecated.daemonset.template.generation` annotation."""
    annotations = obj["metadata"].setdefault("annotations", {})
    if old is None:
        annotations[TEMPLATE_GENERATION_ANNOTATION] = "1"
        return
    previous = (old["metadata"].get("annotations") or {}).get(TEMPLATE_GENERATION_ANNOTATION, "1")
    changed = (obj.get("spec") or {}).get("template") != (old.get("spec") or {}).get("template")
    if changed and previous.isdigit():
        annotations[TEMPLATE_GENERATION_ANNOTATION] = str(int(previous) + 1)
    else:
        annotations[TEMPLATE_GENERATION_ANNOTATION] = previous


def int_or_percent_value(value) -> int:
    """upstream getIntOrPercentValue: the number of an int, or of a valid percent string."""
    if isinstance(value, str):
        return int(value[:-1]) if PERCENT.match(value) else 0
    return value if isinstance(value, int) else 0


def positive_int_or_percent(value, path: str) -> list[FieldError]:
    """upstream ValidatePositiveIntOrPercent with IsNotMoreThan100Percent."""
    if isinstance(value, str):
        if not PERCENT.match(value):
            return [invalid(path, value, PERCENT_MESSAGE)]
        if int(value[:-1]) > 100:
            return [invalid(path, value, "must not be greater than 100%")]
        return []
    return non_negative(value, path)


def validate(obj: dict) -> list[FieldError]:
    spec = obj.get("spec") or {}
    selector = spec.get("selector")
    template = spec.get("template") or {}
    template_labels = (template.get("metadata") or {}).get("labels") or {}
    problems = []
    if not selector:
        problems.append(required("spec.selector"))
    else:
        selector_problems = label_selector(selector, "spec.selector")
        problems += selector_problems
        if not selector_problems and not selector_matches(selector, template_labels):
            problems.append(
                invalid("spec.template.metadata.labels", template_labels, "`selector` does not match template `labels`")
            )
        if not requirements_from_selector(selector):
            problems.append(invalid("spec.selector", selector, "empty selector is invalid for daemonset"))
    problems += label_problems(template_labels, "spec.template.metadata.labels")
    template_spec = template.get("spec") or {}
    problems += pod_spec(template_spec, "spec.template.spec")
    policy = template_spec.get("restartPolicy")
    if policy not in (None, "Always"):
        problems.append(not_supported("spec.template.spec.restartPolicy", policy, ("Always",)))
    if template_spec.get("activeDeadlineSeconds") is not None:
        problems.append(
            forbidden("spec.template.spec.activeDeadlineSeconds", "activeDeadlineSeconds in DaemonSet is not Supported")
        )
    problems += non_negative(spec.get("minReadySeconds"), "spec.minReadySeconds")
    problems += non_negative(spec.get("templateGeneration"), "spec.templateGeneration")
    problems += _update_strategy(spec.get("updateStrategy") or {})
    problems += non_negative(spec.get("revisionHistoryLimit"), "spec.revisionHistoryLimit")
    return problems


def _update_strategy(strategy: dict) -> list[FieldError]:
    kind = strategy.get("type")
    if kind == "OnDelete":
        return []
    if kind != "RollingUpdate":
        return [not_supported("spec.updateStrategy", strategy, STRATEGIES)]
    rolling = strategy.get("rollingUpdate")
    if rolling is None:
        return [required("spec.updateStrategy.rollingUpdate")]
    path = "spec.updateStrategy.rollingUpdate"
    unavailable, surge = rolling.get("maxUnavailable", 0), rolling.get("maxSurge", 0)
    problems = positive_int_or_percent(unavailable, f"{path}.maxUnavailable")
    problems += positive_int_or_percent(surge, f"{path}.maxSurge")
    # upstream: exactly one of maxSurge and maxUnavailable is non-zero
    has_unavailable, has_surge = int_or_percent_value(unavailable) != 0, int_or_percent_value(surge) != 0
    if has_unavailable and has_surge:
        problems.append(invalid(f"{path}.maxSurge", surge, "may not be set when maxUnavailable is non-zero"))
    elif not has_unavailable and not has_surge:
        problems.append(required(f"{path}.maxUnavailable", "cannot be 0 when maxSurge is 0"))
    return problems


def immutable(old: dict, new: dict) -> list[FieldError]:
    """upstream ValidateDaemonSetUpdate: the selector may not change."""
    selector = (new.get("spec") or {}).get("selector")
    if selector != (old.get("spec") or {}).get("selector"):
        return [invalid("spec.selector", selector, "field is immutable")]
    return []
