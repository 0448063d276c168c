"""URLs of the diagram pages (the home page is the project's root URL), and the translations their scripts use."""

from django.contrib.auth.views import LoginView, LogoutView
from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog

from . import views

urlpatterns = [
    path("clusters/<slug:name>/", views.cluster_page, name="cluster"),
    path("clusters/<slug:name>/delete/", views.cluster_delete, name="cluster-delete"),
    # Instructors need not be staff: the admin's login refuses anyone who is not, so the pages sign people in here.
    path("signin/", LoginView.as_view(template_name="lab/signin.html", next_page="home"), name="signin"),
    path("signout/", LogoutView.as_view(next_page="home"), name="signout"),
    # The diagram's strings in the page's language (locale/<lang>/LC_MESSAGES/djangojs.po), as window.gettext.
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    # Browsers ask every site for /favicon.ico, the admin's pages too: answer with the lab's icon, not a 404.
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
]
