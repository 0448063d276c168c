"""Jobs and CronJobs with the real kubectl: create, wait for completion, read logs and the table, watch a CronJob
fire on the simulated clock, and start a run by hand with `kubectl create job --from=cronjob/...`."""

import json

import pytest
from kubernetes import client, watch
from kubernetes.client.rest import ApiException

from .test_kubectl import rows

PI_JOB = """\
apiVersion: batch/v1
kind: Job
metadata:
  name: pi
spec:
  template:
    spec:
      containers:
      - name: pi
        image: perl:5.34.0
        command: ["sh", "-c", "sleep 20"]
      restartPolicy: Never
  backoffLimit: 4
"""

REPORT_CRONJOB = """\
apiVersion: batch/v1
kind: CronJob
metadata:
  name: report
spec:
  schedule: "* * * * *"
  jobTemplate:
    metadata:
      labels:
        app: report
    spec:
      template:
        spec:
          containers:
          - name: report
            image: busybox:1.36
            command: ["sh", "-c", "echo report; sleep 10"]
          restartPolicy: OnFailure
"""


def ok(done) -> str:
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_job_runs_to_completion(kubectl):
    assert ok(kubectl("create", "-f", "-", stdin=PI_JOB)).strip() == "job.batch/pi created"
    running = rows(ok(kubectl("get", "jobs", "pi")))
    assert running[0] == ["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"]
    assert running[1][:3] == ["pi", "Running", "0/1"]
    assert ok(kubectl("wait", "--for=condition=complete", "job/pi", "--timeout=90s")).strip() == (
        "job.batch/pi condition met"
    )
    done = rows(ok(kubectl("get", "jobs", "pi", "-o", "wide")))
    assert done[0] == ["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"]
    assert done[1][:3] == ["pi", "Complete", "1/1"]
    assert done[1][5:7] == ["pi", "perl:5.34.0"]
    assert done[1][7].startswith("batch.kubernetes.io/controller-uid=")
    job = json.loads(ok(kubectl("get", "job", "pi", "-o", "json")))
    assert job["spec"]["backoffLimit"] == 4 and job["spec"]["completionMode"] == "NonIndexed"
    assert job["status"]["succeeded"] == 1
    assert [c["type"] for c in job["status"]["conditions"]] == ["SuccessCriteriaMet", "Complete"]
    assert "starting perl:5.34.0" in ok(kubectl("logs", "job/pi"))
    pods = json.loads(ok(kubectl("get", "pods", "-l", "batch.kubernetes.io/job-name=pi", "-o", "json")))["items"]
    assert [pod["status"]["phase"] for pod in pods] == ["Succeeded"]
    assert not pods[0]["metadata"].get("finalizers")  # the job-tracking finalizer is gone once counted
    events = ok(kubectl("get", "events", "--field-selector", "involvedObject.name=pi", "-o", "json"))
    reasons = [event["reason"] for event in json.loads(events)["items"]]
    assert "SuccessfulCreate" in reasons and "Completed" in reasons
    assert ok(kubectl("delete", "job", "pi")).startswith('job.batch "pi" deleted')


def test_a_failing_job_reaches_its_backoff_limit(kubectl):
    created = kubectl("create", "job", "fail", "--image=busybox:1.36", "--", "sh", "-c", "exit 1")
    assert ok(created).strip() == "job.batch/fail created"
    ok(kubectl("patch", "job", "fail", "--type=merge", "-p", '{"spec":{"backoffLimit":1}}'))
    waited = kubectl("wait", "--for=condition=failed", "job/fail", "--timeout=90s")
    assert ok(waited).strip() == "job.batch/fail condition met"
    job = json.loads(ok(kubectl("get", "job", "fail", "-o", "json")))
    failed = [c for c in job["status"]["conditions"] if c["type"] == "Failed"][0]
    assert (failed["reason"], failed["message"]) == (
        "BackoffLimitExceeded",
        "Job has reached the specified backoff limit",
    )
    assert job["status"]["failed"] == 2
    assert rows(ok(kubectl("get", "job", "fail")))[1][:3] == ["fail", "Failed", "0/1"]


