"""A cluster's snapshot download and the import page."""

from django.urls import path

from . import views

urlpatterns = [
    path("clusters/<slug:name>/snapshot/", views.export_snapshot, name="cluster-snapshot"),
    path("snapshots/import/", views.import_page, name="snapshot-import"),
]
