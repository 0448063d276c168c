"""The Job controller: run pods until enough succeed, or give up (pkg/controller/job/job_controller.go).

Each sync counts the Job's pods: active ones, and finished ones not yet counted. Finished pods are counted through
the `batch.kubernetes.io/job-tracking` finalizer, as upstream: a finished pod's uid first goes to
`status.uncountedTerminatedPods`, then its finalizer is removed, then it moves to `succeeded` or `failed`, so no
pod is counted twice or lost if the pod is deleted meanwhile. Failed pods are replaced after a back-off (10 s
doubling, job_backoff.py) until `backoffLimit` is passed, `activeDeadlineSeconds` expires, or a podFailurePolicy rule
fails the Job at once; an Indexed Job may instead retry each index on its own (`backoffLimitPerIndex`,
job_index_failures.py) and succeed early by its successPolicy (job_success_policy.py). The Job first gets an interim condition (SuccessCriteriaMet or FailureTarget), and only once
its pods have stopped the final one (Complete or Failed), as upstream does since pod replacement policies.
"""

from ..api.clone import clone
from ..api.errors import ApiError
from ..runtime.cache import key_of
from ..runtime.component import Controller
from . import job_backoff, job_index_failures, job_indexes, job_success_policy, owners
from .job_failure_policy import match
from .pods import is_active, is_ready
from .victims import pods_to_delete

COMPONENT = "job-controller"
TRACKING_FINALIZER = "batch.kubernetes.io/job-tracking"
# queue keys of pods that may have outlived their Job (upstream's orphan queue)
ORPHAN_PREFIX = "orphan-pod:"
# upstream MaxPodCreateDeletePerSync and MaxUncountedPods; slow start begins with a batch of 1
MAX_POD_CREATE_DELETE_PER_SYNC = 500
MAX_UNCOUNTED_PODS = 500
EXPLANATIONS = {
    "SuccessfulCreate": "The Job needs more pods running to reach its completions, so it made one from its template.",
    "SuccessfulDelete": "The Job had more pods than it needs (or was suspended), so it removed one.",
    "FailedCreate": "The Job tried to make a pod and the API server refused; it will try again.",
    "Completed": "Enough of the Job's pods succeeded: the Job is complete and starts no more pods.",
    "BackoffLimitExceeded": (
        "More pods failed than the Job's backoffLimit allows, so the Job gave up: it is Failed and its pods stop."
    ),
    "DeadlineExceeded": "The Job ran longer than its activeDeadlineSeconds, so it was stopped and marked Failed.",
    "PodFailurePolicy": "A pod failed in a way a podFailurePolicy rule says is not worth retrying: the Job failed at once.",
    "Suspended": "The Job was suspended: its running pods were removed and no new ones start until it is resumed.",
    "Resumed": "The Job was resumed: it starts pods again.",
    "TooManySucceededPods": "More pods succeeded than the Job asked for.",
    "FailedIndexes": (
        "Every index of the Job has finished and some failed more often than its backoffLimitPerIndex allows: "
        "the Job is Failed."
    ),
    "MaxFailedIndexesExceeded": (
        "More indexes failed than the Job's maxFailedIndexes allows, so the Job gave up: it is Failed and its pods stop."
    ),
}


def condition_of(job: dict, condition_type: str) -> dict | None:
    for condition in (job.get("status") or {}).get("conditions") or []:
        if condition.get("type") == condition_type:
            return condition
    return None


def has_condition(job: dict, condition_type: str) -> bool:
    condition = condition_of(job, condition_type)
    return condition is not None and condition.get("status") == "True"


def is_finished(job: dict) -> bool:
    """upstream IsJobFinished: a Complete or Failed condition that is True."""
    return has_condition(job, "Complete") or has_condition(job, "Failed")


def _phase(pod: dict) -> str | None:
    return (pod.get("status") or {}).get("phase")


def _tracked(pod: dict) -> bool:
    return TRACKING_FINALIZER in (pod["metadata"].get("finalizers") or [])


