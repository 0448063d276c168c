"""The resource kinds a KubeLab cluster serves, with the names the Kubernetes API uses for them."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    kind: str
    api_version: str
    plural: str
    namespaced: bool
    short_names: tuple[str, ...] = ()
    # Subresources served besides the object itself ("status", "scale", "eviction", "log").
    subresources: tuple[str, ...] = ()

    @property
    def group(self) -> str:
        return self.api_version.rpartition("/")[0]

    @property
    def version(self) -> str:
        return self.api_version.rpartition("/")[2]

    @property
    def singular(self) -> str:
        return self.kind.lower()

    @property
    def qualified_plural(self) -> str:
        """`deployments.apps`, as upstream names a resource in error messages; core kinds have no group."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def qualified_kind(self) -> str:
        """`Deployment.apps`, as upstream names a kind in 422 messages."""
        return f"{self.kind}.{self.group}" if self.group else self.kind


# The simulator's own kind: a control-plane component (etcd, kube-apiserver, ...) and where it runs.
KUBELAB_GROUP = "kubelab.io"

ALL_KINDS = (
    Kind("Namespace", "v1", "namespaces", False, ("ns",), ("status", "finalize")),
    Kind("Node", "v1", "nodes", False, ("no",), ("status",)),
    Kind("Pod", "v1", "pods", True, ("po",), ("status", "eviction", "log", "binding")),
    Kind("Service", "v1", "services", True, ("svc",), ("status",)),
    Kind("Endpoints", "v1", "endpoints", True, ("ep",)),
    Kind("ServiceAccount", "v1", "serviceaccounts", True, ("sa",), ("token",)),
    Kind("Secret", "v1", "secrets", True),
    Kind("ConfigMap", "v1", "configmaps", True, ("cm",)),
    Kind("Event", "v1", "events", True, ("ev",)),
    Kind("ReplicationController", "v1", "replicationcontrollers", True, ("rc",), ("status", "scale")),
    Kind("ReplicaSet", "apps/v1", "replicasets", True, ("rs",), ("status", "scale")),
    Kind("Deployment", "apps/v1", "deployments", True, ("deploy",), ("status", "scale")),
    Kind("Lease", "coordination.k8s.io/v1", "leases", True),
    Kind("ControlPlaneComponent", f"{KUBELAB_GROUP}/v1alpha1", "controlplanecomponents", False, ("cpc",), ("status",)),
)
KINDS = {kind.kind: kind for kind in ALL_KINDS}
BY_PLURAL = {kind.plural: kind for kind in ALL_KINDS}


def kind_named(name: str) -> Kind:
    """The Kind for a kind name (`Pod`) or plural (`pods`); KeyError when we do not serve it."""
    return KINDS.get(name) or BY_PLURAL[name]
