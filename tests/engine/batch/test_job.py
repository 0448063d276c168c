"""The Job controller on a running cluster: cases from upstream's job_controller_test.go tables where they apply
(completions and parallelism, back-off, deadline, pod failure policy, indexed completion, suspension, TTL)."""

from tests.engine.nodes.cluster import step_until

from .cluster import (
    batch_cluster,
    condition,
    event_times,
    job,
    job_events,
    job_manifest,
    job_pods,
    pod_template,
    until_condition,
)

TRACKING = "batch.kubernetes.io/job-tracking"


def test_a_job_runs_its_pod_to_completion_and_counts_it_through_the_tracking_finalizer():
    sim = batch_cluster()
    sim.operator.create("Job", job_manifest())
    sim.run_for(0)
    [pod] = job_pods(sim)
    assert pod["metadata"]["finalizers"] == [TRACKING]
    assert pod["metadata"]["generateName"] == "pi-"
    created = job(sim)
    assert created["status"]["active"] == 1
    assert created["status"]["uncountedTerminatedPods"] == {}
    until_condition(sim, "pi", "Complete")
    done = job(sim)
    status = done["status"]
    assert (status["succeeded"], status["active"], status.get("failed")) == (1, 0, None)
    assert status["uncountedTerminatedPods"] == {}
    assert [c["type"] for c in status["conditions"]] == ["SuccessCriteriaMet", "Complete"]
    assert status["completionTime"] == condition(done, "Complete")["lastTransitionTime"]
    [pod] = job_pods(sim)
    assert pod["status"]["phase"] == "Succeeded" and not pod["metadata"].get("finalizers")
    assert job_events(sim) == [
        ("SuccessfulCreate", f"Created pod: {pod['metadata']['name']}"),
        ("Completed", "Job completed"),
    ]


def test_completions_and_parallelism_bound_the_active_pods():
    sim = batch_cluster()
    sim.operator.create("Job", job_manifest(completions=5, parallelism=2))
    most_active = 0
    while condition(job(sim), "Complete") is None:
        most_active = max(most_active, job(sim)["status"].get("active", 0))
        assert sim.step() is not None
    assert most_active == 2
    assert job(sim)["status"]["succeeded"] == 5
    assert len(job_pods(sim)) == 5


def test_failed_pods_are_replaced_after_an_exponential_back_off_until_the_backoff_limit():
    """upstream: DefaultJobPodFailureBackOff 10 s doubling; backoffLimit 2 allows three failures' worth of pods."""
    sim = batch_cluster()
    sim.operator.create("Job", job_manifest(template=pod_template(exit_code=1), backoffLimit=2))
    until_condition(sim, "pi", "Failed")
    failed = job(sim)
    assert failed["status"]["failed"] == 3
    target, final = failed["status"]["conditions"]
    assert (target["type"], final["type"]) == ("FailureTarget", "Failed")
    assert final["reason"] == "BackoffLimitExceeded"
    assert final["message"] == "Job has reached the specified backoff limit"
    assert "completionTime" not in failed["status"]
    pods = sorted(job_pods(sim), key=lambda pod: pod["metadata"]["creationTimestamp"])
    finished = [
        sim.clock.seconds_since_epoch(pod["status"]["containerStatuses"][0]["state"]["terminated"]["finishedAt"])
        for pod in pods
    ]
    created = event_times(sim, "SuccessfulCreate")
    assert len(created) == 3
    assert created[1] - finished[0] == 10.0
    assert created[2] - finished[1] == 20.0
    assert job_events(sim)[-1] == ("BackoffLimitExceeded", "Job has reached the specified backoff limit")


def test_restarts_count_against_the_backoff_limit_with_restart_policy_on_failure():
    sim = batch_cluster()
    sim.operator.create("Job", job_manifest(template=pod_template(exit_code=1, restart="OnFailure"), backoffLimit=2))
    until_condition(sim, "pi", "Failed")
    assert condition(job(sim), "Failed")["reason"] == "BackoffLimitExceeded"
    assert len(job_pods(sim)) <= 1  # the one pod restarted in place; none replaced it


