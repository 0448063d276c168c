"""Kubernetes REST paths, parsed: which group, version, resource, namespace, name and subresource a request names.

/api/v1/nodes/worker-1                          cluster-scoped object
/api/v1/namespaces/default/pods/web-1/log       namespaced object's subresource
/apis/apps/v1/deployments                       a namespaced kind across all namespaces
/api/v1/namespaces/dev/status                   the Namespace "dev"'s status subresource
"""

from dataclasses import dataclass

from cluster_engine.api.kinds import BY_PLURAL

NAMESPACE_SUBRESOURCES = {"status", "finalize"}


@dataclass(frozen=True)
class Target:
    group: str
    version: str
    resource: str
    namespace: str | None = None
    name: str | None = None
    subresource: str = ""

    @property
    def collection(self) -> bool:
        return self.name is None


def parse(group: str, version: str, segments: list[str]) -> Target | None:
    """The target of the path after the group version, or None when it is not a resource path."""
    if not segments or any(not segment for segment in segments):
        return None
    namespace = None
    if segments[0] == "namespaces" and len(segments) >= 3:
        core_namespace_subresource = (
            not group and len(segments) == 3 and segments[2] in NAMESPACE_SUBRESOURCES and segments[2] not in BY_PLURAL
        )
        if not core_namespace_subresource:
            namespace, segments = segments[1], segments[2:]
    if len(segments) > 3:
        return None
    resource = segments[0]
    name = segments[1] if len(segments) > 1 else None
    subresource = segments[2] if len(segments) > 2 else ""
    return Target(group, version, resource, namespace, name, subresource)
