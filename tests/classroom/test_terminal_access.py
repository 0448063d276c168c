"""The terminal's kubeconfig carries the person's rights: a student edits only their sandbox and only views the demo;
the instructor edits the demo, and only their commands there are shown to the class."""

import yaml
from django.contrib.auth.models import AnonymousUser

from lab.classroom.clusters import open_sandbox
from lab.classroom.permissions import Actor
from lab.demo import create_demo_cluster
from lab.kubeapi import auth
from lab.lessons import LESSONS_BY_SLUG
from lab.terminal.access import access_for, role_for
from tests.classroom.test_permissions import join


def token_role(cluster, kubeconfig: str) -> str:
    document = yaml.safe_load(kubeconfig)
    assert document["clusters"][0]["cluster"]["server"].endswith(f"/k8s/clusters/{cluster.name}")
    return auth.authenticate(cluster, "Bearer " + document["users"][0]["user"]["token"]).role


def test_a_student_views_the_demo_and_edits_their_own_sandbox(classroom):
    _a, aiko = join(classroom, "Aiko")
    _b, ben = join(classroom, "Ben")
    lesson = LESSONS_BY_SLUG["cluster-and-nodes"]
    aiko_sandbox, ben_sandbox = open_sandbox(aiko, lesson), open_sandbox(ben, lesson)

    on_demo = access_for(Actor(student=aiko), classroom.demo_cluster)
    assert (on_demo.role, on_demo.broadcast) == (auth.VIEW, False)
    assert token_role(classroom.demo_cluster, on_demo.kubeconfig) == auth.VIEW
    own = access_for(Actor(student=aiko), aiko_sandbox)
    assert (own.role, own.broadcast) == (auth.ADMIN, False)
    assert token_role(aiko_sandbox, own.kubeconfig) == auth.ADMIN
    assert access_for(Actor(student=aiko), ben_sandbox).role == auth.VIEW


def test_the_instructors_commands_on_the_demo_are_shown_to_the_class(classroom, instructor):
    _a, aiko = join(classroom, "Aiko")
    sandbox = open_sandbox(aiko, LESSONS_BY_SLUG["cluster-and-nodes"])
    on_demo = access_for(Actor(user=instructor), classroom.demo_cluster)
    assert (on_demo.role, on_demo.broadcast) == (auth.ADMIN, True)
    assert token_role(classroom.demo_cluster, on_demo.kubeconfig) == auth.ADMIN
    in_sandbox = access_for(Actor(user=instructor), sandbox)
    assert (in_sandbox.role, in_sandbox.broadcast) == (auth.ADMIN, False)


def test_a_visitor_edits_a_free_cluster_unless_the_lab_is_watch_only(db, settings):
    free = create_demo_cluster(name="elsewhere")
    visitor = Actor(user=AnonymousUser())
    assert role_for(visitor, free) == auth.ADMIN
    settings.DEMO_WATCH_ONLY = True
    assert role_for(visitor, free) == auth.VIEW
