"""The TTL-after-finished controller: delete a finished Job once `ttlSecondsAfterFinished` has passed
(pkg/controller/ttlafterfinished).

The clock starts at the Job's Complete or Failed condition. Deletion is in the foreground, with the Job's uid and
resourceVersion as preconditions, so its pods go first and a Job changed meanwhile is left for the next look.
"""

from ..api.errors import ApiError
from ..runtime.component import Controller
from .job import condition_of, is_finished


class TTLAfterFinishedController(Controller):
    name = "ttl-after-finished-controller"
    leader_of = "kube-controller-manager"
    primary_kind = "Job"

    def start(self) -> None:
        self.watch("Job")
        super().start()

    def reconcile(self, key: str) -> float | None:
        job = self.ctx.cache.get("Job", key)
        if job is None or job["metadata"].get("deletionTimestamp") or not is_finished(job):
            return None
        ttl = job["spec"].get("ttlSecondsAfterFinished")
        if ttl is None:
            return None
        finished = condition_of(job, "Complete") or condition_of(job, "Failed")
        remaining = self.ctx.clock.seconds_since_epoch(finished["lastTransitionTime"]) + ttl - self.ctx.clock.now
        if remaining > 0:
            return remaining
        metadata = job["metadata"]
        try:
            self.ctx.client.delete(
                "Job",
                metadata["namespace"],
                metadata["name"],
                propagation_policy="Foreground",
                preconditions={"uid": metadata["uid"], "resourceVersion": metadata["resourceVersion"]},
            )
        except ApiError as error:
            if error.code not in (404, 409):
                raise
        return None
