"""URLs of the diagram pages (the home page is the project's root URL)."""

from django.urls import path

from . import views

urlpatterns = [
    path("clusters/<slug:name>/", views.cluster_page, name="cluster"),
]
