"""Rewinding and forking are the teacher's: students may watch (and change their sandbox) but never travel back."""

import pytest
from django.contrib.auth.models import Permission, User
from django.utils import translation

from cluster_engine.api.errors import ApiError
from lab.classroom.clusters import open_sandbox
from lab.classroom.permissions import TIME_TRAVEL_ACTIONS, Actor, authorize, can_act
from lab.demo import create_demo_cluster
from lab.lessons import LESSONS_BY_SLUG

from .test_permissions import join


def test_a_student_may_not_rewind_the_demo_or_even_their_own_sandbox(classroom):
    _client, student = join(classroom, "Aiko")
    sandbox = open_sandbox(student, LESSONS_BY_SLUG["cluster-and-nodes"])
    actor = Actor(student=student)
    assert can_act(actor, sandbox, "scale")
    for cluster in (classroom.demo_cluster, sandbox):
        for action in TIME_TRAVEL_ACTIONS:
            with pytest.raises(ApiError) as refused:
                authorize(actor, cluster, action)
            assert refused.value.code == 403 and refused.value.reason == "Forbidden"
            assert refused.value.status()["message"] == (
                f'Aiko cannot {action} in cluster "{cluster.name}": '
                "only instructors and admins can rewind a cluster's history or fork it"
            )


def test_instructors_rewind_their_own_classroom_and_free_clusters_admins_anything(classroom, instructor):
    other = User.objects.create_user("other-teacher")
    other.user_permissions.add(Permission.objects.get(codename="teach_classroom"))
    other = User.objects.get(pk=other.pk)
    admin = User.objects.create_superuser("root")
    free = create_demo_cluster()
    assert can_act(Actor(user=instructor), classroom.demo_cluster, "rewind")
    assert can_act(Actor(user=instructor), free, "fork")
    assert can_act(Actor(user=admin), classroom.demo_cluster, "fork")
    assert not can_act(Actor(user=other), classroom.demo_cluster, "rewind")
    assert not can_act(Actor(user=User.objects.create_user("plain")), free, "rewind")
    assert can_act(Actor(user=None), free, "scale") and not can_act(Actor(user=None), free, "replay")


def test_the_refusal_speaks_the_readers_language(classroom):
    _client, student = join(classroom, "Aiko")
    with translation.override("ja"), pytest.raises(ApiError) as refused:
        authorize(Actor(student=student), classroom.demo_cluster, "rewind")
    assert "only instructors and admins" not in refused.value.status()["message"]
