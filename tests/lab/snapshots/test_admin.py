"""The Cluster admin exports a snapshot (action and row link) and imports one for users who may add clusters."""

import pytest
import yaml
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lab.apiserver import api_server_for
from lab.models import Cluster, KubeObject
from lab.snapshots.export import export_cluster

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/lab/cluster/"
IMPORT = "/admin/lab/cluster/import-snapshot/"


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser("admin", "admin@example.com", "pw"))
    return client


def test_the_action_and_the_row_link_download_the_snapshot_secrets_included(demo, admin_client):
    api_server_for(demo, operator=True).create(
        "Secret", {"metadata": {"name": "db", "namespace": "default"}, "stringData": {"pw": "s3cret"}}
    )
    link = reverse("admin:lab_cluster_snapshot", args=[demo.pk])
    listing = admin_client.get(CHANGELIST).content.decode()
    assert link in listing and IMPORT in listing
    for response in (
        admin_client.post(CHANGELIST, {"action": "export_snapshot", ACTION_CHECKBOX_NAME: [demo.pk]}),
        admin_client.get(link),
    ):
        assert response["Content-Disposition"] == 'attachment; filename="kubelab-demo-snapshot.yaml"'
        assert "Secret" in [item["kind"] for item in yaml.safe_load(response.content)["items"]]


def test_the_action_exports_one_cluster_at_a_time(demo, admin_client):
    other = Cluster.objects.create(name="other")
    response = admin_client.post(
        CHANGELIST, {"action": "export_snapshot", ACTION_CHECKBOX_NAME: [demo.pk, other.pk]}, follow=True
    )
    assert "Select one cluster to export" in response.content.decode()


def test_import_a_file_and_a_scenario(demo, admin_client):
    upload = SimpleUploadedFile("snap.yaml", export_cluster(demo).encode())
    response = admin_client.post(IMPORT, {"name": "copy", "snapshot": upload})
    copy = Cluster.objects.get(name="copy")
    assert response.status_code == 302 and response["Location"] == reverse("admin:lab_cluster_change", args=[copy.pk])
    assert KubeObject.objects.filter(cluster=copy).count() == KubeObject.objects.filter(cluster=demo).count()
    admin_client.post(IMPORT, {"name": "failing", "scenario": "node-about-to-fail"})
    assert KubeObject.objects.filter(cluster__name="failing", kind="Node", name="worker-2").exists()


def test_a_refused_file_reports_the_status_and_creates_nothing(demo, admin_client):
    upload = SimpleUploadedFile("snap.yaml", b"apiVersion: v1\nkind: List\nitems: []\n")
    response = admin_client.post(IMPORT, {"name": "copy", "snapshot": upload})
    assert response.status_code == 400 and "has no ConfigMap" in response.content.decode()
    assert list(Cluster.objects.values_list("name", flat=True)) == ["demo"]


def test_staff_without_the_add_permission_may_not_import(demo, client):
    user = User.objects.create_user("viewer", password="view-pass-1", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_cluster"))
    client.force_login(user)
    assert client.get(CHANGELIST).status_code == 200
    assert client.get(IMPORT).status_code == 403
    upload = SimpleUploadedFile("snap.yaml", export_cluster(demo).encode())
    assert client.post(IMPORT, {"name": "copy", "snapshot": upload}).status_code == 403
    assert not Cluster.objects.filter(name="copy").exists()
