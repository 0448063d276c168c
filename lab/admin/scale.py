"""Scaling from the admin (deployments, replication controllers, stateful sets): an intermediate page asks for the
replica count, as `kubectl scale` does."""

import copy

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse

from cluster_engine.api.errors import ApiError
from cluster_engine.api.kinds import kind_named

from .. import kubectl_equivalents as kubectl
from ..apiserver import api_server_for
from ..serializers import to_kube
from . import explanations


def _resource(kind: str) -> str:
    """How kubectl names the kind when it reports a scale: `deployment.apps`, `replicationcontroller`."""
    spec = kind_named(kind)
    return f"{spec.singular}.{spec.group}" if spec.group else spec.singular


class ScaleForm(forms.Form):
    replicas = forms.IntegerField(min_value=0)


@admin.action(description="Scale selected %(verbose_name_plural)s")
def scale(modeladmin, request, queryset):
    form = ScaleForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        replicas = form.cleaned_data["replicas"]
        for row in queryset.select_related("cluster"):
            before = copy.deepcopy(to_kube(row))
            body = {"spec": {"replicas": replicas}}
            try:
                written = api_server_for(row.cluster).patch(row.kind, row.namespace, row.name, body)
            except ApiError as error:
                modeladmin.message_user(request, f"{row}: {error.message}", messages.ERROR)
                continue
            modeladmin.message_user(request, f"{_resource(row.KIND)}/{row.name} scaled", messages.SUCCESS)
            command = kubectl.scale(row.KIND, row.namespace, row.name, replicas)
            explanations.report(modeladmin, request, row.cluster, command, [(before, written)])
        return None
    return TemplateResponse(
        request,
        "admin/lab/scale.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": f"Scale {modeladmin.model._meta.verbose_name_plural}",
            "objects": queryset,
            "form": form,
            "opts": modeladmin.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        },
    )
