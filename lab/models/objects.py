"""One table per Kubernetes kind, every row scoped by its cluster.

Columns are Kubernetes' own field names in snake_case: the metadata every object carries (name, namespace, uid,
labels, annotations, ownerReferences, resourceVersion, creationTimestamp, deletionTimestamp, ...) on the abstract
base, and each kind's top-level fields (spec, status, ConfigMap data, Endpoints subsets, Event reason, ...) on its
own model. `None` (or "" for strings, which Kubernetes omits when empty) stands for a field the object does not
have, so lab/serializers.py turns a row back into exactly the JSON that was stored. Only lab/storage.py writes
these rows, on behalf of the API server.
"""

from typing import ClassVar

from django.db import models

from .cluster import Cluster


class KubeObject(models.Model):
    KIND: ClassVar[str] = ""
    # Top-level JSON fields besides apiVersion, kind and metadata; each maps to the snake_case column.
    BODY: ClassVar[tuple[str, ...]] = ()

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=253)
    namespace = models.CharField(max_length=63, blank=True, default="", help_text="Empty for cluster-scoped kinds.")
    generate_name = models.CharField(max_length=253, blank=True, default="")
    uid = models.CharField(max_length=36)
    resource_version = models.BigIntegerField()
    generation = models.BigIntegerField(null=True, blank=True)
    creation_timestamp = models.DateTimeField(null=True, blank=True)
    deletion_timestamp = models.DateTimeField(null=True, blank=True)
    deletion_grace_period_seconds = models.BigIntegerField(null=True, blank=True)
    labels = models.JSONField(null=True, blank=True)
    annotations = models.JSONField(null=True, blank=True)
    owner_references = models.JSONField(null=True, blank=True)
    finalizers = models.JSONField(null=True, blank=True)
    managed_fields = models.JSONField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["namespace", "name"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "namespace", "name"], name="%(app_label)s_%(class)s_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.namespace}/{self.name}" if self.namespace else self.name


class WithSpecAndStatus(KubeObject):
    BODY = ("spec", "status")

    spec = models.JSONField(null=True, blank=True)
    status = models.JSONField(null=True, blank=True)

    class Meta(KubeObject.Meta):
        abstract = True


class Namespace(WithSpecAndStatus):
    KIND = "Namespace"


class Node(WithSpecAndStatus):
    KIND = "Node"


class Pod(WithSpecAndStatus):
    KIND = "Pod"

    # spec.nodeName, copied into a column: "pods on node X" is the question pages and field selectors ask most.
    node_name = models.CharField(max_length=253, blank=True, default="")

    class Meta(WithSpecAndStatus.Meta):
        indexes = [models.Index(fields=["cluster", "node_name"], name="lab_pod_cluster_node_name")]


class ReplicaSet(WithSpecAndStatus):
    KIND = "ReplicaSet"


class ReplicationController(WithSpecAndStatus):
    KIND = "ReplicationController"


class Deployment(WithSpecAndStatus):
    KIND = "Deployment"


class Service(WithSpecAndStatus):
    KIND = "Service"


class Endpoints(KubeObject):
    KIND = "Endpoints"
    BODY = ("subsets",)

    subsets = models.JSONField(null=True, blank=True)

    class Meta(KubeObject.Meta):
        verbose_name_plural = "endpoints"


class ServiceAccount(KubeObject):
    KIND = "ServiceAccount"
    BODY = ("secrets", "imagePullSecrets", "automountServiceAccountToken")

    secrets = models.JSONField(null=True, blank=True)
    image_pull_secrets = models.JSONField(null=True, blank=True)
    automount_service_account_token = models.BooleanField(null=True, blank=True)


class Secret(KubeObject):
    KIND = "Secret"
    BODY = ("type", "data", "immutable")

    type = models.CharField(max_length=253, blank=True, default="")
    data = models.JSONField(null=True, blank=True)
    immutable = models.BooleanField(null=True, blank=True)


class ConfigMap(KubeObject):
    KIND = "ConfigMap"
    BODY = ("data", "binaryData", "immutable")

    data = models.JSONField(null=True, blank=True)
    binary_data = models.JSONField(null=True, blank=True)
    immutable = models.BooleanField(null=True, blank=True)


class Event(KubeObject):
    KIND = "Event"
    BODY = (
        "involvedObject",
        "reason",
        "message",
        "type",
        "source",
        "firstTimestamp",
        "lastTimestamp",
        "count",
        "eventTime",
        "series",
        "action",
        "related",
        "reportingComponent",
        "reportingInstance",
    )

    involved_object = models.JSONField(null=True, blank=True)
    reason = models.CharField(max_length=128, blank=True, default="")
    message = models.TextField(blank=True, default="")
    type = models.CharField(max_length=32, blank=True, default="")
    source = models.JSONField(null=True, blank=True)
    # Kept as the RFC 3339 text the API carries (second or microsecond precision), which also sorts by time.
    first_timestamp = models.CharField(max_length=40, blank=True, default="")
    last_timestamp = models.CharField(max_length=40, blank=True, default="")
    count = models.IntegerField(null=True, blank=True)
    event_time = models.CharField(max_length=40, blank=True, default="")
    series = models.JSONField(null=True, blank=True)
    action = models.CharField(max_length=128, blank=True, default="")
    related = models.JSONField(null=True, blank=True)
    reporting_component = models.CharField(max_length=128, blank=True, default="")
    reporting_instance = models.CharField(max_length=128, blank=True, default="")


class Lease(KubeObject):
    KIND = "Lease"
    BODY = ("spec",)

    spec = models.JSONField(null=True, blank=True)


class ControlPlaneComponent(WithSpecAndStatus):
    KIND = "ControlPlaneComponent"


MODELS_BY_KIND: dict[str, type[KubeObject]] = {
    model.KIND: model
    for model in (
        Namespace,
        Node,
        Pod,
        Service,
        Endpoints,
        ServiceAccount,
        Secret,
        ConfigMap,
        Event,
        ReplicaSet,
        ReplicationController,
        Deployment,
        Lease,
        ControlPlaneComponent,
    )
}


def model_for(kind: str) -> type[KubeObject]:
    return MODELS_BY_KIND[kind]
