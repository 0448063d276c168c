import pytest
from django.contrib.auth.models import Permission, User

from lab.classroom.clusters import start_demo
from lab.classroom.models import Classroom
from lab.lessons import LESSONS_BY_SLUG


@pytest.fixture
def instructor(db):
    user = User.objects.create_user("teacher", password="teach-pass-1")
    user.user_permissions.add(Permission.objects.get(codename="teach_classroom"))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def classroom(instructor):
    created = Classroom.objects.create(name="Kubernetes 101", instructor=instructor)
    start_demo(created, LESSONS_BY_SLUG["cluster-and-nodes"])
    return created