def test_active_deadline_stops_the_job_and_its_pods():
    sim = batch_cluster()
    sim.operator.create("Job", job_manifest(template=pod_template(run_seconds=600), activeDeadlineSeconds=30))
    failed_at = until_condition(sim, "pi", "Failed")
    failed = job(sim)
    assert condition(failed, "Failed")["reason"] == "DeadlineExceeded"
    assert condition(failed, "Failed")["message"] == "Job was active longer than specified deadline"
    assert failed_at >= 30
    assert condition(failed, "FailureTarget")["lastTransitionTime"] == sim.clock.timestamp(30)
    assert failed["status"]["failed"] == 1 and failed["status"]["active"] == 0
    sim.run_for(60)
    assert all(pod["status"]["phase"] in ("Succeeded", "Failed") for pod in job_pods(sim)) or not job_pods(sim)
    assert ("DeadlineExceeded", "Job was active longer than specified deadline") in job_events(sim)


def failure_policy(*rules: dict) -> dict:
    return {"rules": list(rules)}


def test_a_fail_job_rule_fails_the_job_at_the_first_matching_exit_code():
    sim = batch_cluster()
    policy = failure_policy(
        {"action": "FailJob", "onExitCodes": {"containerName": "main", "operator": "In", "values": [42]}}
    )
    sim.operator.create("Job", job_manifest(template=pod_template(exit_code=42), podFailurePolicy=policy))
    until_condition(sim, "pi", "Failed")
    [pod] = job_pods(sim)
    failed = condition(job(sim), "Failed")
    assert failed["reason"] == "PodFailurePolicy"
    assert failed["message"] == (
        f"Container main for pod default/{pod['metadata']['name']} failed with exit code 42 matching FailJob rule at index 0"
    )
    assert job(sim)["spec"]["podReplacementPolicy"] == "Failed"


def test_an_ignore_rule_replaces_the_pod_without_counting_the_failure():
    sim = batch_cluster()
    policy = failure_policy(
        {"action": "Ignore", "onExitCodes": {"operator": "In", "values": [137]}},
        {"action": "FailJob", "onExitCodes": {"operator": "NotIn", "values": [137]}},
    )
    sim.operator.create(
        "Job", job_manifest(template=pod_template(exit_code=137), podFailurePolicy=policy, backoffLimit=0)
    )
    step_until(sim, lambda: len(job_pods(sim)) >= 3)
    current = job(sim)
    assert current["status"].get("failed") is None
    assert condition(current, "Failed") is None and condition(current, "FailureTarget") is None


def test_a_count_rule_and_no_match_count_towards_the_backoff_limit():
    sim = batch_cluster()
    policy = failure_policy({"action": "Count", "onExitCodes": {"operator": "In", "values": [3]}})
    sim.operator.create(
        "Job", job_manifest(template=pod_template(exit_code=3), podFailurePolicy=policy, backoffLimit=1)
    )
    until_condition(sim, "pi", "Failed")
    assert condition(job(sim), "Failed")["reason"] == "BackoffLimitExceeded"
    assert job(sim)["status"]["failed"] == 2


def test_indexed_completion_gives_each_pod_its_index_and_records_completed_indexes():
    sim = batch_cluster()
    sim.operator.create("Job", job_manifest(completions=3, parallelism=3, completionMode="Indexed"))
    sim.run_for(0)
    pods = sorted(
        job_pods(sim), key=lambda pod: pod["metadata"]["annotations"]["batch.kubernetes.io/job-completion-index"]
    )
    assert [pod["metadata"]["annotations"]["batch.kubernetes.io/job-completion-index"] for pod in pods] == [
        "0",
        "1",
        "2",
    ]
    assert [pod["metadata"]["labels"]["batch.kubernetes.io/job-completion-index"] for pod in pods] == ["0", "1", "2"]
    assert [pod["spec"]["hostname"] for pod in pods] == ["pi-0", "pi-1", "pi-2"]
    assert all(pod["metadata"]["generateName"] == f"pi-{index}-" for index, pod in enumerate(pods))
    assert pods[0]["spec"]["containers"][0]["env"] == [
        {
            "name": "JOB_COMPLETION_INDEX",
            "valueFrom": {
                "fieldRef": {
                    "apiVersion": "v1",
                    "fieldPath": "metadata.annotations['batch.kubernetes.io/job-completion-index']",
                }
            },
        }
    ]
    assert "completedIndexes" not in job(sim)["status"]  # omitted while empty
    until_condition(sim, "pi", "Complete")
    assert job(sim)["status"]["completedIndexes"] == "0-2"
    assert job(sim)["status"]["succeeded"] == 3


