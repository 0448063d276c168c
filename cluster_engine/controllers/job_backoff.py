"""How long a Job waits before replacing a failed pod (pkg/controller/job/backoff_utils.go).

The controller remembers, per Job, how many pods failed since the last success and when the last one failed. The
delay before the next pod is 10 s doubled for every further failure, capped at 10 minutes; a success resets it.
The record lives in the controller's memory, as upstream's backoff store does.
"""

from dataclasses import dataclass

# upstream job_controller.go: DefaultJobPodFailureBackOff = 10 s, MaxJobPodFailureBackOff = 10 min
DEFAULT_POD_FAILURE_BACKOFF = 10.0
MAX_POD_FAILURE_BACKOFF = 600.0


@dataclass(frozen=True)
class BackoffRecord:
    failures_after_last_success: int = 0
    last_failure_time: float | None = None

    def remaining(self, now: float) -> float:
        """upstream getRemainingTimeForFailuresCount: seconds still to wait before creating a pod."""
        return remaining_for(self.failures_after_last_success, self.last_failure_time, now)


def backoff_for(failures: int) -> float:
    """10 s for the first failure, doubling for each further one, at most 10 minutes."""
    delay = DEFAULT_POD_FAILURE_BACKOFF
    for _ in range(1, failures):
        delay *= 2
        if delay >= MAX_POD_FAILURE_BACKOFF:
            return MAX_POD_FAILURE_BACKOFF
    return delay


def remaining_for(failures: int, last_failure_time: float | None, now: float) -> float:
    if failures == 0 or last_failure_time is None:
        return 0.0
    elapsed = now - last_failure_time
    delay = backoff_for(failures)
    return 0.0 if delay < elapsed else delay - elapsed


def next_record(record: BackoffRecord, succeeded_times: list[float], failed_times: list[float]) -> BackoffRecord:
    """upstream newBackoffRecord: fold newly finished pods (by finish time) into the record."""
    if not succeeded_times:
        if not failed_times:
            return record
        return BackoffRecord(record.failures_after_last_success + len(failed_times), max(failed_times))
    last_success = max(succeeded_times)
    after = sorted(time for time in failed_times if time > last_success)
    return BackoffRecord(len(after), after[-1] if after else None)
