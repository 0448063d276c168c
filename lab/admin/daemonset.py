"""Admin lists for DaemonSets and PodDisruptionBudgets, with the columns `kubectl get ds` and `kubectl get pdb` print."""

from django.contrib import admin

from .base import KubeObjectAdmin

NOT_SET = "N/A"


def _status(row) -> dict:
    return row.manifest.get("status") or {}


class DaemonSetAdmin(KubeObjectAdmin):
    list_display = ("name", "namespace", "cluster", "desired", "current", "ready", "up_to_date", "available", "age")

    @admin.display(description="desired")
    def desired(self, row):
        return _status(row).get("desiredNumberScheduled", 0)

    @admin.display(description="current")
    def current(self, row):
        return _status(row).get("currentNumberScheduled", 0)

    @admin.display(description="ready")
    def ready(self, row):
        return _status(row).get("numberReady", 0)

    @admin.display(description="up-to-date")
    def up_to_date(self, row):
        return _status(row).get("updatedNumberScheduled", 0)

    @admin.display(description="available")
    def available(self, row):
        return _status(row).get("numberAvailable", 0)


class PodDisruptionBudgetAdmin(KubeObjectAdmin):
    list_display = ("name", "namespace", "cluster", "min_available", "max_unavailable", "allowed_disruptions", "age")

    @admin.display(description="min available")
    def min_available(self, row):
        value = (row.manifest.get("spec") or {}).get("minAvailable")
        return NOT_SET if value is None else value

    @admin.display(description="max unavailable")
    def max_unavailable(self, row):
        value = (row.manifest.get("spec") or {}).get("maxUnavailable")
        return NOT_SET if value is None else value

    @admin.display(description="allowed disruptions")
    def allowed_disruptions(self, row):
        return _status(row).get("disruptionsAllowed", 0)
