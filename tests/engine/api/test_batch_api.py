"""Jobs and CronJobs through the API server: upstream's defaults, the generated selector, and validation refusals
worded as pkg/apis/batch/validation words them, leaving storage untouched."""

import pytest

from cluster_engine.api.errors import ApiError

from .conftest import snapshot
from .manifests import cron_job, job


def refused(server, kind: str, body: dict, update: bool = False) -> ApiError:
    before = snapshot(server.storage)
    with pytest.raises(ApiError) as error:
        (server.update if update else server.create)(kind, body)
    assert snapshot(server.storage) == before
    assert error.value.code == 422
    return error.value


def test_job_defaults_and_generated_selector(server):
    created = server.create("Job", job())
    spec, uid = created["spec"], created["metadata"]["uid"]
    assert {key: spec[key] for key in ("completions", "parallelism", "backoffLimit", "completionMode")} == {
        "completions": 1,
        "parallelism": 1,
        "backoffLimit": 6,
        "completionMode": "NonIndexed",
    }
    assert (spec["suspend"], spec["manualSelector"], spec["podReplacementPolicy"]) == (
        False,
        False,
        "TerminatingOrFailed",
    )
    assert spec["selector"] == {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}}
    labels = spec["template"]["metadata"]["labels"]
    assert labels["batch.kubernetes.io/controller-uid"] == labels["controller-uid"] == uid
    assert labels["batch.kubernetes.io/job-name"] == labels["job-name"] == "pi"
    assert created["status"] == {}


def test_only_parallelism_given_leaves_completions_unset(server):
    spec = server.create("Job", job(parallelism=3))["spec"]
    assert "completions" not in spec and spec["parallelism"] == 3


def test_a_pod_failure_policy_defaults_replacement_to_failed_and_condition_status_to_true(server):
    policy = {"rules": [{"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget"}]}]}
    body = job(podFailurePolicy=policy)
    spec = server.create("Job", body)["spec"]
    assert spec["podReplacementPolicy"] == "Failed"
    assert spec["podFailurePolicy"]["rules"][0]["onPodConditions"] == [{"type": "DisruptionTarget", "status": "True"}]


def test_a_job_template_must_not_restart_always(server):
    body = job()
    body["spec"]["template"]["spec"]["restartPolicy"] = "Always"
    error = refused(server, "Job", body)
    assert error.message == (
        'Job.batch "pi" is invalid: spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"'
    )


def test_a_pod_failure_policy_needs_restart_policy_never(server):
    body = job(podFailurePolicy={"rules": [{"action": "FailJob", "onExitCodes": {"operator": "In", "values": [1]}}]})
    body["spec"]["template"]["spec"]["restartPolicy"] = "OnFailure"
    error = refused(server, "Job", body)
    assert error.message == (
        'Job.batch "pi" is invalid: spec.template.spec.restartPolicy: Invalid value: "OnFailure": '
        'only "Never" is supported when podFailurePolicy is specified'
    )


def test_negative_counts_are_refused(server):
    error = refused(server, "Job", job(backoffLimit=-1))
    assert (
        error.message
        == 'Job.batch "pi" is invalid: spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0'
    )


def test_a_manual_selector_that_does_not_match_the_template_is_refused(server):
    body = job(manualSelector=True, selector={"matchLabels": {"app": "other"}})
    error = refused(server, "Job", body)
    assert "spec.template.metadata.labels" in error.message
    assert "`selector` does not match template `labels`" in error.message


def test_job_template_and_selector_are_immutable(server):
    created = server.create("Job", job())
    changed = {**created, "spec": {**created["spec"], "completions": 4}}
    error = refused(server, "Job", changed, update=True)
    assert error.message == 'Job.batch "pi" is invalid: spec.completions: Invalid value: 4: field is immutable'
    parallel = server.update("Job", {**created, "spec": {**created["spec"], "parallelism": 4}})
    assert parallel["spec"]["parallelism"] == 4


def test_cronjob_defaults(server):
    spec = server.create("CronJob", cron_job())["spec"]
    assert {key: spec[key] for key in ("concurrencyPolicy", "suspend", "successfulJobsHistoryLimit")} == {
        "concurrencyPolicy": "Allow",
        "suspend": False,
        "successfulJobsHistoryLimit": 3,
    }
    assert spec["failedJobsHistoryLimit"] == 1
    assert "backoffLimit" not in spec["jobTemplate"]["spec"]  # a job template is not a Job: no Job defaults


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        ("* * *", 'spec.schedule: Invalid value: "* * *": expected exactly 5 fields, found 3: [* * *]'),
        ("@fortnightly", 'spec.schedule: Invalid value: "@fortnightly": unrecognized descriptor: @fortnightly'),
        ("61 * * * *", 'spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61'),
        (
            "TZ=UTC * * * * *",
            'spec.schedule: Invalid value: "TZ=UTC * * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone '
            "field instead",
        ),
    ],
)
def test_unparseable_schedules_are_refused(server, schedule, message):
    error = refused(server, "CronJob", cron_job(schedule=schedule))
    assert error.message == f'CronJob.batch "report" is invalid: {message}'


def test_an_unknown_time_zone_is_refused(server):
    body = cron_job()
    body["spec"]["timeZone"] = "Mars/Olympus"
    error = refused(server, "CronJob", body)
    assert error.message == (
        'CronJob.batch "report" is invalid: spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus'
    )


def test_a_template_label_that_contradicts_the_generated_one_is_refused(server):
    body = job()
    body["spec"]["template"]["metadata"]["labels"]["job-name"] = "other"
    error = refused(server, "Job", body)
    assert "spec.template.metadata.labels[job-name]: Invalid value: " in error.message
    assert error.message.endswith("must be 'pi'")


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            {"backoffLimitPerIndex": 1},
            "spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode",
        ),
        (
            {"completionMode": "Indexed", "completions": 3, "backoffLimitPerIndex": 1, "maxFailedIndexes": 4},
            "spec.maxFailedIndexes: Invalid value: 4: must be less than or equal to completions",
        ),
        (
            {"completionMode": "Indexed", "completions": 3, "successPolicy": {"rules": []}},
            "spec.successPolicy.rules: Required value: at least one rules must be specified when the successPolicy "
            "is specified",
        ),
        (
            {"completionMode": "Indexed", "completions": 3, "successPolicy": {"rules": [{}, {"succeededCount": 4}]}},
            "[spec.successPolicy.rules[0]: Required value: at least one of succeededCount or succeededIndexes must be "
            "specified, spec.successPolicy.rules[1].succeededCount: Invalid value: 4: must be less than or equal to 3 "
            "(the number of specified completions)]",
        ),
    ],
)
def test_per_index_fields_and_success_policies_are_checked(server, spec, message):
    error = refused(server, "Job", job(**spec))
    assert error.message == 'Job.batch "pi" is invalid: ' + message
