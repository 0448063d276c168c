"""The resource kinds a KubeLab cluster serves, with the names the Kubernetes API uses for them."""

from dataclasses import dataclass, field

from cluster_engine import openapi


@dataclass(frozen=True)
class Kind:
    kind: str
    api_version: str
    plural: str
    namespaced: bool
    short_names: tuple[str, ...] = ()
    # Subresources served besides the object itself ("status", "scale", "eviction", "log").
    subresources: tuple[str, ...] = ()
    # The OpenAPI definition of a kind upstream does not define (the simulator's own), in upstream's format.
    own_definition: dict | None = field(default=None, compare=False, repr=False)

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

    @property
    def definition_name(self) -> str:
        """The OpenAPI definition the kind is served as: upstream's (`io.k8s.api.apps.v1.Deployment`), or for our own
        kinds the name upstream gives a custom resource's schema (`io.kubelab.v1alpha1.ControlPlaneComponent`)."""
        if self.own_definition is None:
            return openapi.definition_name(self.group, self.version, self.kind)
        return ".".join([*reversed(self.group.split(".")), self.version, self.kind])

    @property
    def upstream_definition(self) -> str | None:
        """The upstream type the kind is served as; None for the simulator's own kinds, which upstream would serve as
        custom resources (no strategic merge for them)."""
        return None if self.own_definition is not None else self.definition_name

    @property
    def definition(self) -> dict:
        """Every field of the kind, with its type, format and `x-kubernetes-*` extensions."""
        if self.own_definition is None:
            return openapi.definitions()[self.definition_name]
        return self.own_definition


# The simulator's own kind: a control-plane component (etcd, kube-apiserver, ...) and where it runs.
KUBELAB_GROUP = "kubelab.io"
_TYPE_META = {  # apiVersion and kind, declared as every upstream kind declares them
    name: openapi.definitions()["io.k8s.api.core.v1.Pod"]["properties"][name] for name in ("apiVersion", "kind")
}
CONTROL_PLANE_COMPONENT = {
    "description": "ControlPlaneComponent is one instance of a control-plane component (etcd, kube-apiserver, "
    "kube-scheduler, ...) and the node it runs on.",
    "properties": {
        **_TYPE_META,
        "metadata": {
            "$ref": f"{openapi.REF_PREFIX}io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
            "description": "Standard object's metadata.",
        },
        "spec": {
            "description": "Which component this is and where it runs.",
            "properties": {
                "component": {"description": "The component: etcd, kube-apiserver, ...", "type": "string"},
                "nodeName": {"description": "The control-plane node the instance runs on.", "type": "string"},
            },
            "type": "object",
        },
        "status": {
            "description": "How the instance is doing, as the simulation last observed it.",
            "properties": {
                "lastTransitionTime": {
                    "$ref": f"{openapi.REF_PREFIX}io.k8s.apimachinery.pkg.apis.meta.v1.Time",
                    "description": "When the phase last changed.",
                },
                "leader": {"description": "Whether this instance holds its component's lease.", "type": "boolean"},
                "message": {"description": "Why the instance is in this phase.", "type": "string"},
                "phase": {"description": "Running or Down.", "type": "string"},
            },
            "type": "object",
        },
    },
    "type": "object",
    "x-kubernetes-group-version-kind": [
        {"group": KUBELAB_GROUP, "kind": "ControlPlaneComponent", "version": "v1alpha1"}
    ],
}

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
    Kind("PersistentVolume", "v1", "persistentvolumes", False, ("pv",), ("status",)),
    Kind("PersistentVolumeClaim", "v1", "persistentvolumeclaims", True, ("pvc",), ("status",)),
    Kind("StatefulSet", "apps/v1", "statefulsets", True, ("sts",), ("status", "scale")),
    Kind("DaemonSet", "apps/v1", "daemonsets", True, ("ds",), ("status",)),
    Kind("ControllerRevision", "apps/v1", "controllerrevisions", True),
    Kind("Job", "batch/v1", "jobs", True, (), ("status",)),
    Kind("CronJob", "batch/v1", "cronjobs", True, ("cj",), ("status",)),
    Kind("PodDisruptionBudget", "policy/v1", "poddisruptionbudgets", True, ("pdb",), ("status",)),
    Kind("EndpointSlice", "discovery.k8s.io/v1", "endpointslices", True),
    Kind("HorizontalPodAutoscaler", "autoscaling/v2", "horizontalpodautoscalers", True, ("hpa",), ("status",)),
    Kind("StorageClass", "storage.k8s.io/v1", "storageclasses", False, ("sc",)),
    Kind("VolumeAttachment", "storage.k8s.io/v1", "volumeattachments", False, (), ("status",)),
    Kind("CSINode", "storage.k8s.io/v1", "csinodes", False),
    Kind("PriorityClass", "scheduling.k8s.io/v1", "priorityclasses", False, ("pc",)),
    Kind("Lease", "coordination.k8s.io/v1", "leases", True),
    Kind(
        "ControlPlaneComponent",
        f"{KUBELAB_GROUP}/v1alpha1",
        "controlplanecomponents",
        False,
        ("cpc",),
        ("status",),
        CONTROL_PLANE_COMPONENT,
    ),
)
KINDS = {kind.kind: kind for kind in ALL_KINDS}
BY_PLURAL = {kind.plural: kind for kind in ALL_KINDS}


def kind_named(name: str) -> Kind:
    """The Kind for a kind name (`Pod`) or plural (`pods`); KeyError when we do not serve it."""
    return KINDS.get(name) or BY_PLURAL[name]
