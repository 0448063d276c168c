"""Rules the replicated workloads share (pkg/apis/apps/validation and pkg/apis/core/validation): a selector the
pod template's labels satisfy, a valid template, pods that always restart, and int-or-percent rollout limits.

Deployments, ReplicaSets and StatefulSets take a label selector; ReplicationControllers and StatefulSets refuse
templates that could stop restarting. The wording is upstream's, which names the workload in a few messages.
"""

import re

from . import names
from .errors import FieldError, forbidden, invalid, not_supported, required
from .labels import requirements_from_selector, selector_matches
from .podspec import label_selector, pod_spec

_PERCENT = re.compile(r"^[0-9]+%$")
PERCENT_MESSAGE = (
    "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used "
    "for validation is '[0-9]+%')"
)


def selector_and_template(spec: dict, workload: str, labels_path: str) -> list[FieldError]:
    """A required, non-empty label selector matching the template's labels, then those labels (at `labels_path`,
    which upstream words differently per kind) and the template's pod spec."""
    problems = []
    selector = spec.get("selector")
    template = spec.get("template") or {}
    labels = (template.get("metadata") or {}).get("labels") or {}
    if not selector:
        problems.append(required("spec.selector"))
    else:
        selector_problems = label_selector(selector, "spec.selector")
        problems += selector_problems
        if not selector_problems:
            if not requirements_from_selector(selector):
                problems.append(invalid("spec.selector", selector, f"empty selector is invalid for {workload}"))
            elif not selector_matches(selector, labels):
                problems.append(
                    invalid("spec.template.metadata.labels", labels, "`selector` does not match template `labels`")
                )
    problems += names.labels(labels, labels_path)
    problems += pod_spec(template.get("spec") or {}, "spec.template.spec")
    return problems


def always_restarting(template_spec: dict, kind: str) -> list[FieldError]:
    """upstream ValidatePodTemplateSpecForReplicaSet / ForStatefulSet: restartPolicy Always, no deadline."""
    problems = []
    policy = template_spec.get("restartPolicy")
    if policy != "Always":
        problems.append(not_supported("spec.template.spec.restartPolicy", policy, ("Always",)))
    if template_spec.get("activeDeadlineSeconds") is not None:
        problems.append(
            forbidden("spec.template.spec.activeDeadlineSeconds", f"activeDeadlineSeconds in {kind} is not Supported")
        )
    return problems


def malformed_percent(value: str, path: str) -> FieldError | None:
    """upstream IsValidPercent for an int-or-string field given as a string."""
    return None if _PERCENT.match(value) else invalid(path, value, PERCENT_MESSAGE)
