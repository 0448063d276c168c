"""Defaults and generated selectors for Jobs and CronJobs (pkg/apis/batch/v1/defaults.go, pkg/registry/batch/job).

A learner who writes a Job with only a pod template reads back what a real cluster shows: one completion, parallelism
1, six retries, NonIndexed, not suspended, and the labels and selector the API server generated from the Job's uid.
"""

# upstream batch/v1 labels the API server puts on a Job's pod template (pkg/apis/batch/types.go)
CONTROLLER_UID_LABEL = "batch.kubernetes.io/controller-uid"
JOB_NAME_LABEL = "batch.kubernetes.io/job-name"
LEGACY_CONTROLLER_UID_LABEL = "controller-uid"
LEGACY_JOB_NAME_LABEL = "job-name"
# upstream: SetDefaults_Job's backoffLimit when no per-index limit is set
DEFAULT_BACKOFF_LIMIT = 6
MAX_INT32 = 2**31 - 1


def default_job(obj: dict) -> None:
    """upstream SetDefaults_Job."""
    spec = obj.setdefault("spec", {})
    if spec.get("completions") is None and spec.get("parallelism") is None:
        spec["completions"] = 1
        spec["parallelism"] = 1
    if spec.get("parallelism") is None:
        spec["parallelism"] = 1
    if spec.get("backoffLimit") is None:
        spec["backoffLimit"] = MAX_INT32 if spec.get("backoffLimitPerIndex") is not None else DEFAULT_BACKOFF_LIMIT
    template = spec.get("template")
    labels = (template.get("metadata") or {}).get("labels") if isinstance(template, dict) else None
    if labels is not None and not obj["metadata"].get("labels"):
        obj["metadata"]["labels"] = dict(labels)
    spec.setdefault("completionMode", "NonIndexed")
    spec.setdefault("suspend", False)
    policy = spec.get("podFailurePolicy")
    if isinstance(policy, dict):
        for rule in policy.get("rules") or []:
            for pattern in (rule.get("onPodConditions") or []) if isinstance(rule, dict) else []:
                if isinstance(pattern, dict) and not pattern.get("status"):
                    pattern["status"] = "True"
    if spec.get("podReplacementPolicy") is None:
        spec["podReplacementPolicy"] = "Failed" if policy is not None else "TerminatingOrFailed"
    spec.setdefault("manualSelector", False)


def default_cronjob(obj: dict) -> None:
    """upstream SetDefaults_CronJob: Allow, not suspended, keep 3 successful and 1 failed job."""
    spec = obj.setdefault("spec", {})
    spec.setdefault("concurrencyPolicy", "Allow")
    spec.setdefault("suspend", False)
    spec.setdefault("successfulJobsHistoryLimit", 3)
    spec.setdefault("failedJobsHistoryLimit", 1)


def generate_selector(obj: dict) -> None:
    """upstream jobStrategy generateSelector: unless manualSelector, label the template with the Job's name and uid
    (both the batch.kubernetes.io/ and the legacy keys) and select on the uid, so no other controller's pods match."""
    spec = obj.get("spec") or {}
    if spec.get("manualSelector") or not isinstance(spec.get("template"), dict):
        return
    metadata = spec["template"].setdefault("metadata", {})
    labels = metadata.get("labels") or {}
    metadata["labels"] = labels
    name, uid = obj["metadata"].get("name", ""), obj["metadata"]["uid"]
    for key in (LEGACY_JOB_NAME_LABEL, JOB_NAME_LABEL):
        labels.setdefault(key, name)
    for key in (LEGACY_CONTROLLER_UID_LABEL, CONTROLLER_UID_LABEL):
        labels.setdefault(key, uid)
    selector = spec.get("selector") or {}
    spec["selector"] = selector
    match_labels = selector.get("matchLabels") or {}
    selector["matchLabels"] = match_labels
    match_labels.setdefault(CONTROLLER_UID_LABEL, uid)
    if not obj["metadata"].get("labels"):
        # upstream stores the Job before these labels exist, and SetDefaults_Job copies the template's labels to
        # an unlabelled Job each time it is read back, so every reader sees them on the Job too
        obj["metadata"]["labels"] = dict(labels)
