"""The pure rules behind the batch controllers, table-driven as upstream's backoff_utils_test.go,
pod_failure_policy_test.go and robfig/cron's parser tests."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from cluster_engine.api import cron
from cluster_engine.controllers import job_indexes
from cluster_engine.controllers.job_backoff import BackoffRecord, next_record, remaining_for
from cluster_engine.controllers.job_failure_policy import match
from cluster_engine.nodes import run_time


@pytest.mark.parametrize(
    ("failures", "elapsed", "remaining"),
    [
        (0, 0, 0),
        (1, 0, 10),
        (1, 4, 6),
        (1, 10, 0),
        (1, 11, 0),
        (2, 0, 20),
        (3, 5, 35),
        (6, 0, 320),
        (7, 0, 600),  # 640 s capped at MaxJobPodFailureBackOff
        (30, 100, 500),
    ],
)
def test_remaining_back_off(failures, elapsed, remaining):
    assert remaining_for(failures, 1000.0, 1000.0 + elapsed) == remaining


def test_a_success_resets_the_count_and_only_later_failures_count():
    record = next_record(BackoffRecord(), [], [5.0, 7.0])
    assert record == BackoffRecord(2, 7.0)
    assert next_record(record, [8.0], []) == BackoffRecord(0, None)
    assert next_record(record, [6.0], [5.5, 9.0, 12.0]) == BackoffRecord(2, 12.0)
    assert next_record(record, [], []) is record


def failed_pod(exit_code: int, container: str = "main", conditions: tuple = ()) -> dict:
    return {
        "metadata": {"name": "pi-abcde", "namespace": "default"},
        "status": {
            "phase": "Failed",
            "conditions": [{"type": kind, "status": "True"} for kind in conditions],
            "containerStatuses": [{"name": container, "state": {"terminated": {"exitCode": exit_code}}}],
        },
    }


@pytest.mark.parametrize(
    ("rules", "pod", "expected"),
    [
        ([], failed_pod(1), (None, True, None)),
        (
            [{"action": "FailJob", "onExitCodes": {"operator": "In", "values": [1, 2]}}],
            failed_pod(2),
            (
                "Container main for pod default/pi-abcde failed with exit code 2 matching FailJob rule at index 0",
                True,
                "FailJob",
            ),
        ),
        (
            [{"action": "FailJob", "onExitCodes": {"operator": "NotIn", "values": [1, 2]}}],
            failed_pod(2),
            (None, True, None),
        ),
        (
            [{"action": "Ignore", "onExitCodes": {"operator": "NotIn", "values": [1]}}],
            failed_pod(5),
            (None, False, "Ignore"),
        ),
        (
            [{"action": "FailJob", "onExitCodes": {"containerName": "other", "operator": "In", "values": [5]}}],
            failed_pod(5),
            (None, True, None),
        ),
        ([{"action": "Count", "onExitCodes": {"operator": "In", "values": [5]}}], failed_pod(5), (None, True, "Count")),
        (
            [{"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget", "status": "True"}]}],
            failed_pod(137, conditions=("DisruptionTarget",)),
            (None, False, "Ignore"),
        ),
        (
            [
                {"action": "Count", "onExitCodes": {"operator": "In", "values": [9]}},
                {"action": "FailJob", "onPodConditions": [{"type": "DisruptionTarget", "status": "True"}]},
            ],
            failed_pod(137, conditions=("DisruptionTarget",)),
            ("Pod default/pi-abcde has condition DisruptionTarget matching FailJob rule at index 1", True, "FailJob"),
        ),
        (
            [{"action": "FailJob", "onExitCodes": {"operator": "NotIn", "values": [1]}}],
            failed_pod(0),
            (None, True, None),
        ),
    ],
)
def test_pod_failure_policy_rules(rules, pod, expected):
    assert match({"rules": rules}, pod) == expected


def test_completed_indexes_round_trip():
    assert job_indexes.parse("0-2,5,7-8", 8) == {0, 1, 2, 5, 7}
    assert job_indexes.render({0, 1, 2, 5, 7, 8}) == "0-2,5,7-8"
    assert job_indexes.render(set()) == ""


AT = datetime(2026, 1, 1, 0, 3, tzinfo=UTC)  # a Thursday


@pytest.mark.parametrize(
    ("schedule", "after", "expected"),
    [
        ("*/5 * * * *", AT, datetime(2026, 1, 1, 0, 5, tzinfo=UTC)),
        ("@hourly", AT, datetime(2026, 1, 1, 1, 0, tzinfo=UTC)),
        ("@daily", AT, datetime(2026, 1, 2, 0, 0, tzinfo=UTC)),
        ("@weekly", AT, datetime(2026, 1, 4, 0, 0, tzinfo=UTC)),
        ("@monthly", AT, datetime(2026, 2, 1, 0, 0, tzinfo=UTC)),
        ("@yearly", AT, datetime(2027, 1, 1, 0, 0, tzinfo=UTC)),
        ("30 9 * * mon-fri", AT, datetime(2026, 1, 1, 9, 30, tzinfo=UTC)),
        ("0 0 * * SAT,SUN", AT, datetime(2026, 1, 3, 0, 0, tzinfo=UTC)),
        ("0 12 15 * 1", AT, datetime(2026, 1, 5, 12, 0, tzinfo=UTC)),  # both days restricted: either matches
        ("0 12 15 * *", AT, datetime(2026, 1, 15, 12, 0, tzinfo=UTC)),
        ("0 0 29 feb *", AT, datetime(2028, 2, 29, 0, 0, tzinfo=UTC)),
        ("10-20/5 * * * *", AT, datetime(2026, 1, 1, 0, 10, tzinfo=UTC)),
        ("@every 90s", AT, datetime(2026, 1, 1, 0, 4, 30, tzinfo=UTC)),
        ("@every 1h30m", AT, datetime(2026, 1, 1, 1, 33, tzinfo=UTC)),
        ("0 9 * * *", AT.astimezone(ZoneInfo("Asia/Tokyo")), datetime(2026, 1, 2, 0, 0, tzinfo=UTC)),
    ],
)
def test_next_scheduled_time(schedule, after, expected):
    assert cron.parse(schedule).next_after(after) == expected


def test_a_date_that_never_comes_has_no_next_time():
    assert cron.parse("0 0 30 2 *").next_after(AT) is None


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        ("* * * *", "expected exactly 5 fields, found 4: [* * * *]"),
        ("@fortnightly", "unrecognized descriptor: @fortnightly"),
        ("@every 5 minutes", 'failed to parse duration @every 5 minutes: time: invalid duration "5 minutes"'),
        ("5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1"),
        ("* 24 * * *", "end of range (24) above maximum (23): 24"),
        ("* * 0 * *", "beginning of range (0) below minimum (1): 0"),
        ("x * * * *", 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'),
    ],
)
def test_schedule_errors(schedule, message):
    with pytest.raises(cron.ScheduleError) as error:
        cron.parse(schedule)
    assert str(error.value) == message


def batch_pod(restart: str = "Never", annotations: dict | None = None) -> dict:
    return {"metadata": {"annotations": annotations or {}}, "spec": {"restartPolicy": restart}}


@pytest.mark.parametrize(
    ("pod", "container", "seconds", "code"),
    [
        (batch_pod(restart="Always"), {"command": ["sleep", "10"]}, None, 0),  # a server runs until stopped
        (batch_pod(), {"command": ["sh", "-c", "sleep 20; exit 3"]}, 20.0, 3),
        (batch_pod(), {"command": ["sh"], "args": ["-c", "echo hi && sleep 1.5"]}, 1.5, 0),
        (batch_pod(), {"command": ["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"]}, 5.0, 0),
        (batch_pod(annotations={"kubelab.io/run-seconds": "7", "kubelab.io/exit-code": "2"}), {}, 7.0, 2),
        (batch_pod(restart="Always", annotations={"kubelab.io/run-seconds": "7"}), {"args": ["exit 4"]}, 7.0, 4),
    ],
)
def test_how_long_a_container_runs_and_how_it_exits(pod, container, seconds, code):
    assert (run_time.run_seconds(pod, container), run_time.exit_code(pod, container)) == (seconds, code)
