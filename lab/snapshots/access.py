"""Who may take snapshots out and bring them in.

Importing creates a cluster, which only instructors and admins do (the same people who open classrooms and add
clusters in the admin); anyone else is refused with a 403 Forbidden Status that says so, and nothing is created.
Exporting follows the kubeconfig the page would hand the same person: staff get the `admin` role, so their export
holds Secrets; everyone else gets `view`, which may not list Secrets, so theirs leaves them out.
"""

from django.utils.translation import gettext as _

from cluster_engine.api.errors import ApiError

from ..classroom.permissions import Actor


def authorize_import(actor: Actor) -> None:
    if actor.is_admin or actor.is_instructor:
        return
    message = _("%(who)s cannot import snapshots: only instructors and admins create clusters; sign in as one") % {
        "who": actor.name()
    }
    raise ApiError(403, "Forbidden", message, {"kind": "clusters"})


def may_read_secrets(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_staff)
