"""What every kind's admin shares: YAML forms saved through the API server, deletes through the API server, and
columns computed from the object as kubectl would show them."""

import yaml
from django.contrib import admin, messages
from django.utils.html import format_html

from cluster_engine.api.errors import ApiError

from .. import kubectl_equivalents as kubectl
from ..apiserver import api_server_for
from ..durations import human_duration
from ..models import KubeObject
from ..serializers import to_kube
from . import explanations
from .forms import form_for


def simulated_age(row: KubeObject) -> str:
    """Age against the cluster's simulated clock, as `kubectl get` prints it."""
    if row.creation_timestamp is None:
        return "<unknown>"
    now = row.cluster.epoch + row.cluster.now
    return human_duration(now - row.creation_timestamp.timestamp())


class KubeObjectAdmin(admin.ModelAdmin):
    list_display = ("name", "namespace", "cluster", "age")
    list_filter = ("cluster", "namespace")
    list_select_related = ("cluster",)
    search_fields = ("name", "namespace")
    ordering = ("cluster", "namespace", "name")
    readonly_fields = ("identity", "status_yaml")
    change_form_template = "admin/lab/kube_change_form.html"

    @admin.display(description="age", ordering="-creation_timestamp")
    def age(self, row):
        return simulated_age(row)

    @admin.display(description="object")
    def identity(self, row):
        metadata = to_kube(row)["metadata"]
        shown = {
            key: metadata[key]
            for key in ("name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp")
            if key in metadata
        }
        for key in ("deletionTimestamp", "ownerReferences", "finalizers"):
            if key in metadata:
                shown[key] = metadata[key]
        return _yaml_block({"cluster": row.cluster.name, **shown})

    @admin.display(description="status")
    def status_yaml(self, row):
        status = row.manifest.get("status")
        return _yaml_block(status) if status else "-"

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = form_for(self.model, adding=obj is None)
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        form = form_for(self.model, adding=obj is None)
        readonly = () if obj is None else self.readonly_fields
        return [*readonly, *form.base_fields]

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        """The form's clean already wrote the object through the API server; what is left is to say what it did."""
        explanations.report_form_write(self, request, form)

    def delete_model(self, request, obj):
        self._delete(request, obj)

    def delete_queryset(self, request, queryset):
        for row in queryset.select_related("cluster"):
            self._delete(request, row)

    def _delete(self, request, row: KubeObject) -> None:
        try:
            result = api_server_for(row.cluster).delete(row.kind, row.namespace or None, row.name)
        except ApiError as error:
            self.message_user(request, f"{row}: {error.message}", messages.ERROR)
            return
        command = kubectl.delete(row.kind, row.namespace or None, row.name)
        after = None if result.finished else result.object
        explanations.report(self, request, row.cluster, command, [(to_kube(row), after)])
        if not result.finished:
            self.message_user(
                request,
                f"{row} is terminating: it stays until its grace period or finalizers let it go.",
                messages.INFO,
            )


def _yaml_block(value) -> str:
    text = yaml.safe_dump(value, sort_keys=False, default_flow_style=False, allow_unicode=True)
    return format_html('<pre class="kubelab-yaml">{}</pre>', text)