def test_a_suspended_job_starts_nothing_until_resumed():
    sim = batch_cluster()
    sim.operator.create("Job", job_manifest(suspend=True))
    sim.run_for(5)
    suspended = job(sim)
    assert job_pods(sim) == []
    assert (condition(suspended, "Suspended")["status"], condition(suspended, "Suspended")["reason"]) == (
        "True",
        "JobSuspended",
    )
    assert "startTime" not in suspended["status"]
    sim.operator.patch("Job", "default", "pi", {"spec": {"suspend": False}})
    sim.run_for(0)
    resumed = job(sim)
    assert (condition(resumed, "Suspended")["status"], condition(resumed, "Suspended")["reason"]) == (
        "False",
        "JobResumed",
    )
    assert len(job_pods(sim)) == 1
    # upstream manageJob creates the pods before the sync records the resumption
    assert [reason for reason, _ in job_events(sim)][:3] == ["Suspended", "SuccessfulCreate", "Resumed"]


def test_ttl_after_finished_deletes_the_job_and_its_pods():
    sim = batch_cluster()
    sim.operator.create("Job", job_manifest(ttlSecondsAfterFinished=100))
    until_condition(sim, "pi", "Complete")
    done_at = sim.clock.seconds_since_epoch(condition(job(sim), "Complete")["lastTransitionTime"])
    gone_at = step_until(sim, lambda: job(sim) is None)
    assert gone_at - done_at == 100
    sim.run_for(5)
    assert job_pods(sim) == []


def test_deleting_a_running_job_lets_its_pods_go_despite_the_tracking_finalizer():
    sim = batch_cluster()
    sim.operator.create("Job", job_manifest(template=pod_template(run_seconds=3600)))
    step_until(sim, lambda: job_pods(sim) and job_pods(sim)[0]["status"].get("phase") == "Running")
    sim.operator.delete("Job", "default", "pi", propagation_policy="Background")
    step_until(sim, lambda: job_pods(sim) == [])


def test_pods_orphaned_by_their_job_lose_the_tracking_finalizer():
    sim = batch_cluster()
    sim.operator.create("Job", job_manifest(template=pod_template(run_seconds=3600)))
    sim.run_for(0)
    sim.operator.delete("Job", "default", "pi", propagation_policy="Orphan")
    step_until(sim, lambda: not job_pods(sim)[0]["metadata"].get("ownerReferences"))
    sim.run_for(1)
    [pod] = job_pods(sim)
    assert not pod["metadata"].get("finalizers")


def test_without_completions_the_first_success_ends_the_job_once_the_others_finish():
    """upstream: a work-queue Job (completions unset) is complete when any pod succeeded and none is active."""
    sim = batch_cluster()
    sim.operator.create("Job", job_manifest(template=pod_template(run_seconds=20), parallelism=3))
    sim.run_for(0)
    assert "completions" not in job(sim)["spec"] and len(job_pods(sim)) == 3
    until_condition(sim, "pi", "Complete")
    assert job(sim)["status"]["succeeded"] == 3
    assert len(job_pods(sim)) == 3  # no replacement after the first success


def test_lowering_parallelism_deletes_the_surplus_pods():
    sim = batch_cluster()
    sim.operator.create("Job", job_manifest(template=pod_template(run_seconds=600), completions=4, parallelism=3))
    step_until(sim, lambda: job(sim)["status"].get("active") == 3)
    sim.operator.patch("Job", "default", "pi", {"spec": {"parallelism": 1}})
    step_until(sim, lambda: job(sim)["status"].get("active") == 1)
    deletions = [message for reason, message in job_events(sim) if reason == "SuccessfulDelete"]
    assert len(deletions) == 2 and all(message.startswith("Deleted pod: pi-") for message in deletions)
    assert condition(job(sim), "Failed") is None  # pods the Job removed itself are not failures
    assert job(sim)["status"].get("failed") is None
