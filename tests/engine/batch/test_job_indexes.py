"""Indexed Jobs that retry each index on its own (backoffLimitPerIndex, maxFailedIndexes) and that succeed early by
their successPolicy: cases from upstream's job_controller_test.go tables (TestSyncJobWithJobBackoffLimitPerIndex,
TestSyncJobWithJobSuccessPolicy) played on a running cluster."""

from cluster_engine.controllers.job_index_failures import FAILURE_COUNT
from cluster_engine.controllers.job_indexes import COMPLETION_INDEX
from tests.engine.nodes.cluster import step_until

from .cluster import batch_cluster, condition, job, job_events, job_manifest, job_pods, pod_template, until_condition

TRACKING = "batch.kubernetes.io/job-tracking"


def pods_of_index(sim, index: int) -> list[dict]:
    pods = [pod for pod in job_pods(sim) if pod["metadata"]["annotations"][COMPLETION_INDEX] == str(index)]
    return sorted(pods, key=lambda pod: pod["metadata"]["creationTimestamp"])


def crash(sim, pod: dict) -> None:
    """The pod's container exits with code 1 (the kubelab.io/crash fault); restartPolicy Never fails the pod."""
    annotations = {"kubelab.io/crash": "main"}
    sim.operator.patch("Pod", "default", pod["metadata"]["name"], {"metadata": {"annotations": annotations}})
    step_until(sim, lambda: sim.get("Pod", f"default/{pod['metadata']['name']}")["status"]["phase"] == "Failed")


def indexed(**spec) -> dict:
    return job_manifest(template=pod_template(run_seconds=60), completionMode="Indexed", **spec)


def test_an_index_retries_on_its_own_until_its_backoff_limit_then_the_job_fails_with_failed_indexes():
    sim = batch_cluster()
    sim.operator.create("Job", indexed(completions=3, parallelism=3, backoffLimitPerIndex=1))
    sim.run_for(5)
    assert job(sim)["spec"]["backoffLimit"] == 2147483647  # upstream default with backoffLimitPerIndex
    assert all(pod["metadata"]["annotations"][FAILURE_COUNT] == "0" for pod in job_pods(sim))
    assert job(sim)["status"]["failedIndexes"] == ""
    [first] = pods_of_index(sim, 1)
    crash(sim, first)
    failed_at = sim.now
    sim.run_for(1)
    # not yet replaced: the failed pod keeps its finalizer (it carries the index's count) and is not counted yet
    assert TRACKING in sim.get("Pod", f"default/{first['metadata']['name']}")["metadata"]["finalizers"]
    assert job(sim)["status"].get("failed") is None
    step_until(sim, lambda: len(pods_of_index(sim, 1)) == 2)
    assert 10.0 <= sim.now - failed_at <= 11.0  # upstream DefaultJobPodFailureBackOff for the index's first failure
    first_again, second = pods_of_index(sim, 1)
    assert second["metadata"]["annotations"][FAILURE_COUNT] == "1"
    sim.run_for(1)
    assert not sim.get("Pod", f"default/{first['metadata']['name']}")["metadata"].get("finalizers")
    assert job(sim)["status"]["failed"] == 1
    crash(sim, second)
    sim.run_for(1)
    assert job(sim)["status"]["failedIndexes"] == "1"
    assert len(pods_of_index(sim, 1)) == 2  # a failed index gets no more pods
    assert condition(job(sim), "FailureTarget") is None  # indexes 0 and 2 still run
    until_condition(sim, "pi", "Failed")
    status = job(sim)["status"]
    assert (status["failed"], status["succeeded"], status["completedIndexes"]) == (2, 2, "0,2")
    final = condition(job(sim), "Failed")
    assert (final["reason"], final["message"]) == ("FailedIndexes", "Job has failed indexes")
    assert job_events(sim)[-1] == ("FailedIndexes", "Job has failed indexes")


