"""Every cluster object of every kind in one table, scoped by its cluster (our etcd).

A row is one object: `manifest` holds it exactly as the API server stored it (apiVersion, kind, metadata and every
other field), so a read gives back what was written, and a kind the engine serves needs no table or column of its
own. The other columns are copied from the manifest on every write, for the questions asked of many rows at once:
the key (cluster, kind, namespace, name) every read goes through, the uid tokens are checked against, the times lists
sort and filter on, a pod's node, an Event's last time. Anything else is asked of the manifest itself (JSON lookups
such as `manifest__status__phase`). Only lab/storage.py writes these rows, on behalf of the API server; the admin
sees each kind through its proxy model (lab/models/kinds.py).
"""

from typing import ClassVar

from django.db import models

from .cluster import Cluster


class KubeObject(models.Model):
    # The kind a proxy model lists; empty on this model, which lists every kind.
    KIND: ClassVar[str] = ""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=63)
    namespace = models.CharField(max_length=63, blank=True, default="", help_text="Empty for cluster-scoped kinds.")
    name = models.CharField(max_length=253)
    uid = models.CharField(max_length=36)
    resource_version = models.BigIntegerField()
    creation_timestamp = models.DateTimeField(null=True, blank=True)
    deletion_timestamp = models.DateTimeField(null=True, blank=True)
    # spec.nodeName: "pods on node X" is the question pages, drains and field selectors ask most.
    node_name = models.CharField(max_length=253, blank=True, default="")
    # An Event's lastTimestamp as the RFC 3339 text the API carries, which sorts by time: the Events list's order.
    last_timestamp = models.CharField(max_length=40, blank=True, default="")
    manifest = models.JSONField()

    class Meta:
        ordering = ["namespace", "name"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "kind", "namespace", "name"], name="lab_kubeobject_unique_name")
        ]
        indexes = [models.Index(fields=["cluster", "node_name"], name="lab_kubeobject_node_name")]

    def __str__(self) -> str:
        return f"{self.namespace}/{self.name}" if self.namespace else self.name
