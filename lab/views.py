"""Pages: the list of simulated clusters, and one live diagram per cluster."""

from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from cluster_engine.runtime.clock import MAX_SPEED, MIN_SPEED

from .classroom.permissions import actor_for, can_act
from .models import Cluster

SPEEDS = [speed for speed in (0.25, 0.5, 1, 2, 5, 10, 20, 50, 100) if MIN_SPEED <= speed <= MAX_SPEED]
# The topologies as the home page names them, in the reader's language (the model's labels are the admin's).
TOPOLOGY_LABELS = {"single": _("Single control plane"), "ha": _("Highly available (three control-plane nodes)")}


def home(request):
    clusters = list(Cluster.objects.all())
    for cluster in clusters:
        cluster.topology_label = TOPOLOGY_LABELS.get(cluster.topology, cluster.topology)
    return render(request, "lab/home.html", {"clusters": clusters})


def cluster_page(request, name: str):
    """The diagram page; everything on it arrives over the cluster's WebSocket (list, then watch)."""
    cluster = get_object_or_404(Cluster, name=name)
    time_travel = can_act(actor_for(request.user, request.session), cluster, "rewind")
    return render(request, "lab/cluster.html", {"cluster": cluster, "speeds": SPEEDS, "time_travel": time_travel})
