"""A proxy model per kind in cluster_engine.api.kinds.ALL_KINDS, each listing only the rows of its kind: what the
admin lists and edits per kind, with its own permissions.

They are generated rather than written, so a kind added to the engine's table appears here (and in the admin) by
itself. Django records proxies in migrations, so a new kind still takes one generated migration (`makemigrations`:
a proxy, no table, no SQL). `proxy_for("Pod")` finds one.
"""

from django.db import models
from django.utils.text import camel_case_to_spaces

from cluster_engine.api.kinds import ALL_KINDS, Kind

from .objects import KubeObject


class KindManager(models.Manager):
    """Only the rows of one kind: every query through a proxy, the admin's included, starts from here."""

    def __init__(self, kind: str):
        super().__init__()
        self.kind = kind

    def get_queryset(self):
        return super().get_queryset().filter(kind=self.kind)


def _proxy(kind: Kind) -> type[KubeObject]:
    verbose_name = camel_case_to_spaces(kind.kind)
    # `Endpoints` is plural already, as upstream's resource name (endpoints) says
    plural = verbose_name if verbose_name.endswith("s") else f"{verbose_name}s"
    meta = type("Meta", (), {"proxy": True, "verbose_name": verbose_name, "verbose_name_plural": plural})
    attributes = {"__module__": __name__, "Meta": meta, "KIND": kind.kind, "objects": KindManager(kind.kind)}
    return type(kind.kind, (KubeObject,), attributes)


PROXIES: dict[str, type[KubeObject]] = {kind.kind: _proxy(kind) for kind in ALL_KINDS}
# Each also lives where its __module__ says, as a class written here would (`manage.py shell` imports it from there).
globals().update(PROXIES)


def proxy_for(kind: str) -> type[KubeObject]:
    return PROXIES[kind]