def _only_replace_failed(job: dict) -> bool:
    spec = job["spec"]
    return spec.get("podReplacementPolicy") == "Failed" or spec.get("podFailurePolicy") is not None


def _is_failed(pod: dict, job: dict) -> bool:
    """upstream isPodFailed: Failed, or (unless only failed pods are replaced) deleted before it succeeded."""
    phase = (pod.get("status") or {}).get("phase")
    if phase == "Failed":
        return True
    if _only_replace_failed(job):
        return False
    return bool(pod["metadata"].get("deletionTimestamp")) and phase != "Succeeded"


def _is_terminating(pod: dict) -> bool:
    phase = (pod.get("status") or {}).get("phase")
    return bool(pod["metadata"].get("deletionTimestamp")) and phase not in ("Succeeded", "Failed")


class JobController(Controller):
    name = COMPONENT
    leader_of = "kube-controller-manager"
    primary_kind = "Job"
    resync_period = 30.0

    def __init__(self, ctx):
        super().__init__(ctx)
        self.backoff: dict[str, job_backoff.BackoffRecord] = {}

    def start(self) -> None:
        self.ctx.cache.informer("Pod").add_index(owners.CONTROLLER_INDEX, owners.controller_index)
        self.watch("Job")
        self.watch("Pod", self._jobs_of)
        super().start()

    def _jobs_of(self, pod: dict) -> list[str]:
        """The owning Job; and a tracked pod is also looked at alone, in case its Job has gone."""
        reference = owners.controller_ref(pod)
        keys = [ORPHAN_PREFIX + key_of(pod)] if _tracked(pod) else []
        if reference and reference.get("kind") == "Job":
            keys.append(f"{pod['metadata'].get('namespace')}/{reference['name']}")
        return keys

    # ---- the sync ------------------------------------------------------------------------------------------
    def reconcile(self, key: str) -> float | None:
        if key.startswith(ORPHAN_PREFIX):
            self._release_orphan(key.removeprefix(ORPHAN_PREFIX))
            return None
        job = self.ctx.cache.get("Job", key)
        if job is None:
            self.backoff.pop(key, None)
            return None
        pods = owners.claim(self.ctx, job, "Pod", job["spec"].get("selector"))
        if is_finished(job):
            self.release([pod for pod in pods if _tracked(pod)])
            return None
        return JobSync(self, key, job, pods).run()

    def _release_orphan(self, pod_key: str) -> None:
        """upstream syncOrphanPod: a tracked pod whose Job is gone (or another Job by that name, or finished) or
        that no Job controls any more keeps its finalizer no longer, so it can be deleted."""
        pod = self.ctx.cache.get("Pod", pod_key)
        if pod is None or not _tracked(pod):
            return
        reference = owners.controller_ref(pod)
        if reference is not None:
            if reference.get("kind") != "Job" or reference.get("apiVersion") != "batch/v1":
                return
            job = self.ctx.cache.get("Job", f"{pod['metadata'].get('namespace')}/{reference['name']}")
            if job is not None and job["metadata"]["uid"] == reference.get("uid") and not is_finished(job):
                return
        self.release([pod])

    # ---- pods ---------------------------------------------------------------------------------------------
    def create_pods(
        self, job: dict, count: int, indexes: list[int], replacing: dict[int, dict] | None = None
    ) -> tuple[int, ApiError | None]:
        """upstream slow start: batches of 1, 2, 4, ...; stops after the first batch with a failure. `replacing`
        is, per index, the failed pod a new one replaces (its failure count carries over)."""
        created, remaining, batch = 0, count, min(count, 1)
        while batch > 0:
            failure = None
            for _ in range(batch):
                index = indexes.pop(0) if indexes else None
                try:
                    replaced = (replacing or {}).get(index)
                    pod = self.ctx.client.create("Pod", self._pod_from_template(job, index, replaced))
                except ApiError as error:
                    failure = failure or error
                    self.event(job, "Warning", "FailedCreate", f"Error creating: {error.message}")
                    continue
                created += 1
                self.event(job, "Normal", "SuccessfulCreate", f"Created pod: {pod['metadata']['name']}")
            if failure is not None:
                return created, failure
            remaining -= batch
            batch = min(2 * batch, remaining)
        return created, None

    def _pod_from_template(self, job: dict, index: int | None, replaced: dict | None = None) -> dict:
        template = clone(job["spec"].get("template") or {})
        template.setdefault("spec", {})
        name = job["metadata"]["name"]
        generate_name = f"{name}-"
        if index is not None:
            job_indexes.add_to_template(template, name, index)
            generate_name = f"{name}-{index}-"
            if job_index_failures.uses_backoff_per_index(job):
                failure_counts = job_index_failures.replacement_annotations(job, replaced)
                template["metadata"]["annotations"].update(failure_counts)
        template_meta = template.get("metadata") or {}
        metadata = {
            "generateName": generate_name,
            "namespace": job["metadata"]["namespace"],
            "labels": dict(template_meta.get("labels") or {}),
            "ownerReferences": [owners.new_controller_ref(job)],
            "finalizers": [*(template_meta.get("finalizers") or []), TRACKING_FINALIZER],
        }
        if template_meta.get("annotations"):
            metadata["annotations"] = dict(template_meta["annotations"])
        return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": template["spec"]}

    def delete_pods(self, job: dict, pods: list[dict], release: bool) -> int:
        """Delete pods; with `release`, drop the tracking finalizer first (upstream deleteJobPods), otherwise keep
        it so the pods are still counted once they stop (deleteActivePods)."""
        deleted = 0
        for pod in pods:
            name = pod["metadata"]["name"]
            try:
                if release:
                    self.release([pod])
                self.ctx.client.delete("Pod", pod["metadata"]["namespace"], name)
            except ApiError as error:
                if error.code != 404:
                    raise
            deleted += 1
            self.event(job, "Normal", "SuccessfulDelete", f"Deleted pod: {name}")
        return deleted

    def release(self, pods: list[dict]) -> set[str]:
        """Strip the tracking finalizer; returns the uids now free of it (a pod already gone counts as free)."""
        removed = set()
        for pod in pods:
            metadata = pod["metadata"]
            if _tracked(pod):
                patch = {"metadata": {"$deleteFromPrimitiveList/finalizers": [TRACKING_FINALIZER]}}
                try:
                    self.ctx.client.patch("Pod", metadata["namespace"], metadata["name"], patch, "strategic")
                except ApiError as error:
                    if error.code != 404:
                        raise
            removed.add(metadata["uid"])
        return removed

    def event(self, job: dict, event_type: str, reason: str, message: str) -> None:
        explanation = EXPLANATIONS[reason]
        self.ctx.events.record(job, event_type, reason, message, self.name, explanation=explanation)


