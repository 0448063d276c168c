"""Deployment arithmetic shared by the rollout strategies (upstream pkg/controller/deployment/util).

maxSurge rounds up and maxUnavailable rounds down from percentages of spec.replicas; if both come to 0,
maxUnavailable becomes 1 so a rollout can always make progress. ReplicaSets carry the revision they were last made
current at and the deployment size they were scaled for, which proportional scaling uses.
"""

import math

from ..runtime.clock import SimClock
from .template_hash import without_nulls

HASH_LABEL = "pod-template-hash"
REVISION = "deployment.kubernetes.io/revision"
REVISION_HISTORY = "deployment.kubernetes.io/revision-history"
DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS = "deployment.kubernetes.io/max-replicas"
# upstream: annotations a Deployment never copies onto its ReplicaSets
SKIPPED_ANNOTATIONS = {
    "kubectl.kubernetes.io/last-applied-configuration",
    REVISION,
    REVISION_HISTORY,
    DESIRED_REPLICAS,
    MAX_REPLICAS,
    "deprecated.deployment.rollback.to",
}
# upstream: maxRevHistoryLengthInChars
MAX_REVISION_HISTORY_CHARS = 2000


# ---- fenceposts -------------------------------------------------------------------------------------------------
def scaled_value(value, total: int, round_up: bool) -> int:
    """upstream intstr.GetScaledValueFromIntOrPercent: an int as is, "25%" of total rounded up or down."""
    if isinstance(value, int):
        return value
    percent = int(str(value).rstrip("%"))
    return -(-percent * total // 100) if round_up else percent * total // 100


def resolve_fenceposts(max_surge, max_unavailable, desired: int) -> tuple[int, int]:
    surge = scaled_value(0 if max_surge is None else max_surge, desired, True)
    unavailable = scaled_value(0 if max_unavailable is None else max_unavailable, desired, False)
    if surge == 0 and unavailable == 0:
        unavailable = 1  # upstream: rounding may make both 0; allow one unavailable so the rollout can progress
    return surge, unavailable


def is_rolling(deployment: dict) -> bool:
    return (deployment["spec"].get("strategy") or {}).get("type", "RollingUpdate") == "RollingUpdate"


def _rolling_params(deployment: dict) -> tuple:
    rolling = (deployment["spec"].get("strategy") or {}).get("rollingUpdate") or {}
    return rolling.get("maxSurge", "25%"), rolling.get("maxUnavailable", "25%")


def max_surge(deployment: dict) -> int:
    if not is_rolling(deployment):
        return 0
    return resolve_fenceposts(*_rolling_params(deployment), replicas(deployment))[0]


def max_unavailable(deployment: dict) -> int:
    if not is_rolling(deployment) or replicas(deployment) == 0:
        return 0
    return min(resolve_fenceposts(*_rolling_params(deployment), replicas(deployment))[1], replicas(deployment))


def replicas(obj: dict | None) -> int:
    return 0 if obj is None else obj["spec"].get("replicas", 1)


# ---- replica counts over sets -----------------------------------------------------------------------------------
def spec_replicas(sets: list[dict | None]) -> int:
    return sum(replicas(rs) for rs in sets if rs is not None)


def status_count(sets: list[dict | None], field: str) -> int:
    return sum((rs.get("status") or {}).get(field, 0) for rs in sets if rs is not None)


def active(sets: list[dict | None]) -> list[dict]:
    """upstream FilterActiveReplicaSets: sets that have, or ought to have, pods."""
    return [rs for rs in sets if rs is not None and replicas(rs) > 0]


def created_order(rs: dict) -> tuple:
    """upstream ReplicaSetsByCreationTimestamp: oldest first, name breaking ties."""
    return (rs["metadata"].get("creationTimestamp", ""), rs["metadata"]["name"])


# ---- templates and revisions ------------------------------------------------------------------------------------
def without_hash(template: dict) -> dict:
    stripped = without_nulls(template or {})
    labels = (stripped.get("metadata") or {}).get("labels")
    if labels is not None:
        labels.pop(HASH_LABEL, None)
    return stripped


def equal_ignore_hash(a: dict, b: dict) -> bool:
    """upstream EqualIgnoreHash: the same template once the pod-template-hash label is set aside."""
    return without_hash(a) == without_hash(b)


def revision(rs: dict) -> int:
    try:
        return int((rs["metadata"].get("annotations") or {}).get(REVISION, ""))
    except ValueError:
        return 0


def max_revision(sets: list[dict]) -> int:
    return max((revision(rs) for rs in sets), default=0)


def set_new_replica_set_annotations(deployment: dict, rs: dict, new_revision: int, exists: bool) -> bool:
    """upstream SetNewReplicaSetAnnotations: copy the deployment's annotations, raise the revision (recording
    the old one in revision-history when a rollback revives this set), and on creation the replica annotations."""
    annotations = rs["metadata"].setdefault("annotations", {})
    changed = False
    for key, value in (deployment["metadata"].get("annotations") or {}).items():
        if key not in SKIPPED_ANNOTATIONS and annotations.get(key) != value:
            annotations[key] = value
            changed = True
    old_text = annotations.get(REVISION)
    try:
        old_revision = int(old_text) if old_text else 0
    except ValueError:
        return changed
    if old_revision < new_revision:
        annotations[REVISION] = str(new_revision)
        changed = True
        if old_text:
            _append_revision_history(annotations, old_text)
    if not exists and set_replicas_annotations(rs, replicas(deployment), replicas(deployment) + max_surge(deployment)):
        changed = True
    return changed


def _append_revision_history(annotations: dict, old_revision: str) -> None:
    history = annotations.get(REVISION_HISTORY, "")
    if not history:
        annotations[REVISION_HISTORY] = old_revision
        return
    revisions = history.split(",")
    total = len(history) + len(old_revision) + 1
    start = 0
    while total > MAX_REVISION_HISTORY_CHARS and start < len(revisions):
        total -= len(revisions[start]) + 1
        start += 1
    if total <= MAX_REVISION_HISTORY_CHARS:
        annotations[REVISION_HISTORY] = ",".join([*revisions[start:], old_revision])


def set_replicas_annotations(rs: dict, desired: int, maximum: int) -> bool:
    annotations = rs["metadata"].setdefault("annotations", {})
    wanted = {DESIRED_REPLICAS: str(desired), MAX_REPLICAS: str(maximum)}
    if all(annotations.get(key) == value for key, value in wanted.items()):
        return False
    annotations.update(wanted)
    return True


def replicas_annotations_need_update(rs: dict, desired: int, maximum: int) -> bool:
    annotations = rs["metadata"].get("annotations") or {}
    return annotations.get(DESIRED_REPLICAS) != str(desired) or annotations.get(MAX_REPLICAS) != str(maximum)


def annotation_int(rs: dict, key: str) -> int | None:
    try:
        return int((rs["metadata"].get("annotations") or {})[key])
    except (KeyError, ValueError):
        return None


# ---- proportional scaling ---------------------------------------------------------------------------------------
def proportion(rs: dict, deployment: dict, to_add: int, added: int) -> int:
    """upstream GetProportion: this set's share of a resize, never beyond what is left to add or remove."""
    if replicas(rs) == 0 or to_add == 0 or to_add == added:
        return 0
    fraction = _fraction(rs, deployment)
    allowed = to_add - added
    return min(fraction, allowed) if to_add > 0 else max(fraction, allowed)


def _fraction(rs: dict, deployment: dict) -> int:
    if replicas(deployment) == 0:
        return -replicas(rs)
    new_max = replicas(deployment) + max_surge(deployment)
    old_max = annotation_int(rs, MAX_REPLICAS)
    if not old_max:
        old_max = (deployment.get("status") or {}).get("replicas", 0)
    if not old_max:
        return 0
    scaled = replicas(rs) * new_max / old_max
    return math.floor(scaled + 0.5) - replicas(rs)  # Go's math.Round: halves away from zero (sizes are positive)


# ---- conditions -------------------------------------------------------------------------------------------------
def get_condition(status: dict, condition_type: str) -> dict | None:
    return next((c for c in status.get("conditions") or [] if c.get("type") == condition_type), None)


def new_condition(clock: SimClock, condition_type: str, status: str, reason: str, message: str) -> dict:
    now = clock.timestamp()
    return {
        "type": condition_type,
        "status": status,
        "lastUpdateTime": now,
        "lastTransitionTime": now,
        "reason": reason,
        "message": message,
    }


def set_condition(status: dict, condition: dict) -> None:
    """upstream SetDeploymentCondition: same status and reason is a no-op; same status keeps the transition time."""
    current = get_condition(status, condition["type"])
    if current and current["status"] == condition["status"] and current.get("reason") == condition["reason"]:
        return
    if current and current["status"] == condition["status"]:
        condition = {**condition, "lastTransitionTime": current["lastTransitionTime"]}
    remove_condition(status, condition["type"])
    status.setdefault("conditions", []).append(condition)


def remove_condition(status: dict, condition_type: str) -> None:
    status["conditions"] = [c for c in status.get("conditions") or [] if c.get("type") != condition_type]


def has_progress_deadline(deployment: dict) -> bool:
    deadline = deployment["spec"].get("progressDeadlineSeconds")
    return deadline is not None and deadline != 2**31 - 1


def complete(deployment: dict, status: dict) -> bool:
    """upstream DeploymentComplete: every replica updated and available, and the latest spec observed."""
    wanted = replicas(deployment)
    return (
        status.get("updatedReplicas", 0) == wanted
        and status.get("replicas", 0) == wanted
        and status.get("availableReplicas", 0) == wanted
        and status.get("observedGeneration", 0) >= deployment["metadata"].get("generation", 1)
    )


def progressing(deployment: dict, status: dict) -> bool:
    """upstream DeploymentProgressing: more updated, ready or available replicas, or fewer old ones."""
    old = deployment.get("status") or {}
    old_old = old.get("replicas", 0) - old.get("updatedReplicas", 0)
    new_old = status.get("replicas", 0) - status.get("updatedReplicas", 0)
    return (
        status.get("updatedReplicas", 0) > old.get("updatedReplicas", 0)
        or new_old < old_old
        or status.get("readyReplicas", 0) > old.get("readyReplicas", 0)
        or status.get("availableReplicas", 0) > old.get("availableReplicas", 0)
    )


def timed_out(deployment: dict, status: dict, clock: SimClock) -> bool:
    """upstream DeploymentTimedOut: no progress reported for strictly more than progressDeadlineSeconds."""
    if not has_progress_deadline(deployment):
        return False
    condition = get_condition(status, "Progressing")
    if condition is None or condition.get("reason") == "NewReplicaSetAvailable":
        return False
    if condition.get("reason") == "ProgressDeadlineExceeded":
        return True
    since = clock.seconds_since_epoch(condition["lastUpdateTime"])
    return since + deployment["spec"]["progressDeadlineSeconds"] < clock.now
