"""Every resource the kube API serves, keyed the way URLs and discovery name them.

The stored kinds come from cluster_engine.api.kinds; besides them we serve the review resources kubectl uses
(`auth can-i` posts a SelfSubjectAccessReview, `auth whoami` a SelfSubjectReview) and the subresources kubectl looks
for in discovery (`drain` needs `pods/eviction` listed with its policy/v1 kind, `scale` needs `deployments/scale`).
"""

from dataclasses import dataclass

from cluster_engine.api.kinds import ALL_KINDS, Kind

READ_WRITE = ("create", "delete", "get", "list", "patch", "update", "watch")
# upstream: every registry we serve implements rest.CollectionDeleter except namespaces (pkg/registry/core/namespace
# wraps its store without DeleteCollection); services gained it with the release we serve (its OpenAPI, and the
# clients generated from it, have deletecollection on services)
WITHOUT_DELETE_COLLECTION = {"Namespace"}
# upstream: the registries whose store sets ReturnDeletedObject (pkg/registry/core/{pod,service,serviceaccount,
# namespace}/storage); the others answer a finished delete with a Success Status
RETURN_DELETED_OBJECT = {"Pod", "Service", "ServiceAccount", "Namespace"}
# upstream: `kubectl get all` expands the "all" category; these are the members we serve
ALL_CATEGORY = {"Pod", "Service", "ReplicationController", "Deployment", "ReplicaSet"}


@dataclass(frozen=True)
class Subresource:
    name: str
    kind: str
    verbs: tuple[str, ...]
    group: str = ""
    version: str = ""


# What each subresource of a stored kind accepts, and the kind of its body when that is not the parent's own.
SUBRESOURCES = {
    "status": Subresource("status", "", ("get", "patch", "update")),
    "finalize": Subresource("finalize", "", ("update",)),
    "scale": Subresource("scale", "Scale", ("get", "patch", "update"), "autoscaling", "v1"),
    "eviction": Subresource("eviction", "Eviction", ("create",), "policy", "v1"),
    "log": Subresource("log", "Pod", ("get",)),
    "binding": Subresource("binding", "Binding", ("create",)),
    "token": Subresource("token", "TokenRequest", ("create",), "authentication.k8s.io", "v1"),
}


@dataclass(frozen=True)
class Review:
    """A create-only, cluster-scoped resource that is answered, not stored."""

    group: str
    version: str
    plural: str
    kind: str

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}"


REVIEWS = (
    Review("authorization.k8s.io", "v1", "selfsubjectaccessreviews", "SelfSubjectAccessReview"),
    Review("authentication.k8s.io", "v1", "selfsubjectreviews", "SelfSubjectReview"),
)


def deletes_collections(kind: Kind) -> bool:
    return kind.kind not in WITHOUT_DELETE_COLLECTION


def verbs(kind: Kind) -> list[str]:
    """A stored kind's verbs as discovery lists them (sorted, as upstream's installer does)."""
    extra = ("deletecollection",) if deletes_collections(kind) else ()
    return sorted(READ_WRITE + extra)


def group_versions() -> dict[str, list[str]]:
    """Group name ("" for core) → the versions served, in preference order."""
    versions: dict[str, list[str]] = {}
    for kind in ALL_KINDS:
        versions.setdefault(kind.group, [])
        if kind.version not in versions[kind.group]:
            versions[kind.group].append(kind.version)
    for review in REVIEWS:
        versions.setdefault(review.group, [review.version])
    return versions


def stored_kind(group: str, version: str, plural: str) -> Kind | None:
    for kind in ALL_KINDS:
        if kind.group == group and kind.version == version and kind.plural == plural:
            return kind
    return None


def review(group: str, version: str, plural: str) -> Review | None:
    for candidate in REVIEWS:
        if (candidate.group, candidate.version, candidate.plural) == (group, version, plural):
            return candidate
    return None


def kinds_in(group: str, version: str) -> list[Kind]:
    return [kind for kind in ALL_KINDS if kind.group == group and kind.version == version]
