"""URLs of the diagram pages (the home page is the project's root URL), and the translations their scripts use."""

from django.urls import path
from django.views.i18n import JavaScriptCatalog

from . import views

urlpatterns = [
    path("clusters/<slug:name>/", views.cluster_page, name="cluster"),
    path("clusters/<slug:name>/delete/", views.cluster_delete, name="cluster-delete"),
    # The diagram's strings in the page's language (locale/<lang>/LC_MESSAGES/djangojs.po), as window.gettext.
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
]
