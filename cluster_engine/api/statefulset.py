"""StatefulSet's API rules: the scheme defaults and the validation upstream's apps/v1 applies.

Defaults follow pkg/apis/apps/v1/defaults.go (SetDefaults_StatefulSet), validation
pkg/apis/apps/validation (ValidateStatefulSetSpec, ValidateStatefulSetUpdate), so a learner who writes a short
StatefulSet reads back the policy, strategy and history limit a real cluster fills in, and is refused with the
same words when changing a field a StatefulSet cannot change.
"""

from . import names
from .errors import FieldError, forbidden, invalid, not_supported, required
from .podspec import non_negative
from .validation_workloads import always_restarting, malformed_percent, selector_and_template

POD_MANAGEMENT_POLICIES = ("OrderedReady", "Parallel")
UPDATE_STRATEGIES = ("RollingUpdate", "OnDelete")
RETENTION_POLICIES = ("Retain", "Delete")
# upstream: the fields ValidateStatefulSetUpdate lets an update change; everything else in spec is fixed
MUTABLE_SPEC_FIELDS = (
    "replicas",
    "ordinals",
    "template",
    "updateStrategy",
    "revisionHistoryLimit",
    "persistentVolumeClaimRetentionPolicy",
    "minReadySeconds",
)
UPDATE_FORBIDDEN = (
    "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', "
    "'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"
)


def default(obj: dict) -> None:
    """SetDefaults_StatefulSet, except the pod template's own defaults, which admission shares with every pod."""
    spec = obj.setdefault("spec", {})
    spec.setdefault("replicas", 1)
    spec.setdefault("podManagementPolicy", "OrderedReady")
    strategy = spec.setdefault("updateStrategy", {})
    if not strategy.get("type"):
        # upstream adds an empty rollingUpdate only when it chooses the type itself
        strategy["type"] = "RollingUpdate"
        strategy.setdefault("rollingUpdate", {})
    if strategy["type"] == "RollingUpdate" and isinstance(strategy.get("rollingUpdate"), dict):
        # maxUnavailable stays unset: the controller reads a missing one as 1
        strategy["rollingUpdate"].setdefault("partition", 0)
    spec.setdefault("revisionHistoryLimit", 10)  # upstream default
    policy = spec.setdefault("persistentVolumeClaimRetentionPolicy", {})
    policy.setdefault("whenDeleted", "Retain")
    policy.setdefault("whenScaled", "Retain")
    for claim in spec.get("volumeClaimTemplates") or []:
        if isinstance(claim, dict):
            # SetDefaults_PersistentVolumeClaim(Spec): a filesystem volume, a claim not yet bound
            claim.setdefault("apiVersion", "v1")
            claim.setdefault("kind", "PersistentVolumeClaim")
            claim.setdefault("spec", {}).setdefault("volumeMode", "Filesystem")
            claim.setdefault("status", {}).setdefault("phase", "Pending")
    obj.setdefault("status", {}).setdefault("replicas", 0)  # not omitempty upstream


def validate(obj: dict, max_replicas_errors: list[FieldError]) -> list[FieldError]:
    """ValidateStatefulSetSpec; `max_replicas_errors` are the replica-count findings shared with other workloads."""
    spec = obj.get("spec") or {}
    problems = list(max_replicas_errors)
    policy = spec.get("podManagementPolicy")
    if not policy:
        problems.append(required("spec.podManagementPolicy"))
    elif policy not in POD_MANAGEMENT_POLICIES:
        problems.append(invalid("spec.podManagementPolicy", policy, "must be 'OrderedReady' or 'Parallel'"))
    problems += _update_strategy(spec.get("updateStrategy") or {})
    problems += _retention_policy(spec.get("persistentVolumeClaimRetentionPolicy") or {})
    problems += non_negative(spec.get("minReadySeconds"), "spec.minReadySeconds")
    problems += non_negative(spec.get("revisionHistoryLimit"), "spec.revisionHistoryLimit")
    service = spec.get("serviceName")
    if service:
        problems += [invalid("spec.serviceName", service, m) for m in names.dns1035_label_messages(service)]
    problems += _selector_and_template(spec)
    for index, claim in enumerate(spec.get("volumeClaimTemplates") or []):
        name = (claim.get("metadata") or {}).get("name")
        if not name:
            problems.append(required(f"spec.volumeClaimTemplates[{index}].metadata.name"))
    return problems


def _update_strategy(strategy: dict) -> list[FieldError]:
    kind = strategy.get("type")
    rolling = strategy.get("rollingUpdate")
    path = "spec.updateStrategy"
    if not kind:
        return [required(path)]
    if kind not in UPDATE_STRATEGIES:
        return [invalid(path, strategy, "must be 'RollingUpdate' or 'OnDelete'")]
    if kind == "OnDelete":
        return (
            [invalid(f"{path}.rollingUpdate", rolling, "only allowed for updateStrategy 'RollingUpdate'")]
            if rolling
            else []
        )
    rolling = rolling or {}
    problems = non_negative(rolling.get("partition"), f"{path}.rollingUpdate.partition")
    unavailable = rolling.get("maxUnavailable")
    unavailable_path = f"{path}.rollingUpdate.maxUnavailable"
    if isinstance(unavailable, str):
        malformed = malformed_percent(unavailable, unavailable_path)
        if malformed:
            problems.append(malformed)
        elif int(unavailable[:-1]) > 100:
            problems.append(invalid(unavailable_path, unavailable, "must not be greater than 100%"))
        elif int(unavailable[:-1]) == 0:
            problems.append(invalid(unavailable_path, unavailable, "must be greater than 0"))
    elif isinstance(unavailable, int):
        if unavailable < 0:
            problems.append(invalid(unavailable_path, unavailable, "must be greater than or equal to 0"))
        elif unavailable == 0:
            problems.append(invalid(unavailable_path, unavailable, "must be greater than 0"))
    return problems


def _retention_policy(policy: dict) -> list[FieldError]:
    problems = []
    for field in ("whenDeleted", "whenScaled"):
        value = policy.get(field)
        if value is not None and value not in RETENTION_POLICIES:
            problems.append(
                not_supported(f"spec.persistentVolumeClaimRetentionPolicy.{field}", value, RETENTION_POLICIES)
            )
    return problems


def _selector_and_template(spec: dict) -> list[FieldError]:
    # upstream ValidatePodTemplateSpec names the labels' path without "metadata" for a StatefulSet
    problems = selector_and_template(spec, "statefulset", "spec.template.labels")
    return problems + always_restarting((spec.get("template") or {}).get("spec") or {}, "StatefulSet")


def validate_update(old: dict, new: dict) -> list[FieldError]:
    """ValidateStatefulSetUpdate: only the listed spec fields may change."""
    old_spec, new_spec = old.get("spec") or {}, new.get("spec") or {}

    def fixed(spec: dict) -> dict:
        return {key: value for key, value in spec.items() if key not in MUTABLE_SPEC_FIELDS}

    return [forbidden("spec", UPDATE_FORBIDDEN)] if fixed(old_spec) != fixed(new_spec) else []
