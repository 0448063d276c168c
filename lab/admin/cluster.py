"""The Cluster admin: instructors create clusters and change their clock (speed, pause); the rest is fixed."""

from django.contrib import admin

from ..demo import seed_empty_cluster
from ..models import Cluster
from .snapshots import SnapshotAdminMixin, export_snapshot


@admin.register(Cluster)
class ClusterAdmin(SnapshotAdminMixin, admin.ModelAdmin):
    list_display = ("name", "topology", "speed", "paused", "simulated_seconds", "resource_version", "max_replicas")
    list_display += ("snapshot_link",)
    actions = [export_snapshot]
    list_editable = ("speed", "paused")
    fields = ("name", "topology", "speed", "paused", "now", "epoch", "resource_version", "max_replicas", "seed")

    @admin.display(description="simulated time (s)", ordering="now")
    def simulated_seconds(self, cluster):
        return round(cluster.now, 1)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ("now", "epoch", "resource_version")
        return ("name", "topology", "now", "epoch", "resource_version", "seed")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            seed_empty_cluster(obj)
