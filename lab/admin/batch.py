"""Admin lists for Jobs and CronJobs with the columns `kubectl get jobs` and `kubectl get cronjobs` print."""

from datetime import UTC, datetime

from django.contrib import admin

from ..durations import age
from ..kubeapi.tables_batch import job_completions, job_duration, job_status
from .base import KubeObjectAdmin


def _simulated_now(row) -> datetime:
    return datetime.fromtimestamp(row.cluster.epoch + row.cluster.now, tz=UTC)


class JobAdmin(KubeObjectAdmin):
    list_display = ("name", "namespace", "cluster", "job_status", "completions", "duration", "age")

    @admin.display(description="status")
    def job_status(self, row):
        return job_status(row.manifest)

    @admin.display(description="completions")
    def completions(self, row):
        return job_completions(row.manifest)

    @admin.display(description="duration")
    def duration(self, row):
        return job_duration(row.manifest, _simulated_now(row))


class CronJobAdmin(KubeObjectAdmin):
    list_display = (
        "name",
        "namespace",
        "cluster",
        "schedule",
        "time_zone",
        "suspend",
        "active",
        "last_schedule",
        "age",
    )

    @admin.display(description="schedule")
    def schedule(self, row):
        return (row.manifest.get("spec") or {}).get("schedule", "")

    @admin.display(description="timezone")
    def time_zone(self, row):
        return (row.manifest.get("spec") or {}).get("timeZone") or "<none>"

    @admin.display(description="suspend", boolean=True)
    def suspend(self, row):
        return bool((row.manifest.get("spec") or {}).get("suspend"))

    @admin.display(description="active")
    def active(self, row):
        return len((row.manifest.get("status") or {}).get("active") or [])

    @admin.display(description="last schedule")
    def last_schedule(self, row):
        last = (row.manifest.get("status") or {}).get("lastScheduleTime")
        return age(last, _simulated_now(row)) if last else "<none>"
