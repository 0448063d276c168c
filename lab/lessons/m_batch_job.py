"""(m) A batch job that fails: back-off, the backoff limit, and a pod failure policy."""

from django.utils.translation import gettext_lazy as _

from .base import Checkpoint, ClusterState, Lesson, Question, Step


def batch_job(name: str, command: str, backoff_limit: int, failure_policy: dict | None = None) -> dict:
    """A Job whose one container runs `sh -c command` (the simulated kubelet honours its sleep and exit)."""
    spec = {
        "backoffLimit": backoff_limit,
        "template": {
            "metadata": {"labels": {"app": name}},
            "spec": {
                "restartPolicy": "Never",
                "containers": [{"name": "main", "image": "busybox:1.36", "command": ["sh", "-c", command]}],
            },
        },
    }
    if failure_policy:
        spec["podFailurePolicy"] = failure_policy
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name, "namespace": "default"}, "spec": spec}


REPORT = batch_job("report", "echo report; sleep 20", backoff_limit=6)
FLAKY = batch_job("flaky", "sleep 5; exit 1", backoff_limit=3)
# exit code 42 means "bad input": retrying cannot help, so the first such failure fails the Job
STRICT = batch_job(
    "strict",
    "sleep 5; exit 42",
    backoff_limit=6,
    failure_policy={
        "rules": [{"action": "FailJob", "onExitCodes": {"containerName": "main", "operator": "In", "values": [42]}}]
    },
)


def finished_as(state: ClusterState, name: str, condition_type: str, reason: str = "") -> bool:
    job = state.get("Job", name)
    if job is None:
        return False
    return any(
        condition.get("type") == condition_type
        and condition.get("status") == "True"
        and (not reason or condition.get("reason") == reason)
        for condition in (job.get("status") or {}).get("conditions") or []
    )


def report_complete(state: ClusterState) -> bool:
    return finished_as(state, "report", "Complete")


def flaky_gave_up(state: ClusterState) -> bool:
    return finished_as(state, "flaky", "Failed", "BackoffLimitExceeded")


def strict_failed_at_once(state: ClusterState) -> bool:
    return finished_as(state, "strict", "Failed", "PodFailurePolicy")


LESSON = Lesson(
    slug="batch-job",
    title=_("A batch job that fails"),
    summary=_("Jobs run pods to completion, retry failures with a growing back-off, and know when to give up."),
    steps=(
        Step(
            title=_("A Job runs a pod to completion"),
            narration=_(
                "A Deployment keeps pods running forever. A Job runs pods until enough of them succeed, then stops: "
                "its pods have restartPolicy Never or OnFailure. This action creates the Job report, whose container "
                "prints a line and exits with code 0 after 20 seconds."
            ),
            action={"action": "apply", "objects": [REPORT]},
            action_label=_("Create the Job report"),
            question=Question(
                prompt=_("When report's container exits with code 0, what happens to its pod?"),
                choices=(
                    ("restart", _("The kubelet restarts the container")),
                    ("succeeded", _("The pod ends as Succeeded and the Job is Complete")),
                    ("deleted", _("The pod is deleted at once")),
                ),
                answer="succeeded",
                why=_(
                    "With restartPolicy Never the pod ends in phase Succeeded and stays, so you can read its logs. "
                    "The Job counts it and, with one completion asked for, becomes Complete."
                ),
            ),
            checkpoint=Checkpoint(
                goal=_("Create the Job report and wait until it is Complete."), check=report_complete
            ),
        ),
        Step(
            title=_("A Job whose pods fail"),
            narration=_(
                "The Job flaky runs a command that exits with code 1 after 5 seconds. The pod fails; the Job counts "
                "the failure and creates a new pod, but not at once: it waits 10 seconds after the first failure, "
                "20 after the second, 40 after the third, doubling up to 10 minutes."
            ),
            action={"action": "apply", "objects": [FLAKY]},
            action_label=_("Create the Job flaky"),
            question=Question(
                prompt=_("After flaky's second pod fails, how long until the third pod is created?"),
                choices=(("0s", _("At once")), ("10s", _("10 seconds")), ("20s", _("20 seconds"))),
                answer="20s",
                why=_(
                    "The Job controller's back-off starts at 10 seconds and doubles with each failure since the last "
                    "success: the second failure means a 20-second wait."
                ),
            ),
        ),
        Step(
            title=_("The backoff limit"),
            narration=_(
                "A Job does not retry forever. flaky has backoffLimit 3: once more pods have failed than that, the Job "
                "stops, deletes any pod still running and gets the condition Failed with reason "
                "BackoffLimitExceeded."
            ),
            question=Question(
                prompt=_("With backoffLimit 3, how many of flaky's pods fail before the Job is marked Failed?"),
                choices=(("3", _("3 pods")), ("4", _("4 pods")), ("6", _("6 pods"))),
                answer="4",
                why=_("The Job fails when its failed count goes past the limit: the fourth failure, 3 + 1."),
            ),
            checkpoint=Checkpoint(
                goal=_("Create the Job flaky and wait until it fails with reason BackoffLimitExceeded."),
                check=flaky_gave_up,
            ),
        ),
        Step(
            title=_("A pod failure policy"),
            narration=_(
                "Some failures are not worth retrying: a program that exits with code 42 for bad input will fail "
                "again. The Job strict has a podFailurePolicy rule: exit code 42 in container main fails the whole "
                "Job at once, whatever its backoffLimit (6 here)."
            ),
            action={"action": "apply", "objects": [STRICT]},
            action_label=_("Create the Job strict"),
            question=Question(
                prompt=_("How many pods will strict create?"),
                choices=(("1", _("1 pod")), ("6", _("6 pods")), ("7", _("7 pods"))),
                answer="1",
                why=_(
                    "The first pod exits with 42, which matches the FailJob rule: the Job fails with reason "
                    "PodFailurePolicy and starts no other pod. Other rules can Ignore a failure (a node drained) or "
                    "Count it as usual."
                ),
            ),
            checkpoint=Checkpoint(
                goal=_("Create the Job strict and wait until it fails with reason PodFailurePolicy."),
                check=strict_failed_at_once,
            ),
        ),
    ),
)
