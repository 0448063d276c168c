"""The home page's clusters: who sees which cards, their state from the ORM in a constant number of queries, and who
may create and delete clusters there (instructors and admins only, CSRF enforced, refusals that change nothing)."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from lab.apiserver import api_server_for
from lab.classroom.models import Classroom, Student
from lab.classroom.permissions import STUDENT_SESSION_KEY
from lab.demo import seed_empty_cluster
from lab.models import Cluster, KubeObject

pytestmark = pytest.mark.django_db

CARD = re.compile(r'<article class="cluster-card[^"]*" id="cluster-[^"]+" data-cluster="([^"]+)"')
NEW_CLUSTER = {"name": "lab-a", "topology": "ha", "workers": "4", "vm_size": "Standard_D2s_v3", "zones": "2"}


def cards(client: Client) -> list[str]:
    return CARD.findall(client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode())


def teacher(username: str) -> User:
    user = User.objects.create_user(username)
    user.user_permissions.add(Permission.objects.get(codename="teach_classroom"))
    return User.objects.get(pk=user.pk)


def signed_in(user: User, enforce_csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf)
    client.force_login(user)
    return client


def as_student(student: Student) -> Client:
    client = Client()
    session = client.session
    session[STUDENT_SESSION_KEY] = student.pk
    session.save()
    return client


@pytest.fixture
def world():
    """Two instructors' classrooms (one with two students' sandboxes) and one cluster outside any classroom."""
    names = ["free", "demo-a", "sandbox-aiko", "sandbox-ben", "demo-b"]
    clusters = {name: Cluster.objects.create(name=name) for name in names}
    alice, bob = teacher("alice"), teacher("bob")
    room_a = Classroom.objects.create(name="Room A", instructor=alice, demo_cluster=clusters["demo-a"])
    room_b = Classroom.objects.create(name="Room B", instructor=bob, demo_cluster=clusters["demo-b"])
    aiko = Student.objects.create(
        classroom=room_a, session_key="a", display_name="Aiko", sandbox=clusters["sandbox-aiko"]
    )
    ben = Student.objects.create(classroom=room_a, session_key="b", display_name="Ben", sandbox=clusters["sandbox-ben"])
    Student.objects.create(classroom=room_b, session_key="c", display_name="Chie")  # no sandbox yet: a NULL
    return {
        "clusters": clusters,
        "alice": alice,
        "bob": bob,
        "aiko": aiko,
        "ben": ben,
        "room_a": room_a,
        "room_b": room_b,
    }


def test_who_sees_which_clusters(world):
    admin = User.objects.create_superuser("root", "", "root-pass-1")
    assert cards(signed_in(admin)) == ["demo-a", "demo-b", "free", "sandbox-aiko", "sandbox-ben"]
    assert cards(signed_in(world["alice"])) == ["demo-a", "free", "sandbox-aiko", "sandbox-ben"]
    assert cards(signed_in(world["bob"])) == ["demo-b", "free"]
    assert cards(as_student(world["aiko"])) == ["demo-a", "free", "sandbox-aiko"]
    assert cards(Client()) == ["free"]
    assert cards(signed_in(User.objects.create_user("visitor"))) == ["free"]


def test_a_student_reaches_their_sandbox_in_one_click(world):
    body = as_student(world["aiko"]).get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<a class="open-sandbox" href="/clusters/sandbox-aiko/">Open my sandbox</a>' in body
    assert "You are Aiko in the classroom Room A." in body
    assert "sandbox-ben" not in body
    assert '<article class="cluster-card mine" id="cluster-sandbox-aiko"' in body  # her own card stands out
    assert "Classroom Room A: sandbox of Aiko" in body and "Classroom Room A: class demo" in body
    assert 'id="new-cluster-form"' not in body  # students do not create clusters
    assert "Instructors and admins sign in to create and delete clusters." in body


def test_a_student_without_a_sandbox_is_sent_to_the_classroom_to_start_one(world):
    chie = Student.objects.get(display_name="Chie")
    body = as_student(chie).get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    code = world["room_b"].join_code
    assert f'<a class="open-sandbox" href="/classroom/{code}/">Start my sandbox in the classroom</a>' in body


def ready(condition_types_before: list[str], status: str) -> dict:
    before = [{"type": kind, "status": "False"} for kind in condition_types_before]
    return {"status": {"conditions": [*before, {"type": "Ready", "status": status}]}}


def test_a_card_shows_the_clusters_state(world):
    cluster = Cluster.objects.create(name="stateful", topology="ha", speed=10, now=334, paused=True)
    seed_empty_cluster(cluster)  # three control-plane nodes and three workers
    operator = api_server_for(cluster, operator=True)
    # the service account controller's work, which no control plane runs here
    operator.create("ServiceAccount", {"metadata": {"name": "default", "namespace": "default"}})
    operator.patch("Node", None, "worker-1", ready([], "True"), subresource="status")
    operator.patch(
        "Node", None, "worker-2", ready(["MemoryPressure", "DiskPressure", "PIDPressure"], "True"), subresource="status"
    )
    operator.patch("Node", None, "worker-3", ready(["MemoryPressure"], "False"), subresource="status")
    for name, phase in (("a", "Running"), ("b", "Running"), ("c", "Pending")):
        pod = {
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"containers": [{"name": "c", "image": "nginx"}]},
        }
        operator.create("Pod", pod)
        operator.patch("Pod", "default", name, {"status": {"phase": phase}}, subresource="status")
    body = Client().get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    card = body.split('data-cluster="stateful"', 1)[1].split("</article>", 1)[0]
    assert '<dd class="nodes">2/6</dd>' in card
    assert '<dd class="pods">2/3</dd>' in card
    assert '<dd class="time">5m34s · 10×</dd>' in card
    assert "⏸ paused" in card
    assert "Highly available (three control-plane nodes)" in card
    assert "Outside any classroom" in card
    assert '<a class="kubeconfig-link" href="/k8s/clusters/stateful/kubeconfig">kubectl access</a>' in card
    assert '<a class="diagram-link" href="/clusters/stateful/">Open the diagram</a>' in card


def test_the_page_costs_the_same_number_of_queries_for_one_cluster_or_many(world, django_assert_max_num_queries):
    def queries(client: Client) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/").status_code == 200
        return len(captured)

    alice = signed_in(world["alice"])
    few = queries(alice)
    for index in range(8):
        extra = Cluster.objects.create(name=f"more-{index}")
        seed_empty_cluster(extra)
        Student.objects.create(
            classroom=world["room_a"], session_key=f"s{index}", display_name=f"S{index}", sandbox=extra
        )
    assert len(cards(alice)) == 12
    assert queries(alice) == few
    with django_assert_max_num_queries(few):
        alice.get("/")


def test_an_admin_creates_a_cluster_made_to_measure(world):
    admin = signed_in(User.objects.create_superuser("root", "", "root-pass-1"))
    response = admin.post("/", {**NEW_CLUSTER, "speed": "5"})
    assert response.status_code == 302 and response["Location"] == "/#cluster-lab-a"
    cluster = Cluster.objects.get(name="lab-a")
    assert (cluster.topology, cluster.speed, cluster.paused) == ("ha", 5.0, False)
    nodes = {row.name: row.manifest for row in KubeObject.objects.filter(cluster=cluster, kind="Node")}
    workers = sorted(name for name in nodes if name.startswith("worker-"))
    assert workers == ["worker-1", "worker-2", "worker-3", "worker-4"]
    assert [nodes[name]["metadata"]["labels"]["topology.kubernetes.io/zone"] for name in workers] == [
        "westeurope-1",
        "westeurope-2",
        "westeurope-1",
        "westeurope-2",
    ]
    assert {nodes[name]["metadata"]["labels"]["node.kubernetes.io/instance-type"] for name in workers} == {
        "Standard_D2s_v3"
    }
    assert sum(name.startswith("control-plane-") for name in nodes) == 3
    assert KubeObject.objects.filter(cluster=cluster, kind="ControlPlaneComponent").count() == 15
    assert int(nodes["worker-1"]["metadata"]["resourceVersion"]) > 0  # written by the API server
    follow = admin.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Cluster lab-a created." in follow
    assert 'data-cluster="lab-a"' in follow
    assert "Simulated seconds per wall-clock second, 0.25 to 100." in follow


def test_an_instructor_creates_too(world):
    assert signed_in(world["alice"]).post("/", {**NEW_CLUSTER, "speed": "1"}).status_code == 302
    assert Cluster.objects.filter(name="lab-a").exists()


@pytest.mark.parametrize("who", ["anonymous", "student", "signed-in visitor"])
def test_anyone_else_is_refused_creation_and_nothing_is_created(world, who):
    client = {
        "anonymous": Client,
        "student": lambda: as_student(world["aiko"]),
        "signed-in visitor": lambda: signed_in(User.objects.create_user("visitor")),
    }[who]()
    before = Cluster.objects.count()
    response = client.post("/", {**NEW_CLUSTER, "speed": "1"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert (
        "Cluster not created: only instructors and admins can create clusters; sign in as one."
        in response.content.decode()
    )
    assert Cluster.objects.count() == before


def test_the_forms_are_protected_against_cross_site_requests(world):
    admin = User.objects.create_superuser("root", "", "root-pass-1")
    client = signed_in(admin, enforce_csrf=True)
    assert client.post("/", {**NEW_CLUSTER, "speed": "1"}).status_code == 403
    assert client.post("/clusters/free/delete/").status_code == 403
    assert set(Cluster.objects.values_list("name", flat=True)) == set(world["clusters"])
    page = client.get("/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert client.post("/", {**NEW_CLUSTER, "speed": "1", "csrfmiddlewaretoken": token}).status_code == 302


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "name",
            "Lab_A",
            "Use lowercase letters, digits and &#x27;-&#x27;, starting and ending with a letter or digit",
        ),
        ("name", "-lab", "(a DNS label, e.g. &#x27;my-cluster&#x27;)"),
        ("name", "x" * 64, "Ensure this value has at most 63 characters (it has 64)."),
        ("name", "free", "A cluster named free already exists."),
        ("workers", "0", "Ensure this value is greater than or equal to 1."),
        ("workers", "51", "Ensure this value is less than or equal to 50."),
        ("zones", "4", "Select a valid choice. 4 is not one of the available choices."),
        ("vm_size", "Standard_Z99", "Select a valid choice. Standard_Z99 is not one of the available choices."),
        ("topology", "triple", "Select a valid choice. triple is not one of the available choices."),
        ("speed", "200", "Ensure this value is less than or equal to 100."),
        ("speed", "0.1", "Ensure this value is greater than or equal to 0.25."),
    ],
)
def test_invalid_input_is_shown_on_its_field_and_nothing_is_created(world, field, value, message):
    admin = signed_in(User.objects.create_superuser("root", "", "root-pass-1"))
    before = Cluster.objects.count()
    response = admin.post("/", {**NEW_CLUSTER, "speed": "1", field: value}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert f'id="id_{field}_error"' in body or f'aria-describedby="id_{field}_error' in body
    assert Cluster.objects.count() == before


def test_form_errors_in_japanese(world):
    admin = signed_in(User.objects.create_superuser("root", "", "root-pass-1"))
    response = admin.post("/", {**NEW_CLUSTER, "name": "free", "speed": "1"}, HTTP_ACCEPT_LANGUAGE="ja")
    body = response.content.decode()
    assert "free という名前のクラスターはすでにあります。" in body
    assert "新しいクラスター" in body


def test_an_admin_deletes_any_cluster_after_confirming(world):
    admin = signed_in(User.objects.create_superuser("root", "", "root-pass-1"))
    cluster = Cluster.objects.create(name="doomed")
    seed_empty_cluster(cluster)
    confirm = admin.get("/clusters/doomed/delete/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Delete the cluster doomed?" in confirm
    assert "Its 4 nodes, 0 pods and every other object go with it" in confirm
    assert Cluster.objects.filter(name="doomed").exists()  # asking is not deleting
    response = admin.post("/clusters/doomed/delete/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert not Cluster.objects.filter(name="doomed").exists()
    assert not KubeObject.objects.filter(cluster_id=cluster.pk).exists()
    assert admin.post("/clusters/demo-b/delete/").status_code == 302  # another instructor's classroom: admins may
    world["room_b"].refresh_from_db()
    assert world["room_b"].demo_cluster is None


def test_an_instructor_deletes_their_classrooms_clusters_and_those_outside_any(world):
    alice = signed_in(world["alice"])
    body = alice.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<a class="delete-link" href="/clusters/free/delete/">Delete</a>' in body
    assert alice.post("/clusters/sandbox-ben/delete/").status_code == 302
    assert alice.post("/clusters/free/delete/").status_code == 302
    assert not Cluster.objects.filter(name__in=["sandbox-ben", "free"]).exists()


def test_an_instructor_may_not_delete_another_instructors_classroom_cluster(world):
    bob = signed_in(world["bob"])
    response = bob.post("/clusters/demo-a/delete/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert (
        "Cluster demo-a not deleted: this cluster belongs to the classroom Room A, which another instructor teaches."
        in response.content.decode()
    )
    assert bob.get("/clusters/demo-a/delete/").status_code == 403
    assert Cluster.objects.filter(name="demo-a").exists()


@pytest.mark.parametrize("who", ["anonymous", "student"])
def test_students_and_visitors_delete_nothing_and_see_no_delete_link(world, who):
    client = Client() if who == "anonymous" else as_student(world["aiko"])
    assert "delete-link" not in client.get("/").content.decode()
    for name in ("free", "sandbox-aiko"):
        response = client.post(f"/clusters/{name}/delete/", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 403
        assert "only instructors and admins can delete clusters" in response.content.decode()
    assert set(Cluster.objects.values_list("name", flat=True)) == set(world["clusters"])


def test_the_japanese_home_page_for_a_student(world):
    body = as_student(world["aiko"]).get("/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "自分のサンドボックスを開く" in body
    assert "実行中の Pod" in body


def test_every_string_of_the_home_pages_templates_is_translated_to_japanese():
    templates = Path(__file__).resolve().parents[2] / "templates" / "lab"
    texts = {
        text
        for name in ("home.html", "cluster_delete.html")
        for text in re.findall(r'{% translate "([^"]+)" %}', (templates / name).read_text())
    }
    assert "New cluster" in texts
    with translation.override("ja"):
        untranslated = [text for text in texts if translation.gettext(text) == text]
    assert untranslated == []
