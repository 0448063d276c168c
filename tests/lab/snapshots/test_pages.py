"""The pages' snapshot doors: the cluster page's download, and the import page only instructors and admins use."""

import pytest
import yaml
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from lab.apiserver import api_server_for
from lab.classroom.models import Classroom, Student
from lab.classroom.permissions import STUDENT_SESSION_KEY
from lab.models import Cluster, KubeObject
from lab.snapshots.export import export_cluster
from lab.snapshots.reading import MAX_SNAPSHOT_BYTES

pytestmark = pytest.mark.django_db

IMPORT = "/snapshots/import/"


@pytest.fixture
def instructor(db):
    user = User.objects.create_user("teacher", password="teach-pass-1")
    user.user_permissions.add(Permission.objects.get(codename="teach_classroom"))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def secret(demo):
    body = {"metadata": {"name": "db", "namespace": "default"}, "stringData": {"pw": "s3cret"}}
    return api_server_for(demo, operator=True).create("Secret", body)


def upload(text: str, name: str = "copy") -> dict:
    return {"name": name, "snapshot": SimpleUploadedFile("snap.yaml", text.encode(), "application/yaml")}


def kinds_in(response) -> list[str]:
    return [item["kind"] for item in yaml.safe_load(response.content)["items"]]


def test_the_cluster_page_links_its_snapshot_and_the_home_page_the_import(demo, client):
    assert reverse("cluster-snapshot", args=["demo"]) in client.get(reverse("cluster", args=["demo"])).content.decode()
    assert IMPORT in client.get("/").content.decode()


def test_a_visitor_downloads_the_snapshot_without_secrets_staff_with_them(demo, secret, client):
    response = client.get(reverse("cluster-snapshot", args=["demo"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/yaml"
    assert response["Content-Disposition"] == 'attachment; filename="kubelab-demo-snapshot.yaml"'
    assert "Secret" not in kinds_in(response) and "Deployment" in kinds_in(response)
    client.force_login(User.objects.create_user("ops", password="ops-pass-1", is_staff=True))
    assert "Secret" in kinds_in(client.get(reverse("cluster-snapshot", args=["demo"])))
    assert client.get(reverse("cluster-snapshot", args=["nope"])).status_code == 404


def test_an_instructor_imports_a_file_and_lands_on_the_new_cluster(demo, instructor, client):
    client.force_login(instructor)
    assert client.get(IMPORT).status_code == 200
    response = client.post(IMPORT, upload(export_cluster(demo)))
    assert response.status_code == 302 and response["Location"] == reverse("cluster", args=["copy"])
    copy = Cluster.objects.get(name="copy")
    assert copy.paused and copy.now == demo.now
    assert KubeObject.objects.filter(cluster=copy).count() == KubeObject.objects.filter(cluster=demo).count()


def test_an_admin_imports_a_prepared_scenario(db, client):
    client.force_login(User.objects.create_superuser("admin", "admin@example.com", "pw"))
    response = client.post(IMPORT, {"name": "lesson", "scenario": "rollout-in-progress"})
    assert response.status_code == 302
    assert KubeObject.objects.filter(cluster__name="lesson", kind="ReplicaSet").count() == 2


@pytest.mark.parametrize("who", ["anonymous", "signed-in user", "student"])
def test_everyone_else_is_refused_and_nothing_is_created(demo, instructor, client, who):
    if who == "signed-in user":
        client.force_login(User.objects.create_user("someone", password="some-pass-1"))
    if who == "student":
        classroom = Classroom.objects.create(name="k8s", instructor=instructor)
        student = Student.objects.create(classroom=classroom, session_key="s", display_name="Aiko")
        session = client.session
        session[STUDENT_SESSION_KEY] = student.pk
        session.save()
    clusters = Cluster.objects.count()
    for response in (client.get(IMPORT), client.post(IMPORT, upload(export_cluster(demo)))):
        assert response.status_code == 403
        assert "cannot import snapshots: only instructors and admins create clusters" in response.content.decode()
        assert 'id="snapshot-import-form"' not in response.content.decode()
    assert Cluster.objects.count() == clusters


def test_a_refused_file_shows_the_status_message_and_creates_nothing(demo, instructor, client):
    client.force_login(instructor)
    document = yaml.safe_load(export_cluster(demo))
    document["items"][1]["metadata"]["name"] = "Bad_Name"
    response = client.post(IMPORT, upload(yaml.safe_dump(document)))
    assert response.status_code == 422
    assert escape('items[1]: Namespace "Bad_Name" is invalid') in response.content.decode()
    too_big = client.post(IMPORT, upload("#" * (MAX_SNAPSHOT_BYTES + 10)))
    assert too_big.status_code == 413
    neither = client.post(IMPORT, {"name": "copy"})
    assert neither.status_code == 400 and "Choose a snapshot file or a prepared scenario" in neither.content.decode()
    assert list(Cluster.objects.values_list("name", flat=True)) == ["demo"]


def test_the_import_form_needs_its_csrf_token(demo, instructor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(instructor)
    assert client.post(IMPORT, upload(export_cluster(demo))).status_code == 403
    assert not Cluster.objects.filter(name="copy").exists()
    assert 'name="csrfmiddlewaretoken"' in client.get(IMPORT).content.decode()


def test_the_import_page_and_its_scenarios_in_japanese(instructor, client):
    client.force_login(instructor)
    page = client.get(IMPORT, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    for text in ("スナップショットをインポート", "新しいクラスターの名前", "障害直前のノード", "進行中のロールアウト"):
        assert text in page
    assert "スナップショットは YAML の List として保存したクラスター" in page
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "保存したクラスターや用意されたシナリオを、新しいクラスターとして取り込みます。" in home
    refused = Client().get(IMPORT, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "anonymous はスナップショットをインポートできません" in refused
