"""Pages: the home page lists the simulated clusters."""

from django.shortcuts import render

from .models import Cluster


def home(request):
    return render(request, "lab/home.html", {"clusters": Cluster.objects.all()})
