"""The CronJob controller on the simulated clock: cases from upstream's cronjob_controllerv2_test.go where they apply
(a run per schedule, concurrency policies, starting deadline, history limits, time zones)."""

from tests.engine.nodes.cluster import step_until

from .cluster import batch_cluster, condition, job_events, pod_template

FIVE_MINUTES = 300
# upstream requeues 100 ms after a scheduled time, so a run's Job exists a moment after it
MOMENT = 1


def cronjob_manifest(name: str = "report", schedule: str = "*/5 * * * *", template: dict | None = None, **spec) -> dict:
    return {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "schedule": schedule,
            "jobTemplate": {"metadata": {"labels": {"app": name}}, "spec": {"template": template or pod_template()}},
            **spec,
        },
    }


def cronjob(sim, name: str = "report") -> dict:
    return sim.get("CronJob", f"default/{name}")


def jobs(sim) -> list[dict]:
    return sorted(sim.objects("Job", "default"), key=lambda job: job["metadata"]["name"])


def minutes(seconds: float, sim) -> int:
    return int(sim.clock.epoch + seconds) // 60


def test_a_job_is_created_when_the_schedule_comes_round_and_named_for_its_minute():
    sim = batch_cluster()
    sim.operator.create("CronJob", cronjob_manifest())
    sim.run_for(FIVE_MINUTES - MOMENT)
    assert jobs(sim) == []
    sim.run_for(2 * MOMENT)
    [job] = jobs(sim)
    assert job["metadata"]["name"] == f"report-{minutes(FIVE_MINUTES, sim)}"
    assert job["metadata"]["labels"]["app"] == "report"
    assert job["metadata"]["annotations"]["batch.kubernetes.io/cronjob-scheduled-timestamp"] == "2026-01-01T00:05:00Z"
    assert job["metadata"]["ownerReferences"][0]["kind"] == "CronJob"
    status = cronjob(sim)["status"]
    assert status["lastScheduleTime"] == "2026-01-01T00:05:00Z"
    [active] = status["active"]
    assert (active["kind"], active["name"], active["uid"]) == ("Job", job["metadata"]["name"], job["metadata"]["uid"])
    assert job_events(sim, "CronJob") == [("SuccessfulCreate", f"Created job {job['metadata']['name']}")]


def test_a_finished_job_leaves_the_active_list_and_sets_last_successful_time():
    sim = batch_cluster()
    sim.operator.create("CronJob", cronjob_manifest())
    sim.run_for(FIVE_MINUTES + MOMENT)
    [job] = jobs(sim)
    step_until(sim, lambda: "active" not in cronjob(sim)["status"])
    finished = sim.get("Job", f"default/{job['metadata']['name']}")
    assert cronjob(sim)["status"]["lastSuccessfulTime"] == finished["status"]["completionTime"]
    assert job_events(sim, "CronJob")[-1] == (
        "SawCompletedJob",
        f"Saw completed job: {job['metadata']['name']}, condition: Complete",
    )


def test_forbid_skips_a_run_while_the_previous_job_is_still_active():
    sim = batch_cluster()
    sim.operator.create(
        "CronJob", cronjob_manifest(template=pod_template(run_seconds=3600), concurrencyPolicy="Forbid")
    )
    sim.run_for(2 * FIVE_MINUTES + MOMENT)
    assert len(jobs(sim)) == 1
    assert job_events(sim, "CronJob")[-1] == (
        "JobAlreadyActive",
        "Not starting job because prior execution is running and concurrency policy is Forbid",
    )


def test_allow_runs_jobs_side_by_side_and_replace_deletes_the_running_one():
    allow = batch_cluster()
    allow.operator.create("CronJob", cronjob_manifest(template=pod_template(run_seconds=3600)))
    allow.run_for(2 * FIVE_MINUTES + MOMENT)
    assert len(jobs(allow)) == 2 and len(cronjob(allow)["status"]["active"]) == 2
    replace = batch_cluster()
    replace.operator.create(
        "CronJob", cronjob_manifest(template=pod_template(run_seconds=3600), concurrencyPolicy="Replace")
    )
    replace.run_for(FIVE_MINUTES + MOMENT)
    [first] = jobs(replace)
    replace.run_for(FIVE_MINUTES)
    names = [job["metadata"]["name"] for job in jobs(replace) if not job["metadata"].get("deletionTimestamp")]
    assert names == [f"report-{minutes(2 * FIVE_MINUTES, replace)}"]
    [active] = cronjob(replace)["status"]["active"]
    assert active["name"] == names[0]
    reasons = job_events(replace, "CronJob")
    assert ("SuccessfulDelete", f"Deleted job {first['metadata']['name']}") in reasons


def test_a_run_seen_after_its_starting_deadline_is_missed():
    sim = batch_cluster()
    sim.operator.create("CronJob", cronjob_manifest(suspend=True, startingDeadlineSeconds=10))
    sim.run_for(FIVE_MINUTES + 60)
    sim.operator.patch("CronJob", "default", "report", {"spec": {"suspend": False}})
    sim.run_for(0)
    assert jobs(sim) == []
    sim.run_for(FIVE_MINUTES)
    assert [job["metadata"]["name"] for job in jobs(sim)] == [f"report-{minutes(2 * FIVE_MINUTES, sim)}"]


def test_without_a_deadline_a_late_run_still_starts_once():
    sim = batch_cluster()
    sim.operator.create("CronJob", cronjob_manifest(suspend=True))
    sim.run_for(3 * FIVE_MINUTES + 60)
    sim.operator.patch("CronJob", "default", "report", {"spec": {"suspend": False}})
    sim.run_for(0)
    assert [job["metadata"]["name"] for job in jobs(sim)] == [f"report-{minutes(3 * FIVE_MINUTES, sim)}"]


def test_history_limits_keep_the_newest_finished_jobs():
    sim = batch_cluster()
    sim.operator.create("CronJob", cronjob_manifest(schedule="* * * * *", successfulJobsHistoryLimit=2))
    sim.run_for(6 * 60 + 30)
    finished = [job for job in jobs(sim) if condition(job, "Complete") and not job["metadata"].get("deletionTimestamp")]
    assert [job["metadata"]["name"] for job in finished] == [
        f"report-{minutes(5 * 60, sim)}",
        f"report-{minutes(6 * 60, sim)}",
    ]
    assert any(reason == "SuccessfulDelete" for reason, _ in job_events(sim, "CronJob"))


def test_the_schedule_is_read_in_the_cronjobs_time_zone():
    """09:00 in Tokyo is 00:00 UTC: the first run of "0 9 * * *" is at the simulated clock's midnight next day."""
    sim = batch_cluster()
    sim.operator.create("CronJob", cronjob_manifest(schedule="0 9 * * *", timeZone="Asia/Tokyo"))
    sim.run_for(24 * 3600 - MOMENT)
    assert jobs(sim) == []
    sim.run_for(2 * MOMENT)
    [job] = jobs(sim)
    assert job["metadata"]["annotations"]["batch.kubernetes.io/cronjob-scheduled-timestamp"] == (
        "2026-01-02T09:00:00+09:00"
    )
    assert cronjob(sim)["status"]["lastScheduleTime"] == "2026-01-02T00:00:00Z"


def test_a_suspended_cronjob_creates_nothing():
    sim = batch_cluster()
    sim.operator.create("CronJob", cronjob_manifest(suspend=True))
    sim.run_for(3 * FIVE_MINUTES)
    assert jobs(sim) == []
