"""The pages' snapshot doors: download a cluster's snapshot, and import one (a file or a prepared scenario)."""

from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from cluster_engine.api.errors import ApiError

from ..classroom.permissions import actor_for
from ..models import Cluster
from .access import authorize_import, may_read_secrets
from .export import export_cluster, file_name
from .forms import ImportForm
from .library import SCENARIOS
from .reading import import_snapshot


def export_snapshot(request, name: str):
    cluster = get_object_or_404(Cluster, name=name)
    text = export_cluster(cluster, include_secrets=may_read_secrets(request.user))
    response = HttpResponse(text, content_type="application/yaml")
    response["Content-Disposition"] = f'attachment; filename="{file_name(cluster)}"'
    return response


def import_page(request):
    """GET shows the form, POST imports; both refuse (403) anyone who may not create clusters."""
    try:
        authorize_import(actor_for(request.user, request.session))
    except ApiError as refusal:
        return _page(request, None, refusal)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return _page(request, form, None, status=400 if form.is_bound else 200)
    try:
        cluster = import_snapshot(form.cleaned_data["name"], form.content())
    except ApiError as refusal:
        return _page(request, form, refusal)
    return HttpResponseRedirect(reverse("cluster", args=[cluster.name]))


def _page(request, form, refusal: ApiError | None, status: int = 200):
    context = {"form": form, "refusal": refusal, "scenarios": SCENARIOS}
    return render(request, "lab/snapshot_import.html", context, status=refusal.code if refusal else status)