class JobSync:
    """One syncJob: what the pods say, what the Job should do next, and the status that records it."""

    def __init__(self, controller: JobController, key: str, job: dict, pods: list[dict]):
        self.controller, self.key, self.job, self.pods = controller, key, job, pods
        self.clock = controller.ctx.clock
        self.spec = job["spec"]
        self.status = clone(job.get("status") or {})
        self.status.setdefault("uncountedTerminatedPods", {})
        self.requeue: list[float] = []

    def run(self) -> float | None:
        job, spec, status = self.job, self.spec, self.status
        uncounted = status["uncountedTerminatedPods"]
        uncounted_succeeded = set(uncounted.get("succeeded") or [])
        uncounted_failed = set(uncounted.get("failed") or [])
        active = [pod for pod in self.pods if is_active(pod)]
        self.terminating = sum(1 for pod in self.pods if _is_terminating(pod))
        indexed = spec.get("completionMode") == "Indexed"
        completions = spec.get("completions")
        new_succeeded = self._new_finished(uncounted_succeeded, lambda pod: _phase(pod) == "Succeeded")
        new_failed = self._new_finished(uncounted_failed, lambda p: _is_failed(p, job))
        policy = spec.get("podFailurePolicy")
        counted_failures = sum(1 for pod in new_failed if match(policy, pod)[1])
        succeeded = status.get("succeeded", 0) + len(new_succeeded) + len(uncounted_succeeded)
        failed = status.get("failed", 0) + counted_failures + len(uncounted_failed)
        suspended = bool(spec.get("suspend"))
        if not status.get("startTime") and not suspended:
            status["startTime"] = self.clock.timestamp()
        record = job_backoff.next_record(
            self.controller.backoff.get(self.key, job_backoff.BackoffRecord()),
            [self._finished_at(pod) for pod in new_succeeded],
            [self._finished_at(pod) for pod in new_failed],
        )
        finished = self._failure_condition(failed)
        succeeded_indexes = set()
        self.failed_indexes: set[int] | None = None
        self.replacing: dict[int, dict] = {}
        if indexed:
            succeeded_indexes = job_indexes.parse(status.get("completedIndexes"), completions) | {
                job_indexes.completion_index(pod)
                for pod in self.pods
                if _phase(pod) == "Succeeded"
                and job_indexes.completion_index(pod) is not None
                and job_indexes.completion_index(pod) < completions
            }
            succeeded = len(succeeded_indexes)
            if job_index_failures.uses_backoff_per_index(job):
                finished = finished or self._index_failures(succeeded_indexes, active)
            if finished is None:
                message = job_success_policy.matched(spec.get("successPolicy"), completions, succeeded_indexes)
                if message is not None:
                    finished = self._condition("SuccessCriteriaMet", job_success_policy.REASON, message)
        ready = sum(1 for pod in active if is_ready(pod))
        if finished is not None:
            deleted = self.controller.delete_pods(job, active, release=False)
            self.terminating += deleted
            ready = 0
            active = []
        else:
            if not job["metadata"].get("deletionTimestamp"):
                active = self._manage(active, succeeded, succeeded_indexes, record)
                ready = sum(1 for pod in active if is_ready(pod))
            if completions is None:
                complete = succeeded > 0 and not active
            else:
                complete = succeeded >= completions and not active
            if complete:
                # upstream newSuccessCondition (JobSuccessPolicy, GA in 1.33)
                finished = self._condition(
                    "SuccessCriteriaMet", "CompletionsReached", "Reached expected number of succeeded pods"
                )
            else:
                self._suspension(suspended)
        status["active"] = len(active)
        status["ready"] = ready
        status["terminating"] = self.terminating
        self._track(finished, record, succeeded_indexes if indexed else None)
        return min(self.requeue) if self.requeue else None

    def _index_failures(self, succeeded_indexes: set[int], active: list[dict]) -> dict | None:
        """upstream syncJob with backoffLimitPerIndex: the failed indexes, the failure they may cause, and the
        last failed pod of each index still to be retried."""
        spec = self.spec
        failed = job_index_failures.failed_indexes(self.job, self.pods, _is_failed)
        self.failed_indexes = failed
        settled = succeeded_indexes | failed | {job_indexes.completion_index(pod) for pod in active}
        tracked = [pod for pod in self.pods if _tracked(pod)]
        self.replacing = job_index_failures.last_failed_per_index(
            self.job, tracked, settled, _is_failed, self._finished_at
        )
        if spec.get("maxFailedIndexes") is not None and len(failed) > spec["maxFailedIndexes"]:
            return self._condition(
                "FailureTarget",
                "MaxFailedIndexesExceeded",
                "Job has exceeded the specified maximal number of failed indexes",
            )
        if failed and len(failed) + len(succeeded_indexes) >= spec["completions"]:
            return self._condition("FailureTarget", "FailedIndexes", "Job has failed indexes")
        return None

    def _new_finished(self, uncounted: set, predicate) -> list[dict]:
        """upstream getValidPodsWithFilter: tracked pods not yet in the uncounted lists (indexed: a valid index)."""
        completions = self.spec.get("completions")
        found = []
        for pod in self.pods:
            if not _tracked(pod) or pod["metadata"]["uid"] in uncounted:
                continue
            if self.spec.get("completionMode") == "Indexed":
                index = job_indexes.completion_index(pod)
                if index is None or index >= completions:
                    continue
            if predicate(pod):
                found.append(pod)
        return found

    def _finished_at(self, pod: dict) -> float:
        """upstream getFinishedTime: when the pod's last container stopped (else now)."""
        times = [
            self.clock.seconds_since_epoch(status["state"]["terminated"]["finishedAt"])
            for status in (pod.get("status") or {}).get("containerStatuses") or []
            if ((status.get("state") or {}).get("terminated") or {}).get("finishedAt")
        ]
        return max(times) if times else self.clock.now

    def _condition(self, condition_type: str, reason: str, message: str) -> dict:
        now = self.clock.timestamp()
        return {
            "type": condition_type,
            "status": "True",
            "lastProbeTime": now,
            "lastTransitionTime": now,
            "reason": reason,
            "message": message,
        }

    def _failure_condition(self, failed: int) -> dict | None:
        """Why the Job fails now, if it does (upstream syncJob's order: an interim condition already set, a
        podFailurePolicy FailJob rule, the backoff limit, the active deadline)."""
        job, spec = self.job, self.spec
        if has_condition(job, "SuccessCriteriaMet"):
            existing = condition_of(job, "SuccessCriteriaMet")
            return self._condition("SuccessCriteriaMet", existing.get("reason", ""), existing.get("message", ""))
        target = condition_of(job, "FailureTarget")
        if target is not None and target.get("status") == "True":
            return self._condition("Failed", target.get("reason", ""), target.get("message", ""))
        policy = spec.get("podFailurePolicy")
        if policy is not None:
            for pod in self.pods:
                if _is_failed(pod, job):
                    message = match(policy, pod)[0]
                    if message is not None:
                        return self._condition("FailureTarget", "PodFailurePolicy", message)
        if failed > spec.get("backoffLimit", 6) or self._past_backoff_limit_on_failure():
            return self._condition(
                "FailureTarget", "BackoffLimitExceeded", "Job has reached the specified backoff limit"
            )
        deadline = spec.get("activeDeadlineSeconds")
        started = self.status.get("startTime")
        if deadline is not None and started and not spec.get("suspend"):
            remaining = self.clock.seconds_since_epoch(started) + deadline - self.clock.now
            if remaining <= 0:
                return self._condition(
                    "FailureTarget", "DeadlineExceeded", "Job was active longer than specified deadline"
                )
            self.requeue.append(remaining)
        return None

    def _past_backoff_limit_on_failure(self) -> bool:
        """upstream pastBackoffLimitOnFailure: with restartPolicy OnFailure, container restarts count as failures."""
        if (self.spec.get("template") or {}).get("spec", {}).get("restartPolicy") != "OnFailure":
            return False
        restarts = sum(
            container.get("restartCount", 0)
            for pod in self.pods
            if (pod.get("status") or {}).get("phase") in ("Running", "Pending")
            for container in (pod["status"].get("initContainerStatuses") or [])
            + (pod["status"].get("containerStatuses") or [])
        )
        limit = self.spec.get("backoffLimit", 6)
        return restarts > 0 if limit == 0 else restarts >= limit

    # ---- manageJob ---------------------------------------------------------------------------------------
    def _manage(self, active: list[dict], succeeded: int, succeeded_indexes: set, record) -> list[dict]:
        job, spec, controller = self.job, self.spec, self.controller
        if spec.get("suspend"):
            deleted = controller.delete_pods(job, active, release=True)
            self.terminating += deleted
            return []
        parallelism = spec.get("parallelism", 1)
        completions = spec.get("completions")
        if completions is None:
            want = len(active) if succeeded > 0 else parallelism
        else:
            want = max(0, min(completions - succeeded, parallelism))
        excess = []
        if spec.get("completionMode") == "Indexed":
            excess = job_indexes.duplicates_to_remove(active, completions)
        remaining_active = [pod for pod in active if pod not in excess]
        surplus = len(active) - want - len(excess)
        if surplus > 0:
            excess += pods_to_delete(remaining_active, remaining_active, surplus, self.clock)
        if excess:
            excess = excess[:MAX_POD_CREATE_DELETE_PER_SYNC]
            deleted = controller.delete_pods(job, excess, release=True)
            self.terminating += deleted
            return [pod for pod in active if pod not in excess]
        terminating = self.terminating if _only_replace_failed(job) else 0
        diff = want - terminating - len(active)
        if diff <= 0:
            return active
        per_index = job_index_failures.uses_backoff_per_index(job)
        wait = 0.0 if per_index else record.remaining(self.clock.now)  # per index, each index waits on its own
        if wait > 0:
            self.requeue.append(wait)
            return active
        diff = min(diff, MAX_POD_CREATE_DELETE_PER_SYNC)
        indexes = []
        if spec.get("completionMode") == "Indexed":
            pending = succeeded_indexes | (self.failed_indexes or set())
            indexes = job_indexes.first_pending(pending, active, diff, completions)
            if per_index:
                indexes, wait = self._indexes_due(indexes)
                if wait > 0:
                    self.requeue.append(wait)
                    return active
            diff = len(indexes)
        controller.create_pods(job, diff, indexes, self.replacing)
        return [pod for pod in owners.claim(controller.ctx, job, "Pod", spec.get("selector")) if is_active(pod)]

    def _indexes_due(self, indexes: list[int]) -> tuple[list[int], float]:
        """upstream getPodCreationInfoForIndependentIndexes: the indexes past their back-off, else the shortest
        wait."""
        now = self.clock.now
        waits = {
            index: job_index_failures.remaining(self.replacing.get(index), self._finished_at, now) for index in indexes
        }
        due = [index for index in indexes if waits[index] == 0]
        if due or not waits:
            return due, 0.0
        return [], min(waits.values())

    def _suspension(self, suspended: bool) -> None:
        """upstream: the Suspended condition True while suspended; False (and a fresh startTime) once resumed."""
        existing = condition_of(self.job, "Suspended")
        conditions = self.status.setdefault("conditions", [])
        if suspended and (existing is None or existing.get("status") != "True"):
            conditions[:] = [c for c in conditions if c.get("type") != "Suspended"]
            conditions.append({**self._condition("Suspended", "JobSuspended", "Job suspended")})
            self.controller.event(self.job, "Normal", "Suspended", "Job suspended")
        elif not suspended and existing is not None and existing.get("status") == "True":
            resumed = {**self._condition("Suspended", "JobResumed", "Job resumed"), "status": "False"}
            conditions[:] = [resumed if c.get("type") == "Suspended" else c for c in conditions]
            self.controller.event(self.job, "Normal", "Resumed", "Job resumed")
            self.status["startTime"] = self.clock.timestamp()
        if not conditions:
            del self.status["conditions"]

    # ---- trackJobStatusAndRemoveFinalizers --------------------------------------------------------------
    def _track(self, finished: dict | None, record, succeeded_indexes: set | None) -> None:
        job, status, controller = self.job, self.status, self.controller
        policy = self.spec.get("podFailurePolicy")
        uncounted = status["uncountedTerminatedPods"]
        failing = finished is not None and finished["type"] in ("FailureTarget", "Failed")
        with_finalizer = {pod["metadata"]["uid"] for pod in self.pods if _tracked(pod)}
        self._clean_uncounted(with_finalizer)
        to_release = []
        for pod in self.pods:
            if not _tracked(pod):
                continue
            uid = pod["metadata"]["uid"]
            failed = _is_failed(pod, job)
            phase = (pod.get("status") or {}).get("phase")
            if not (job["metadata"].get("deletionTimestamp") or finished is not None or phase == "Succeeded" or failed):
                continue
            if self._awaits_replacement(pod, finished, phase):
                continue
            to_release.append(pod)
            if phase == "Succeeded" and uid not in (uncounted.get("failed") or []):
                if succeeded_indexes is None and uid not in (uncounted.get("succeeded") or []):
                    uncounted.setdefault("succeeded", []).append(uid)
            elif failed or failing:
                index = job_indexes.completion_index(pod)
                valid = succeeded_indexes is None or (index is not None and index < self.spec["completions"])
                if uid not in (uncounted.get("failed") or []) and valid and match(policy, pod)[1]:
                    uncounted.setdefault("failed", []).append(uid)
            if len(uncounted.get("succeeded") or []) + len(uncounted.get("failed") or []) >= MAX_UNCOUNTED_PODS:
                break
        if succeeded_indexes is not None:
            status["succeeded"] = len(succeeded_indexes)
            status["completedIndexes"] = job_indexes.render(succeeded_indexes)
            for field in ("succeeded", "completedIndexes"):
                if not status[field]:
                    del status[field]  # omitempty, as upstream serialises them
            if self.failed_indexes is not None:
                status["failedIndexes"] = job_indexes.render(self.failed_indexes)  # a pointer: kept when empty
        if finished is not None and finished["type"] in ("FailureTarget", "SuccessCriteriaMet"):
            if not has_condition(job, finished["type"]):
                status.setdefault("conditions", []).append(finished)
            final_type = "Failed" if finished["type"] == "FailureTarget" else "Complete"
            finished = self._condition(final_type, finished["reason"], finished["message"])
        self._flush()
        controller.backoff[self.key] = record
        released = controller.release(to_release)
        self._clean_uncounted(with_finalizer - released)
        done = (
            finished is not None
            and not (uncounted.get("succeeded") or uncounted.get("failed"))
            and self.terminating == 0
        )
        if done:
            status.setdefault("conditions", [])
            status["conditions"] = [c for c in status["conditions"] if c.get("type") != finished["type"]]
            status["conditions"].append(finished)
            if finished["type"] == "Complete":
                status["completionTime"] = finished["lastTransitionTime"]
        self._flush()
        if done:
            self._record_finished(finished)

    def _awaits_replacement(self, pod: dict, finished: dict | None, phase: str | None) -> bool:
        """upstream canRemoveFinalizer: the last failed pod of an index keeps its finalizer until replaced."""
        if self.job["metadata"].get("deletionTimestamp") or finished is not None or phase == "Succeeded":
            return False
        replaced = self.replacing.get(job_indexes.completion_index(pod))
        return replaced is not None and replaced["metadata"]["uid"] == pod["metadata"]["uid"]

    def _clean_uncounted(self, with_finalizer: set) -> None:
        """upstream cleanUncountedPodsWithoutFinalizers: uids whose finalizer is gone move into the counters."""
        uncounted = self.status["uncountedTerminatedPods"]
        for field in ("succeeded", "failed"):
            uids = uncounted.get(field) or []
            kept = [uid for uid in uids if uid in with_finalizer]
            if len(kept) != len(uids):
                self.status[field] = self.status.get(field, 0) + len(uids) - len(kept)
            if kept:
                uncounted[field] = kept
            else:
                uncounted.pop(field, None)

    def _flush(self) -> None:
        if self.status != (self.job.get("status") or {}):
            self.job = self.controller.ctx.client.update_status("Job", {**self.job, "status": clone(self.status)})

    def _record_finished(self, finished: dict) -> None:
        job = self.job
        if finished["type"] == "Complete":
            completions = self.spec.get("completions")
            if completions is not None and job["status"].get("succeeded", 0) > completions:
                self.controller.event(
                    job,
                    "Warning",
                    "TooManySucceededPods",
                    "Too many succeeded pods running after completion count reached",
                )
            self.controller.event(job, "Normal", "Completed", "Job completed")
        else:
            self.controller.event(job, "Warning", finished["reason"], finished["message"])