def test_more_failed_indexes_than_max_failed_indexes_fails_the_job_at_once_and_stops_its_pods():
    sim = batch_cluster()
    spec = {"completions": 3, "parallelism": 3, "backoffLimitPerIndex": 0, "maxFailedIndexes": 0}
    sim.operator.create("Job", indexed(**spec))
    sim.run_for(5)
    crash(sim, pods_of_index(sim, 2)[0])
    until_condition(sim, "pi", "Failed", limit=30)
    failed = job(sim)
    assert [c["type"] for c in failed["status"]["conditions"]] == ["FailureTarget", "Failed"]
    assert condition(failed, "Failed")["reason"] == "MaxFailedIndexesExceeded"
    assert condition(failed, "Failed")["message"] == "Job has exceeded the specified maximal number of failed indexes"
    assert failed["status"]["failedIndexes"] == "2"
    assert failed["status"]["failed"] == 3  # the stopped pods of indexes 0 and 1 count as failed
    [left] = job_pods(sim)  # the stopped pods are gone and none replaced them; the failed one stays
    assert (left["metadata"]["annotations"][COMPLETION_INDEX], left["status"]["phase"]) == ("2", "Failed")


def test_a_fail_index_rule_fails_the_index_at_its_first_matching_failure():
    sim = batch_cluster()
    policy = {"rules": [{"action": "FailIndex", "onExitCodes": {"operator": "In", "values": [1]}}]}
    template = pod_template(run_seconds=60)
    sim.operator.create(
        "Job",
        job_manifest(
            template=template,
            completionMode="Indexed",
            completions=2,
            parallelism=2,
            backoffLimitPerIndex=3,
            podFailurePolicy=policy,
        ),
    )
    sim.run_for(5)
    crash(sim, pods_of_index(sim, 0)[0])
    sim.run_for(30)
    assert job(sim)["status"]["failedIndexes"] == "0"
    assert len(pods_of_index(sim, 0)) == 1
    until_condition(sim, "pi", "Failed")
    assert condition(job(sim), "Failed")["reason"] == "FailedIndexes"
    assert job(sim)["status"]["completedIndexes"] == "1"


def test_a_success_policy_completes_the_job_once_its_rule_is_met_and_starts_no_further_index():
    sim = batch_cluster()
    policy = {"rules": [{"succeededIndexes": "3-4"}, {"succeededIndexes": "0-2", "succeededCount": 2}]}
    template = pod_template(run_seconds=10)
    spec = {"completionMode": "Indexed", "completions": 5, "parallelism": 1, "successPolicy": policy}
    sim.operator.create("Job", job_manifest(template=template, **spec))
    until_condition(sim, "pi", "Complete")
    done = job(sim)
    assert [c["type"] for c in done["status"]["conditions"]] == ["SuccessCriteriaMet", "Complete"]
    for condition_type in ("SuccessCriteriaMet", "Complete"):
        met = condition(done, condition_type)
        assert (met["reason"], met["message"]) == ("SuccessPolicy", "Matched rules at index 1")
    assert (done["status"]["succeeded"], done["status"]["completedIndexes"]) == (2, "0-1")
    assert sorted(pod["metadata"]["annotations"][COMPLETION_INDEX] for pod in job_pods(sim)) == ["0", "1"]


def test_a_success_policy_met_while_an_index_retries_stops_that_index_without_counting_it_failed():
    sim = batch_cluster()
    spec = {"completions": 2, "parallelism": 2, "backoffLimitPerIndex": 1}
    sim.operator.create("Job", indexed(successPolicy={"rules": [{"succeededIndexes": "0"}]}, **spec))
    sim.run_for(5)
    crash(sim, pods_of_index(sim, 1)[0])
    step_until(sim, lambda: len(pods_of_index(sim, 1)) == 2)  # the retry, 10 s later, outlives index 0's pod
    retry = pods_of_index(sim, 1)[1]["metadata"]["name"]
    until_condition(sim, "pi", "Complete")
    done = job(sim)
    assert condition(done, "Complete")["reason"] == "SuccessPolicy"
    status = done["status"]
    assert (status["succeeded"], status["completedIndexes"], status["failed"]) == (1, "0", 1)
    assert status["failedIndexes"] == ""
    assert sim.get("Pod", f"default/{retry}") is None  # stopped when the Job met its policy


def test_a_job_that_reaches_its_completions_says_so():
    sim = batch_cluster()
    sim.operator.create("Job", job_manifest())
    until_condition(sim, "pi", "Complete")
    for condition_type in ("SuccessCriteriaMet", "Complete"):
        met = condition(job(sim), condition_type)
        assert (met["reason"], met["message"]) == ("CompletionsReached", "Reached expected number of succeeded pods")
