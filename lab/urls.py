from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("lab.classroom.urls")),
    path("", include("lab.kubeapi.urls")),
    path("", include("lab.page_urls")),
    path("", include("lab.snapshots.urls")),
]
