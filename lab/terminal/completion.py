"""Tab completion: kubectl's verbs, the resource names the API's discovery serves, and objects' names.

Kinds come from the same discovery documents kubectl reads (lab/kubeapi/discovery), so completion offers exactly
what `kubectl api-resources` lists. Names are read from the cluster's stored objects, as `kubectl get -o name`
would list them; Secrets only for a role that may read them (upstream's `view` may not).
"""

from cluster_engine.api.kinds import ALL_KINDS, Kind
from lab.kubeapi import auth, catalog, discovery
from lab.models import proxy_for

from .policy import ALLOWED_COMMANDS

MAX_NAMES = 200


def resource_words() -> list[str]:
    """Every name kubectl accepts for a resource served: plural, singular and short names."""
    words = set()
    for group, versions in catalog.group_versions().items():
        for version in versions:
            for resource in (discovery.resource_list(group, version) or {}).get("resources", []):
                if "/" in resource["name"]:
                    continue
                words.update([resource["name"], resource.get("singularName") or "", *resource.get("shortNames", [])])
    words.discard("")
    return sorted(words)


def verbs() -> list[str]:
    return sorted(ALLOWED_COMMANDS)


def kind_for(word: str) -> Kind | None:
    """The stored kind a resource word names (`deploy`, `deployments`, `deployment.apps`), as kubectl resolves it."""
    name = word.lower().split(".", 1)[0]
    for kind in ALL_KINDS:
        if name in (kind.plural, kind.singular, *kind.short_names):
            return kind
    return None


def object_names(cluster_id: int, resource: str, namespace: str, role: str) -> list[str]:
    kind = kind_for(resource)
    if kind is None or not auth.allowed(_identity(cluster_id, role), "list", kind.group, kind.plural):
        return []
    objects = proxy_for(kind.kind).objects.filter(cluster_id=cluster_id)
    if kind.namespaced:
        objects = objects.filter(namespace=namespace)
    return list(objects.order_by("name").values_list("name", flat=True)[:MAX_NAMES])


def _identity(cluster_id: int, role: str) -> auth.Identity:
    return auth.Identity(cluster_id, "", "", "", role)
