"""A cluster that runs batch work: worker nodes, the scheduler, kubelets, and the Job, CronJob, TTL and garbage
collector controllers, on the simulated clock."""

from cluster_engine.controllers.cronjob import CronJobController
from cluster_engine.controllers.garbagecollector import GarbageCollector
from cluster_engine.controllers.job import JobController
from cluster_engine.controllers.ttlafterfinished import TTLAfterFinishedController
from cluster_engine.nodes.kubelet import Kubelets
from cluster_engine.scheduler.component import Scheduler
from tests.engine.nodes.cluster import cluster, step_until

COMPONENTS = [Kubelets, Scheduler, JobController, CronJobController, TTLAfterFinishedController, GarbageCollector]


def batch_cluster(workers: int = 2):
    return cluster(COMPONENTS, workers=workers)


def pod_template(run_seconds: int = 5, exit_code: int = 0, restart: str = "Never", container: str = "main") -> dict:
    """A pod that runs `run_seconds` then exits with `exit_code` (the kubelab.io/run-seconds fault)."""
    return {
        "metadata": {
            "annotations": {"kubelab.io/run-seconds": str(run_seconds), "kubelab.io/exit-code": str(exit_code)}
        },
        "spec": {"restartPolicy": restart, "containers": [{"name": container, "image": "busybox:1.36"}]},
    }


def job_manifest(name: str = "pi", template: dict | None = None, **spec) -> dict:
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"template": template or pod_template(), **spec},
    }


def job(sim, name: str = "pi") -> dict | None:
    return sim.get("Job", f"default/{name}")


def condition(obj: dict, condition_type: str) -> dict | None:
    return next((c for c in (obj.get("status") or {}).get("conditions") or [] if c["type"] == condition_type), None)


def until_condition(sim, name: str, condition_type: str, limit: float = 3600.0) -> float:
    return step_until(sim, lambda: condition(job(sim, name), condition_type) is not None, limit)


def job_events(sim, kind: str = "Job") -> list[tuple[str, str]]:
    events = [event for event in sim.objects("Event") if event["involvedObject"]["kind"] == kind]
    events.sort(key=lambda event: int(event["metadata"]["resourceVersion"]))
    return [(event["reason"], event["message"]) for event in events]


def event_times(sim, reason: str) -> list[float]:
    return sorted(
        sim.clock.seconds_since_epoch(event["firstTimestamp"])
        for event in sim.objects("Event")
        if event["reason"] == reason and event["involvedObject"]["kind"] == "Job"
    )


def job_pods(sim, name: str = "pi") -> list[dict]:
    return [
        pod
        for pod in sim.objects("Pod", "default")
        if (pod["metadata"].get("labels") or {}).get("batch.kubernetes.io/job-name") == name
    ]
