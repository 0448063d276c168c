"""The kubeconfig a terminal command runs with: this cluster only, with the person's rights on it.

Whoever may change the cluster on the page (lab/classroom/permissions: a student in their own sandbox, the
instructor on the class demo, anyone on a cluster outside a classroom unless it is watch-only) gets an `admin`
token; everyone else a `view` token, so a student typing `kubectl scale` on the class demo gets the API server's
own 403 Forbidden, worded as upstream's RBAC. The token lives only as long as upstream's shortest TokenRequest
(10 minutes), enough for a streaming command's longest run.
"""

from dataclasses import dataclass

from django.conf import settings

from lab.classroom.models import Classroom
from lab.classroom.permissions import Actor, can_act
from lab.kubeapi import auth
from lab.kubeapi.kubeconfig import kubeconfig
from lab.models import Cluster

TERMINAL_ACTION = "run kubectl"


@dataclass(frozen=True)
class Access:
    role: str  # auth.ADMIN or auth.VIEW
    kubeconfig: str  # YAML
    broadcast: bool  # the instructor at the class demo: the class sees the command and its output


def api_base() -> str:
    """The lab's own kube API, which this process serves over TLS (runlab's --kube-port)."""
    return settings.TERMINAL_KUBE_API or f"https://127.0.0.1:{settings.KUBE_API_PORT}"


def role_for(actor: Actor, cluster: Cluster) -> str:
    return auth.ADMIN if can_act(actor, cluster, TERMINAL_ACTION) else auth.VIEW


def access_for(actor: Actor, cluster: Cluster) -> Access:
    role = role_for(actor, cluster)
    teaching = (
        role == auth.ADMIN
        and actor.student is None
        and Classroom.objects.filter(demo_cluster=cluster, instructor_id=getattr(actor.user, "pk", None)).exists()
    )
    return Access(role, kubeconfig(cluster, role, api_base(), auth.MIN_TOKEN_SECONDS), teaching)
