"""StatefulSets in the admin: kubectl's columns, and scaling as `kubectl scale statefulset` reports it."""

from django.urls import reverse

from lab.apiserver import api_server_for
from lab.models import proxy_for
from tests.engine.api.manifests import valid
from tests.lab.test_admin import _act, browser  # noqa: F401 - the signed-in admin fixture

StatefulSet = proxy_for("StatefulSet")


def test_stateful_sets_are_listed_with_ready_and_scale_from_the_admin(browser, demo):  # noqa: F811
    api_server_for(demo).create("StatefulSet", valid("StatefulSet"))
    row = StatefulSet.objects.get(cluster=demo, name="db")
    page = browser.get(reverse("admin:lab_statefulset_changelist")).content.decode()
    assert "0/3" in page  # ready over desired: no control plane runs here to start the pods
    response = _act(browser, "statefulset", "scale", [row], replicas="4", apply="Scale")
    row.refresh_from_db()
    assert row.manifest["spec"]["replicas"] == 4
    scaled, explained = [str(message) for message in response.wsgi_request._messages]
    assert scaled == "statefulset.apps/db scaled"
    assert "kubectl scale statefulset db --replicas=4 -n default" in explained
