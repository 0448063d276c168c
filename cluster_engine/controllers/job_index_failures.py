"""Back-off per index (`backoffLimitPerIndex`): each index of an Indexed Job retries on its own
(pkg/controller/job: indexed_job_utils.go, backoff_utils.go).

Every pod of such a Job carries how many earlier pods of its index failed, in the annotation
`batch.kubernetes.io/job-index-failure-count` (and failures a podFailurePolicy Ignore rule let pass in
`...-ignored-failure-count`); the replacement of a failed pod counts one more. An index whose pod fails with its
count already at the limit, or by a FailIndex rule, is failed for good: it goes to `status.failedIndexes` and gets no
more pods. Until its replacement exists, the last failed pod of an index keeps its tracking finalizer, so the count
it carries is not lost; the replacement waits the same back-off as a whole Job would (10 s doubling), measured from
that pod's failure and the index's failures.
"""

from . import job_backoff, job_indexes
from .job_failure_policy import match

FAILURE_COUNT = "batch.kubernetes.io/job-index-failure-count"
IGNORED_FAILURE_COUNT = "batch.kubernetes.io/job-index-ignored-failure-count"


def uses_backoff_per_index(job: dict) -> bool:
    return job["spec"].get("backoffLimitPerIndex") is not None


def _count(pod: dict, annotation: str) -> int:
    value = (pod["metadata"].get("annotations") or {}).get(annotation, "0")
    return int(value) if value.isdigit() else 0


def absolute_failure_count(pod: dict) -> int:
    """upstream getIndexAbsoluteFailureCount: counted and ignored failures of the index before this pod."""
    return _count(pod, FAILURE_COUNT) + _count(pod, IGNORED_FAILURE_COUNT)


def index_failed(job: dict, pod: dict, is_failed) -> bool:
    """upstream isIndexFailed: the pod failed by a FailIndex rule, or failed (counting) with the index's count at
    the limit."""
    if not is_failed(pod, job):
        return False
    policy = job["spec"].get("podFailurePolicy")
    _, counts, action = match(policy, pod)
    if action == "FailIndex":
        return True
    return counts and _count(pod, FAILURE_COUNT) >= job["spec"]["backoffLimitPerIndex"]


def failed_indexes(job: dict, pods: list[dict], is_failed) -> set[int]:
    """upstream calculateFailedIndexes: those recorded in status.failedIndexes plus those failed now."""
    completions = job["spec"]["completions"]
    found = job_indexes.parse((job.get("status") or {}).get("failedIndexes"), completions)
    for pod in pods:
        index = job_indexes.completion_index(pod)
        if index is not None and index < completions and index_failed(job, pod, is_failed):
            found.add(index)
    return found


def last_failed_per_index(job: dict, tracked: list[dict], settled: set[int], is_failed, finished_at) -> dict[int, dict]:
    """upstream getPodsWithDelayedDeletionPerIndex: for each index that is neither succeeded, failed nor active
    (`settled`), its latest failed pod among those still `tracked` (with the tracking finalizer): the one its
    replacement counts from."""
    completions = job["spec"]["completions"]
    latest: dict[int, dict] = {}
    for pod in tracked:
        if not is_failed(pod, job):
            continue
        index = job_indexes.completion_index(pod)
        if index is None or index >= completions or index in settled:
            continue
        current = latest.get(index)
        if current is None or (
            absolute_failure_count(current) <= absolute_failure_count(pod) and finished_at(pod) >= finished_at(current)
        ):
            latest[index] = pod
    return latest


def replacement_annotations(job: dict, replaced: dict | None) -> dict[str, str]:
    """upstream addIndexFailureCountAnnotation: the counts a new pod of the index starts with."""
    failures = ignored = 0
    if replaced is not None:
        failures, ignored = _count(replaced, FAILURE_COUNT), _count(replaced, IGNORED_FAILURE_COUNT)
        if match(job["spec"].get("podFailurePolicy"), replaced)[1]:
            failures += 1
        else:
            ignored += 1
    annotations = {FAILURE_COUNT: str(failures)}
    if ignored:
        annotations[IGNORED_FAILURE_COUNT] = str(ignored)
    return annotations


def remaining(last_failed: dict | None, finished_at, now: float) -> float:
    """upstream getRemainingTimePerIndex: the back-off left before the index's next pod."""
    if last_failed is None:
        return 0.0
    return job_backoff.remaining_for(absolute_failure_count(last_failed) + 1, finished_at(last_failed), now)
