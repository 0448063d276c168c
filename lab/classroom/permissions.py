"""Who may change which cluster: the one check every write path of the lab's pages calls before writing.

- Admins (superusers) act anywhere, as before the classroom existed.
- An instructor acts on the clusters of the classrooms they teach (demo and every student's sandbox).
- A student (a session that joined a classroom) acts on their own sandbox only: never on the class demo, never on
  another student's sandbox, never on a cluster outside the classroom.
- Travelling back in a cluster's history and forking it (TIME_TRAVEL_ACTIONS) is a teacher's tool: only admins and
  instructors (of the cluster's classroom, if it has one) may, whoever else may watch or change the cluster.
- Anyone else keeps the free run of clusters that belong to no classroom (unless settings.DEMO_WATCH_ONLY, where
  visitors without an account may only watch them), and none of the classroom's.
A refusal is a Kubernetes 403 Forbidden Status whose message says what was refused and what to do instead, in
the reader's language; nothing is written.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from cluster_engine.api.errors import ApiError
from lab.models import Cluster

from .language import language_of
from .models import TEACH_PERMISSION, Classroom, Student

STUDENT_SESSION_KEY = "classroom_student_id"
TIME_TRAVEL_ACTIONS = frozenset({"rewind", "replay", "fork"})


@dataclass(frozen=True)
class Actor:
    """The person behind a request: a Django user (maybe anonymous) and, if they joined a classroom, a student."""

    user: object | None = None
    student: Student | None = None

    @property
    def is_admin(self) -> bool:
        return bool(self.user is not None and self.user.is_authenticated and self.user.is_superuser)

    @property
    def is_instructor(self) -> bool:
        return bool(self.user is not None and self.user.is_authenticated and self.user.has_perm(TEACH_PERMISSION))

    def name(self) -> str:
        if self.student is not None:
            return self.student.display_name
        if self.user is not None and self.user.is_authenticated:
            return self.user.get_username()
        return "anonymous"


def actor_for(user, session) -> Actor:
    """From a request's (or a WebSocket scope's) user and session."""
    student = None
    student_id = session.get(STUDENT_SESSION_KEY) if session is not None else None
    if student_id is not None:
        student = Student.objects.select_related("classroom").filter(pk=student_id).first()
    return Actor(user=user, student=student)


def _classroom_of(cluster_id: int) -> tuple[Classroom | None, Student | None]:
    """The classroom a cluster belongs to (as its demo or as a sandbox) and, for a sandbox, its student."""
    student = Student.objects.select_related("classroom").filter(sandbox_id=cluster_id).first()
    if student is not None:
        return student.classroom, student
    return Classroom.objects.filter(Q(demo_cluster_id=cluster_id)).first(), None


def refusal(actor: Actor, cluster, action: str) -> str | None:
    """Why `actor` may not perform `action` on `cluster` (a Cluster), or None when they may."""
    if actor.is_admin:
        return None
    classroom, owner = _classroom_of(cluster.pk)
    if action in TIME_TRAVEL_ACTIONS and not actor.is_instructor:
        return _("only instructors and admins can rewind a cluster's history or fork it")
    if actor.student is not None:
        if owner is not None and owner.pk == actor.student.pk:
            return None
        if classroom is not None and classroom.demo_cluster_id == cluster.pk:
            return _("the class demo cluster is the instructor's; open your own sandbox to try this yourself")
        if owner is not None:
            return _("this sandbox belongs to %(student)s; you can change only your own sandbox") % {
                "student": owner.display_name
            }
        return _("students can change only their own sandbox")
    if classroom is None:
        if settings.DEMO_WATCH_ONLY and not (actor.user is not None and actor.user.is_authenticated):
            return _("this lab lets visitors only watch clusters outside a classroom; sign in to change them")
        return None
    if actor.is_instructor and classroom.instructor_id == getattr(actor.user, "pk", None):
        return None
    return _("this cluster belongs to the classroom %(classroom)s; join it or sign in as its instructor") % {
        "classroom": classroom.name
    }


def can_act(actor: Actor, cluster, action: str) -> bool:
    return refusal(actor, cluster, action) is None


def authorize(actor: Actor, cluster, action: str) -> None:
    """Raise a 403 Forbidden Status unless `actor` may perform `action` on `cluster`."""
    reason = refusal(actor, cluster, action)
    if reason is not None:
        message = _('%(who)s cannot %(action)s in cluster "%(cluster)s": %(reason)s') % {
            "who": actor.name(),
            "action": action,
            "cluster": cluster.name,
            "reason": reason,
        }
        raise ApiError(403, "Forbidden", message, {"name": cluster.name, "kind": "clusters"})


def authorize_scope(scope: dict, cluster_id: int, action) -> None:
    """`authorize` for a WebSocket request (the diagram's socket), refusing in the language of its page."""
    with translation.override(language_of(scope)):
        cluster = Cluster.objects.filter(pk=cluster_id).first()
        if cluster is not None:
            authorize(actor_for(scope.get("user"), scope.get("session")), cluster, str(action))
