"""Pages: the home page (the clusters you may see, creating and deleting them), and one live diagram per cluster."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from cluster_engine.controller_names import controller_manager_controllers
from cluster_engine.runtime.clock import MAX_SPEED, MIN_SPEED

from .classroom.cluster_access import create_refusal, delete_refusal, membership_of, visible_clusters
from .classroom.permissions import actor_for, can_act
from .cluster_cards import cluster_cards
from .cluster_form import NewClusterForm
from .models import Cluster

SPEEDS = [speed for speed in (0.25, 0.5, 1, 2, 5, 10, 20, 50, 100) if MIN_SPEED <= speed <= MAX_SPEED]


def home(request):
    """Every cluster the visitor may see (lab/classroom/cluster_access.py), with its state; a POST creates one. A
    refused or invalid creation shows the page again with why, and creates nothing."""
    actor = actor_for(request.user, request.session)
    refused = create_refusal(actor)
    form, status = None, 200
    if request.method == "POST":
        if refused is not None:
            return _home(request, actor, None, 403, _("Cluster not created: %(reason)s.") % {"reason": refused})
        form = NewClusterForm(request.POST)
        cluster = form.create() if form.is_valid() else None
        if cluster is not None:
            messages.success(request, _("Cluster %(name)s created.") % {"name": cluster.name})
            return HttpResponseRedirect(f"{reverse('home')}#cluster-{cluster.name}")
        status = 400
    elif refused is None:
        form = NewClusterForm()
    return _home(request, actor, form, status)


def _home(request, actor, form, status: int, refusal: str = ""):
    clusters = list(visible_clusters(actor))
    student = actor.student
    context = {
        "cards": cluster_cards(actor, clusters),
        "form": form,
        "refusal": refusal,
        "student": student,
        "sandbox": next((cluster for cluster in clusters if student and cluster.pk == student.sandbox_id), None),
    }
    return render(request, "lab/home.html", context, status=status)


def cluster_delete(request, name: str):
    """A confirmation page; its POST deletes the cluster and every object in it. Refused (403, nothing deleted) to
    anyone but an admin or the instructor whose classroom it belongs to (or any instructor, outside classrooms)."""
    cluster = get_object_or_404(Cluster, name=name)
    actor = actor_for(request.user, request.session)
    refused = delete_refusal(actor, membership_of(cluster))
    if refused is not None:
        message = _("Cluster %(name)s not deleted: %(reason)s.") % {"name": cluster.name, "reason": refused}
        return _home(request, actor, None if create_refusal(actor) else NewClusterForm(), 403, message)
    if request.method == "POST":
        cluster.delete()
        messages.success(request, _("Cluster %(name)s deleted.") % {"name": name})
        return HttpResponseRedirect(reverse("home"))
    return render(request, "lab/cluster_delete.html", {"card": cluster_cards(actor, [cluster])[0]})


def cluster_page(request, name: str):
    """The diagram page; everything on it arrives over the cluster's WebSocket (list, then watch)."""
    cluster = get_object_or_404(Cluster, name=name)
    time_travel = can_act(actor_for(request.user, request.session), cluster, "rewind")
    context = {
        "cluster": cluster,
        "speeds": SPEEDS,
        "controllers": controller_manager_controllers(),
        "time_travel": time_travel,
    }
    return render(request, "lab/cluster.html", context)
