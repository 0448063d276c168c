"""Scaling deployments from the admin: an intermediate page asks for the replica count, as `kubectl scale` does."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse

from cluster_engine.api.errors import ApiError

from ..apiserver import api_server_for


class ScaleForm(forms.Form):
    replicas = forms.IntegerField(min_value=0)


@admin.action(description="Scale selected deployments")
def scale(modeladmin, request, queryset):
    form = ScaleForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        replicas = form.cleaned_data["replicas"]
        for row in queryset.select_related("cluster"):
            try:
                api_server_for(row.cluster).patch(row.kind, row.namespace, row.name, {"spec": {"replicas": replicas}})
            except ApiError as error:
                modeladmin.message_user(request, f"{row}: {error.message}", messages.ERROR)
                continue
            modeladmin.message_user(request, f"deployment.apps/{row.name} scaled", messages.SUCCESS)
        return None
    return TemplateResponse(
        request,
        "admin/lab/scale.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": "Scale deployments",
            "objects": queryset,
            "form": form,
            "opts": modeladmin.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        },
    )
