"""Each cluster's kube API under /k8s/clusters/<name>/, the server URL its kubeconfig names."""

from django.urls import path, re_path

from . import openapi, openapi_v2, pages, views

urlpatterns = [
    # upstream answers /version and /version/ alike; the Python client asks for the latter
    re_path(r"^k8s/clusters/(?P<cluster>[-a-zA-Z0-9_]+)/version/?$", views.version),
    path("k8s/clusters/<slug:cluster>/kubeconfig", pages.kubeconfig_page, name="kubeconfig"),
    re_path(r"^k8s/clusters/(?P<cluster>[-a-zA-Z0-9_]+)/openapi/v2/?$", openapi_v2.document),
    re_path(r"^k8s/clusters/(?P<cluster>[-a-zA-Z0-9_]+)/openapi/(?P<rest>.*)$", openapi.document),
    re_path(r"^k8s/clusters/(?P<cluster>[-a-zA-Z0-9_]+)/(?P<root>apis?)(?:/(?P<rest>.*))?$", views.api),
]