def test_a_cronjob_fires_on_the_simulated_clock_and_runs_by_hand(kubectl):
    assert ok(kubectl("create", "-f", "-", stdin=REPORT_CRONJOB)).strip() == "cronjob.batch/report created"
    table = rows(ok(kubectl("get", "cronjobs")))
    assert table[0] == ["NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST", "SCHEDULE", "AGE"]
    row = [cells for cells in table if cells[0] == "report"][0]
    assert row[1:8] == ["*", "*", "*", "*", "*", "<none>", "False"]
    waited = kubectl("wait", "--for=jsonpath={.status.lastSuccessfulTime}", "cronjob/report", "--timeout=90s")
    ok(waited)
    cronjob = json.loads(ok(kubectl("get", "cronjob", "report", "-o", "json")))
    scheduled = cronjob["status"]["lastScheduleTime"]
    jobs = json.loads(ok(kubectl("get", "jobs", "-l", "app=report", "-o", "json")))["items"]
    names = {job["metadata"]["name"] for job in jobs}
    assert all(name.startswith("report-") and name.removeprefix("report-").isdigit() for name in names)
    assert all(job["metadata"]["ownerReferences"][0]["name"] == "report" for job in jobs)
    assert scheduled.endswith(":00Z")

    manual = kubectl("create", "job", "report-by-hand", "--from=cronjob/report")
    assert ok(manual).strip() == "job.batch/report-by-hand created"
    ok(kubectl("wait", "--for=condition=complete", "job/report-by-hand", "--timeout=90s"))
    job = json.loads(ok(kubectl("get", "job", "report-by-hand", "-o", "json")))
    assert job["metadata"]["annotations"]["cronjob.kubernetes.io/instantiate"] == "manual"
    assert job["metadata"]["ownerReferences"][0]["kind"] == "CronJob"
    assert job["metadata"]["labels"]["app"] == "report"
    assert "echo report" in " ".join(job["spec"]["template"]["spec"]["containers"][0]["command"])
    ok(kubectl("patch", "cronjob", "report", "--type=merge", "-p", '{"spec":{"suspend":true}}'))
    described = ok(kubectl("describe", "cronjob", "report"))
    assert "SuccessfulCreate" in described and "SawCompletedJob" in described
    ok(kubectl("delete", "cronjob", "report"))


def test_the_python_client_reads_a_job_it_created_and_is_refused_an_invalid_one(api_client):
    batch = client.BatchV1Api(api_client)
    body = {
        "metadata": {"name": "pyjob"},
        "spec": {
            "template": {
                "spec": {
                    "restartPolicy": "Never",
                    "containers": [{"name": "main", "image": "busybox:1.36", "command": ["sh", "-c", "sleep 3"]}],
                }
            }
        },
    }
    created = batch.create_namespaced_job("default", body)
    assert (created.spec.completions, created.spec.backoff_limit, created.spec.pod_replacement_policy) == (
        1,
        6,
        "TerminatingOrFailed",
    )
    stream = watch.Watch().stream(
        batch.list_namespaced_job, "default", field_selector="metadata.name=pyjob", timeout_seconds=60
    )
    for event in stream:
        conditions = event["object"].status.conditions or []
        if any(c.type == "Complete" and c.status == "True" for c in conditions):
            break
    finished = batch.read_namespaced_job("pyjob", "default")
    assert finished.status.succeeded == 1 and finished.status.completion_time is not None
    body["metadata"]["name"] = "always"
    body["spec"]["template"]["spec"]["restartPolicy"] = "Always"
    with pytest.raises(ApiException) as refused:
        batch.create_namespaced_job("default", body)
    assert refused.value.status == 422
    assert json.loads(refused.value.body)["details"]["causes"] == [
        {
            "reason": "FieldValueRequired",
            "message": 'Required value: valid values: "OnFailure", "Never"',
            "field": "spec.template.spec.restartPolicy",
        }
    ]
    batch.delete_namespaced_job("pyjob", "default", propagation_policy="Background")
