"""The CronJob controller: create a Job each time the schedule comes round (pkg/controller/cronjob,
cronjob_controllerv2.go and utils.go).

Each sync looks at the Jobs the CronJob owns (finished ones leave `status.active`, a success moves
`lastSuccessfulTime`), then at the most recent scheduled time not yet run, read on the cluster's simulated clock in
the CronJob's time zone. A time later than `startingDeadlineSeconds` allows is missed; a Job still running makes
Forbid skip the run and Replace delete it first. The Job is named `<cronjob>-<scheduled time in minutes since the
epoch>`, so the same run is never created twice. Finished Jobs beyond the history limits are deleted, oldest first.
The controller then sleeps until the next scheduled time (plus upstream's 100 ms).
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..api import cron
from ..api.clone import clone
from ..api.errors import ApiError
from ..runtime.component import Controller
from . import owners
from .job import has_condition, is_finished

COMPONENT = "cronjob-controller"
SCHEDULED_TIMESTAMP = "batch.kubernetes.io/cronjob-scheduled-timestamp"
# upstream nextScheduleDelta: requeue 100 ms after the scheduled time
NEXT_SCHEDULE_DELTA = 0.1
# upstream: more than 100 unmet start times is reported as TooManyMissedTimes
MANY_MISSED = 100
EXPLANATIONS = {
    "SuccessfulCreate": "The schedule came round, so the CronJob created a Job for this run.",
    "SawCompletedJob": "A Job this CronJob started has finished; it is no longer counted as active.",
    "SuccessfulDelete": "The CronJob removed a Job: an old finished one beyond its history limit, or one it replaced.",
    "JobAlreadyActive": "The previous run is still going and concurrencyPolicy is Forbid, so this run is skipped.",
    "MissSchedule": "The controller saw this run too late (startingDeadlineSeconds had passed), so it was skipped.",
    "UnexpectedJob": "A Job owned by this CronJob is running but the CronJob did not start it.",
    "MissingJob": "A Job the CronJob counted as active no longer exists.",
    "TooManyMissedTimes": "The CronJob missed more than 100 runs; set startingDeadlineSeconds to look back less far.",
    "UnknownTimeZone": "The CronJob's timeZone is not one the cluster knows, so it starts nothing.",
    "UnparseableSchedule": "The CronJob's schedule cannot be read, so it starts nothing.",
    "FailedCreate": "The CronJob tried to create a Job and the API server refused; it will try again.",
    "FailedDelete": "The CronJob tried to remove a Job and the API server refused.",
}


def time_zone(cronjob: dict):
    name = cronjob["spec"].get("timeZone")
    return UTC if name in (None, "", "UTC", "Etc/UTC") else ZoneInfo(name)


def job_name(cronjob: dict, scheduled: datetime) -> str:
    """upstream getJobName: the scheduled time in minutes since the epoch (getTimeHashInMinutes)."""
    return f"{cronjob['metadata']['name']}-{int(scheduled.timestamp()) // 60}"


class CronJobController(Controller):
    name = COMPONENT
    leader_of = "kube-controller-manager"
    primary_kind = "CronJob"

    def start(self) -> None:
        self.ctx.cache.informer("Job").add_index(owners.CONTROLLER_INDEX, owners.controller_index)
        self.watch("CronJob")
        self.watch("Job", self._cronjob_of)
        super().start()

    def _cronjob_of(self, job: dict) -> list[str]:
        reference = owners.controller_ref(job)
        if reference and reference.get("kind") == "CronJob":
            return [f"{job['metadata'].get('namespace')}/{reference['name']}"]
        return []

    def reconcile(self, key: str) -> float | None:
        cronjob = self.ctx.cache.get("CronJob", key)
        if cronjob is None:
            return None
        jobs = self.ctx.cache.informer("Job").by_index(owners.CONTROLLER_INDEX, cronjob["metadata"]["uid"])
        status = clone(cronjob.get("status") or {})
        requeue = CronJobSync(self, cronjob, status, jobs).run()
        if status != (cronjob.get("status") or {}):
            self.ctx.client.update_status("CronJob", {**cronjob, "status": status})
        return requeue

    def wall(self, seconds: float) -> datetime:
        return self.ctx.clock.wall_time(seconds)

    def seconds(self, moment: datetime) -> float:
        return moment.timestamp() - self.ctx.clock.epoch

    def event(self, cronjob: dict, event_type: str, reason: str, message: str) -> None:
        explanation = EXPLANATIONS[reason]
        self.ctx.events.record(cronjob, event_type, reason, message, self.name, explanation=explanation)


class CronJobSync:
    """One syncCronJob plus cleanupFinishedJobs, changing `status` in place; returns when to look again."""

    def __init__(self, controller: CronJobController, cronjob: dict, status: dict, jobs: list[dict]):
        self.controller, self.cronjob, self.status, self.jobs = controller, cronjob, status, jobs
        self.ctx = controller.ctx
        self.spec = cronjob["spec"]

    def run(self) -> float | None:
        self._account_for_jobs()
        requeue = None if self.cronjob["metadata"].get("deletionTimestamp") else self._schedule()
        if not self.cronjob["metadata"].get("deletionTimestamp"):
            self._clean_up_finished()
        return requeue

    # ---- the jobs it owns -----------------------------------------------------------------------------
    def _active_uids(self) -> set:
        return {reference.get("uid") for reference in self.status.get("active") or []}

    def _remove_active(self, uid: str) -> None:
        remaining = [reference for reference in self.status.get("active") or [] if reference.get("uid") != uid]
        if remaining:
            self.status["active"] = remaining
        else:
            self.status.pop("active", None)

    def _account_for_jobs(self) -> None:
        controller, cronjob = self.controller, self.cronjob
        for job in self.jobs:
            uid = job["metadata"]["uid"]
            found = uid in self._active_uids()
            if not found and not is_finished(job):
                controller.event(
                    cronjob,
                    "Warning",
                    "UnexpectedJob",
                    f"Saw a job that the controller did not create or forgot: {job['metadata']['name']}",
                )
            elif is_finished(job):
                if found:
                    condition = "Complete" if has_condition(job, "Complete") else "Failed"
                    self._remove_active(uid)
                    controller.event(
                        cronjob,
                        "Normal",
                        "SawCompletedJob",
                        f"Saw completed job: {job['metadata']['name']}, condition: {condition}",
                    )
                completed = (job.get("status") or {}).get("completionTime")
                if has_condition(job, "Complete") and completed:
                    last = self.status.get("lastSuccessfulTime")
                    if last is None or self.ctx.clock.seconds_since_epoch(
                        completed
                    ) > self.ctx.clock.seconds_since_epoch(last):
                        self.status["lastSuccessfulTime"] = completed
        children = {job["metadata"]["uid"] for job in self.jobs}
        for reference in list(self.status.get("active") or []):
            if reference.get("uid") in children:
                continue
            try:
                self.ctx.client.get("Job", reference.get("namespace"), reference.get("name"))
            except ApiError as error:
                if error.code != 404:
                    raise
                controller.event(cronjob, "Normal", "MissingJob", f"Active job went missing: {reference.get('name')}")
                self._remove_active(reference.get("uid"))

    # ---- the schedule ---------------------------------------------------------------------------------
    def _schedule(self) -> float | None:
        controller, cronjob, spec = self.controller, self.cronjob, self.spec
        try:
            zone = time_zone(cronjob)
        except (ZoneInfoNotFoundError, ValueError) as error:
            controller.event(
                cronjob, "Warning", "UnknownTimeZone", f'invalid timeZone: "{spec.get("timeZone")}": {error}'
            )
            return None
        if spec.get("suspend"):
            return None
        try:
            schedule = cron.parse(spec.get("schedule", ""))
        except cron.ScheduleError as error:
            controller.event(
                cronjob, "Warning", "UnparseableSchedule", f'unparseable schedule: "{spec.get("schedule")}" : {error}'
            )
            return None
        now = self.ctx.clock.now
        scheduled = self._most_recent(schedule, zone, now, with_deadline=True)
        if scheduled is None:
            return self._until_next(schedule, zone, now)
        deadline = spec.get("startingDeadlineSeconds")
        if deadline is not None and controller.seconds(scheduled) + deadline < now:
            controller.event(
                cronjob,
                "Warning",
                "MissSchedule",
                f"Missed scheduled time to start a job: {scheduled.astimezone(UTC).strftime('%a, %d %b %Y %H:%M:%S +0000')}",
            )
            return self._until_next(schedule, zone, now)
        name = job_name(cronjob, scheduled)
        last = self.status.get("lastScheduleTime")
        active_names = {reference.get("name") for reference in self.status.get("active") or []}
        if name in active_names or (last and self.ctx.clock.seconds_since_epoch(last) == controller.seconds(scheduled)):
            return self._until_next(schedule, zone, now)
        policy = spec.get("concurrencyPolicy", "Allow")
        if policy == "Forbid" and self.status.get("active"):
            controller.event(
                cronjob,
                "Normal",
                "JobAlreadyActive",
                "Not starting job because prior execution is running and concurrency policy is Forbid",
            )
            return self._until_next(schedule, zone, now)
        if policy == "Replace":
            for reference in list(self.status.get("active") or []):
                self._delete_job(reference.get("namespace"), reference.get("name"), reference.get("uid"))
        job = self._create_job(scheduled, zone, name)
        if job is None:
            return None
        reference = {
            "kind": "Job",
            "namespace": job["metadata"]["namespace"],
            "name": job["metadata"]["name"],
            "uid": job["metadata"]["uid"],
            "apiVersion": "batch/v1",
            "resourceVersion": job["metadata"]["resourceVersion"],
        }
        self.status["active"] = [*(self.status.get("active") or []), reference]
        self.status["lastScheduleTime"] = self.ctx.clock.timestamp(controller.seconds(scheduled))
        return self._until_next(schedule, zone, now)

    def _earliest(self) -> float:
        last = self.status.get("lastScheduleTime") or self.cronjob["metadata"]["creationTimestamp"]
        return self.ctx.clock.seconds_since_epoch(last)

    def _most_recent(self, schedule, zone, now: float, with_deadline: bool) -> datetime | None:
        """upstream mostRecentScheduleTime: the latest scheduled time in (earliest, now], where earliest is the last
        scheduled time (or creation) and, with a starting deadline, no earlier than now minus the deadline."""
        earliest = self._earliest()
        deadline = self.spec.get("startingDeadlineSeconds")
        if with_deadline and deadline is not None:
            earliest = max(earliest, now - deadline)
        moment = self.controller.wall(earliest).astimezone(zone)
        most_recent, missed = None, 0
        while True:
            moment = schedule.next_after(moment)
            if moment is None or self.controller.seconds(moment) > now:
                break
            most_recent, missed = moment, missed + 1
        if missed > MANY_MISSED and with_deadline:
            self.controller.event(
                self.cronjob,
                "Warning",
                "TooManyMissedTimes",
                "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew",
            )
        return most_recent

    def _until_next(self, schedule, zone, now: float) -> float | None:
        """upstream nextScheduleTimeDuration: from the most recent scheduled time (or the earliest), the next one."""
        start = self._most_recent(schedule, zone, now, with_deadline=False)
        if start is None:
            start = self.controller.wall(self._earliest()).astimezone(zone)
        following = schedule.next_after(start)
        if following is None:
            return None
        return max(0.0, self.controller.seconds(following) + NEXT_SCHEDULE_DELTA - now)

    def _create_job(self, scheduled: datetime, zone, name: str) -> dict | None:
        """upstream getJobFromTemplate2: the template's labels and annotations, the scheduled time as an annotation
        in the CronJob's zone, the CronJob as controller."""
        controller, cronjob = self.controller, self.cronjob
        template = self.spec.get("jobTemplate") or {}
        template_meta = template.get("metadata") or {}
        annotations = dict(template_meta.get("annotations") or {})
        annotations[SCHEDULED_TIMESTAMP] = scheduled.astimezone(zone).isoformat().replace("+00:00", "Z")
        job = {
            "apiVersion": "batch/v1",
            "kind": "Job",
            "metadata": {
                "name": name,
                "namespace": cronjob["metadata"]["namespace"],
                "labels": dict(template_meta.get("labels") or {}),
                "annotations": annotations,
                "ownerReferences": [owners.new_controller_ref(cronjob)],
            },
            "spec": clone(template.get("spec") or {}),
        }
        if not job["metadata"]["labels"]:
            del job["metadata"]["labels"]
        try:
            created = self.ctx.client.create("Job", job)
        except ApiError as error:
            if error.code != 409:
                controller.event(cronjob, "Warning", "FailedCreate", f"Error creating job: {error.message}")
                raise
            existing = self.ctx.client.get("Job", job["metadata"]["namespace"], name)
            owner = owners.controller_ref(existing)
            if not owner or owner.get("uid") != cronjob["metadata"]["uid"]:
                return None
            if existing["metadata"]["uid"] in self._active_uids():
                return None
            return existing
        controller.event(cronjob, "Normal", "SuccessfulCreate", f"Created job {name}")
        return created

    def _delete_job(self, namespace: str, name: str, uid: str) -> bool:
        """upstream deleteJob: background deletion, then out of the active list."""
        try:
            self.ctx.client.delete("Job", namespace, name, propagation_policy="Background")
        except ApiError as error:
            self.controller.event(self.cronjob, "Warning", "FailedDelete", f"Deleted job: {error.message}")
            return False
        self._remove_active(uid)
        self.controller.event(self.cronjob, "Normal", "SuccessfulDelete", f"Deleted job {name}")
        return True

    # ---- history -----------------------------------------------------------------------------------
    def _clean_up_finished(self) -> None:
        """upstream cleanupFinishedJobs: keep the newest successfulJobsHistoryLimit Complete and
        failedJobsHistoryLimit Failed jobs, ordered by start time."""
        for condition, field in (("Complete", "successfulJobsHistoryLimit"), ("Failed", "failedJobsHistoryLimit")):
            limit = self.spec.get(field)
            if limit is None:
                continue
            finished = [job for job in self.jobs if is_finished(job) and _finished_as(job) == condition]
            excess = len(finished) - limit
            if excess <= 0:
                continue
            finished.sort(key=_start_order)
            for job in finished[:excess]:
                self._delete_job(job["metadata"]["namespace"], job["metadata"]["name"], job["metadata"]["uid"])


def _finished_as(job: dict) -> str:
    return "Complete" if has_condition(job, "Complete") else "Failed"


def _start_order(job: dict) -> tuple:
    """upstream byJobStartTime: jobs without a start time last, then by start time, then by name."""
    started = (job.get("status") or {}).get("startTime")
    return (started is None, started or "", job["metadata"]["name"])
