"""Which clusters a person sees on the home page, and who may create and delete clusters there.

Who sees what:
- an admin (superuser) sees every cluster;
- an instructor sees the clusters of the classrooms they teach (each demo and every student's sandbox) and the
  clusters outside any classroom;
- a student (a session that joined a classroom) sees their classroom's demo, their own sandbox and the clusters
  outside any classroom, never another student's sandbox;
- anyone else, signed in or not, sees the clusters outside any classroom.
Someone who is several of these (an instructor who joined a class as a student) sees the union.

Only instructors and admins create and delete clusters: an admin any cluster, an instructor the clusters of their
own classrooms and those outside any classroom, never another instructor's classroom's. Everyone else changes
clusters as lab/classroom/permissions.py says, but never creates or deletes one.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from lab.models import Cluster

from .models import Classroom, Student
from .permissions import Actor


@dataclass(frozen=True)
class Membership:
    """Where a cluster belongs: a classroom's demo (no student) or a student's sandbox."""

    classroom: Classroom
    student: Student | None = None


def _in_a_classroom() -> Q:
    demos = Classroom.objects.filter(demo_cluster__isnull=False).values("demo_cluster")
    sandboxes = Student.objects.filter(sandbox__isnull=False).values("sandbox")  # NOT IN (..., NULL) would hide all
    return Q(pk__in=demos) | Q(pk__in=sandboxes)


def visible_clusters(actor: Actor) -> QuerySet:
    """The clusters `actor` sees, as one query (the rules are the module's docstring)."""
    if actor.is_admin:
        return Cluster.objects.all()
    seen = ~_in_a_classroom()
    if actor.is_instructor:
        teaching = Classroom.objects.filter(instructor=actor.user)
        seen |= Q(pk__in=teaching.filter(demo_cluster__isnull=False).values("demo_cluster"))
        seen |= Q(pk__in=Student.objects.filter(classroom__in=teaching, sandbox__isnull=False).values("sandbox"))
    if actor.student is not None:
        mine = [actor.student.sandbox_id, actor.student.classroom.demo_cluster_id]
        seen |= Q(pk__in=[pk for pk in mine if pk is not None])
    return Cluster.objects.filter(seen)


def memberships(cluster_ids: list[int]) -> dict[int, Membership]:
    """The classroom each of these clusters belongs to, if any, from two queries whatever their number."""
    found = {
        classroom.demo_cluster_id: Membership(classroom)
        for classroom in Classroom.objects.filter(demo_cluster_id__in=cluster_ids)
    }
    for student in Student.objects.filter(sandbox_id__in=cluster_ids).select_related("classroom"):
        found[student.sandbox_id] = Membership(student.classroom, student)
    return found


def membership_of(cluster: Cluster) -> Membership | None:
    return memberships([cluster.pk]).get(cluster.pk)


def create_refusal(actor: Actor) -> str | None:
    """Why `actor` may not create a cluster, or None when they may."""
    if actor.is_admin or actor.is_instructor:
        return None
    return _("only instructors and admins can create clusters; sign in as one")


def delete_refusal(actor: Actor, membership: Membership | None) -> str | None:
    """Why `actor` may not delete a cluster that belongs to `membership` (None: no classroom), or None."""
    if actor.is_admin:
        return None
    if not actor.is_instructor:
        return _("only instructors and admins can delete clusters")
    if membership is None or membership.classroom.instructor_id == actor.user.pk:
        return None
    return _("this cluster belongs to the classroom %(classroom)s, which another instructor teaches") % {
        "classroom": membership.classroom.name
    }
