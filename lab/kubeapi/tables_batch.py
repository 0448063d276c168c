"""Table rows for Jobs and CronJobs, as upstream's printJob and printCronJob print them
(pkg/printers/internalversion/printers.go)."""

from datetime import datetime

from cluster_engine.openapi import definitions

from ..durations import age, human_duration, parse_time
from .selectors import label_selector_string


def _column(name: str, kind: str = "string", priority: int = 0, description: str = "", fmt: str = "") -> dict:
    return {"name": name, "type": kind, "format": fmt, "description": description, "priority": priority}


def _true(obj: dict, condition_type: str) -> bool:
    """upstream hasJobCondition: the first condition of that type decides."""
    for condition in (obj.get("status") or {}).get("conditions") or []:
        if condition.get("type") == condition_type:
            return condition.get("status") == "True"
    return False


def job_status(job: dict) -> str:
    if _true(job, "Complete"):
        return "Complete"
    if _true(job, "Failed"):
        return "Failed"
    if job["metadata"].get("deletionTimestamp"):
        return "Terminating"
    if _true(job, "Suspended"):
        return "Suspended"
    if _true(job, "FailureTarget"):
        return "FailureTarget"
    return "Running"


def job_completions(job: dict) -> str:
    spec, succeeded = job.get("spec") or {}, (job.get("status") or {}).get("succeeded", 0)
    if spec.get("completions") is not None:
        return f"{succeeded}/{spec['completions']}"
    parallelism = spec.get("parallelism") or 0
    return f"{succeeded}/1 of {parallelism}" if parallelism > 1 else f"{succeeded}/1"


def job_duration(job: dict, now: datetime) -> str:
    status = job.get("status") or {}
    started = parse_time(status.get("startTime"))
    if started is None:
        return ""
    finished = parse_time(status.get("completionTime")) or now
    return human_duration((finished - started).total_seconds())


def _format_selector(selector: dict | None) -> str:
    """metav1.FormatLabelSelector: "<none>" for an empty one."""
    return label_selector_string(selector) or "<none>"


def _container_cells(pod_spec: dict) -> list[str]:
    containers = pod_spec.get("containers") or []
    return [",".join(c.get("name", "") for c in containers), ",".join(c.get("image", "") for c in containers)]


def job_cells(job: dict, now: datetime) -> list:
    spec = job.get("spec") or {}
    return [
        job["metadata"].get("name", ""),
        job_status(job),
        job_completions(job),
        job_duration(job, now),
        age(job["metadata"].get("creationTimestamp"), now),
        *_container_cells((spec.get("template") or {}).get("spec") or {}),
        _format_selector(spec.get("selector")),
    ]


def cronjob_cells(cronjob: dict, now: datetime) -> list:
    spec, status = cronjob.get("spec") or {}, cronjob.get("status") or {}
    job_spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    suspend = spec.get("suspend")
    return [
        cronjob["metadata"].get("name", ""),
        spec.get("schedule", ""),
        spec.get("timeZone") or "<none>",
        "<unset>" if suspend is None else str(bool(suspend)),
        len(status.get("active") or []),
        age(status["lastScheduleTime"], now) if status.get("lastScheduleTime") else "<none>",
        age(cronjob["metadata"].get("creationTimestamp"), now),
        *_container_cells((job_spec.get("template") or {}).get("spec") or {}),
        _format_selector(job_spec.get("selector")),
    ]


def _columns() -> tuple[list[dict], list[dict]]:
    """upstream describes these columns with the API fields' own documentation (SwaggerDoc)."""
    meta = definitions()["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]["properties"]
    job_spec = definitions()["io.k8s.api.batch.v1.JobSpec"]["properties"]
    job_status_doc = definitions()["io.k8s.api.batch.v1.JobStatus"]["properties"]
    cron_spec = definitions()["io.k8s.api.batch.v1.CronJobSpec"]["properties"]
    cron_status = definitions()["io.k8s.api.batch.v1.CronJobStatus"]["properties"]
    name = _column("Name", fmt="name", description=meta["name"]["description"])
    created = _column("Age", description=meta["creationTimestamp"]["description"])
    tail = [
        _column("Containers", priority=1, description="Names of each container in the template."),
        _column("Images", priority=1, description="Images referenced by each container in the template."),
        _column("Selector", priority=1, description=job_spec["selector"]["description"]),
    ]
    jobs = [
        name,
        _column("Status", description="Status of the job."),
        _column("Completions", description=job_status_doc["succeeded"]["description"]),
        _column("Duration", description="Time required to complete the job."),
        created,
        *tail,
    ]
    cronjobs = [
        name,
        _column("Schedule", description=cron_spec["schedule"]["description"]),
        _column("Timezone", description=cron_spec["timeZone"]["description"]),
        _column("Suspend", "boolean", description=cron_spec["suspend"]["description"]),
        _column("Active", "integer", description=cron_status["active"]["description"]),
        _column("Last Schedule", description=cron_status["lastScheduleTime"]["description"]),
        created,
        *tail,
    ]
    return jobs, cronjobs


JOB_COLUMNS, CRONJOB_COLUMNS = _columns()
