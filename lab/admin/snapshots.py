"""Snapshots in the Cluster admin: export a cluster (an action, and a link on each row) and import one as a new
cluster (a page of its own, offered to whoever may add clusters).

The admin's users edit every object, Secrets included, so their exports hold everything."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from cluster_engine.api.errors import ApiError

from ..models import Cluster
from ..snapshots.export import export_cluster, file_name
from ..snapshots.forms import ImportForm
from ..snapshots.library import SCENARIOS
from ..snapshots.reading import import_snapshot


def snapshot_response(cluster: Cluster) -> HttpResponse:
    response = HttpResponse(export_cluster(cluster), content_type="application/yaml")
    response["Content-Disposition"] = f'attachment; filename="{file_name(cluster)}"'
    return response


@admin.action(description="Export snapshot of the selected cluster")
def export_snapshot(modeladmin, request, queryset):
    if queryset.count() != 1:
        modeladmin.message_user(request, "Select one cluster to export: a snapshot holds one cluster.", messages.ERROR)
        return None
    return snapshot_response(queryset.get())


class SnapshotAdminMixin:
    """For the Cluster admin: the export URL behind each row's link, and the import page."""

    change_list_template = "admin/lab/cluster/change_list.html"

    @admin.display(description="snapshot")
    def snapshot_link(self, cluster):
        return format_html('<a href="{}">Export</a>', reverse("admin:lab_cluster_snapshot", args=[cluster.pk]))

    def get_urls(self):
        own = [
            path("import-snapshot/", self.admin_site.admin_view(self.import_view), name="lab_cluster_import"),
            path("<int:pk>/snapshot/", self.admin_site.admin_view(self.export_view), name="lab_cluster_snapshot"),
        ]
        return own + super().get_urls()

    def export_view(self, request, pk: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return snapshot_response(get_object_or_404(Cluster, pk=pk))

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        status = 200
        if request.method == "POST" and form.is_valid():
            try:
                cluster = import_snapshot(form.cleaned_data["name"], form.content())
            except ApiError as refusal:
                self.message_user(request, refusal.message, messages.ERROR)
                status = refusal.code
            else:
                self.message_user(request, f'Imported cluster "{cluster.name}", paused.', messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:lab_cluster_change", args=[cluster.pk]))
        elif form.is_bound:
            status = 400
        context = {
            **self.admin_site.each_context(request),
            "title": "Import snapshot",
            "opts": self.model._meta,
            "form": form,
            "scenarios": SCENARIOS,
        }
        return TemplateResponse(request, "admin/lab/cluster/import_snapshot.html", context, status=status)
