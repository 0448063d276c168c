"""Who may change which cluster: students only their own sandbox, instructors their classroom, admins anything."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import translation

from cluster_engine.api.errors import ApiError
from lab import live_actions
from lab.classroom.clusters import open_sandbox
from lab.classroom.models import Student
from lab.classroom.permissions import STUDENT_SESSION_KEY, Actor, actor_for, authorize, can_act
from lab.demo import create_demo_cluster
from lab.lessons import LESSONS_BY_SLUG


def join(classroom, name: str) -> tuple[Client, Student]:
    client = Client()
    response = client.post("/classroom/", {"code": classroom.join_code.lower(), "display_name": f"  {name} "})
    assert response.status_code == 302
    assert response["Location"] == f"/classroom/{classroom.join_code}/"
    student = Student.objects.get(pk=client.session[STUDENT_SESSION_KEY])
    assert student.display_name == name
    return client, student


def test_a_student_is_refused_on_the_demo_and_nothing_changes(classroom):
    _client, student = join(classroom, "Aiko")
    demo = classroom.demo_cluster
    version = demo.resource_version
    with pytest.raises(ApiError) as refused:
        authorize(Actor(student=student), demo, "scale")
    assert refused.value.code == 403
    assert refused.value.message == (
        'Aiko cannot scale in cluster "class-' + classroom.join_code.lower() + '": the class demo cluster is the '
        "instructor's; open your own sandbox to try this yourself"
    )
    demo.refresh_from_db()
    assert demo.resource_version == version


def test_students_act_on_their_own_sandbox_only(classroom):
    _a, aiko = join(classroom, "Aiko")
    _b, ben = join(classroom, "Ben")
    lesson = LESSONS_BY_SLUG["cluster-and-nodes"]
    aiko_sandbox, ben_sandbox = open_sandbox(aiko, lesson), open_sandbox(ben, lesson)
    assert can_act(Actor(student=aiko), aiko_sandbox, "scale") is True
    assert can_act(Actor(student=aiko), ben_sandbox, "scale") is False
    with translation.override("ja"), pytest.raises(ApiError) as refused:
        authorize(Actor(student=aiko), ben_sandbox, "scale")
    assert "このサンドボックスは Ben さんのものです" in refused.value.message
    free = create_demo_cluster(name="elsewhere")
    assert can_act(Actor(student=aiko), free, "scale") is False


def test_instructors_and_admins(classroom, instructor):
    assert can_act(Actor(user=instructor), classroom.demo_cluster, "power") is True
    other_teacher = User.objects.create_user("other")
    assert can_act(Actor(user=other_teacher), classroom.demo_cluster, "power") is False
    admin = User.objects.create_superuser("root", "", "root-pass-1")
    assert can_act(Actor(user=admin), classroom.demo_cluster, "power") is True
    free = create_demo_cluster(name="elsewhere")
    assert can_act(Actor(), free, "power") is True  # clusters outside classrooms stay open, as before


def test_rejoining_from_the_same_browser_keeps_the_student_and_sandbox(classroom):
    client, student = join(classroom, "Aiko")
    sandbox = open_sandbox(student, LESSONS_BY_SLUG["cluster-and-nodes"])
    client.post("/classroom/", {"code": classroom.join_code, "display_name": "Aiko K"})
    again = Student.objects.get(pk=client.session[STUDENT_SESSION_KEY])
    assert (again.pk, again.sandbox_id, again.display_name) == (student.pk, sandbox.pk, "Aiko K")
    assert actor_for(None, client.session).student.pk == student.pk


def test_wrong_join_code_is_explained(db):
    response = Client().post("/classroom/", {"code": "ZZZZZZ", "display_name": "Aiko"})
    assert response.status_code == 200
    assert "No classroom has the code ZZZZZZ. Check it with your instructor." in response.content.decode()


def test_room_needs_joining_and_opening_needs_the_permission(classroom):
    response = Client().get(f"/classroom/{classroom.join_code}/")
    assert response["Location"] == f"/classroom/?code={classroom.join_code}"
    stranger = Client()
    stranger.force_login(User.objects.create_user("stranger"))
    assert stranger.post("/classroom/new/", {"name": "x", "lesson": "services"}).status_code == 302  # to login


def test_live_action_refusal_through_the_diagram_check(classroom):
    """The diagram's socket calls authorize before live_actions; a student's scale of the demo never reaches it."""
    _client, student = join(classroom, "Aiko")
    demo = classroom.demo_cluster
    with pytest.raises(ApiError):
        authorize(Actor(student=student), demo, "scale")
    # the instructor's same request goes through the API server
    live_actions.perform(demo.pk, {"action": "scale", "name": "web", "replicas": 4})
