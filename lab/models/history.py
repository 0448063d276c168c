"""Each cluster's history: every committed write, in order, with the simulated time it happened at.

etcd keeps its past revisions until compaction; this table is that past for our etcd (the objects table). A row is
one write: the revision (resourceVersion) it made, the simulated second, ADDED/MODIFIED/DELETED, the object's key,
and the object as stored (zlib-compressed JSON; a deletion keeps only the key and the revision). lab/history prunes
it as it goes, keeping the newest writes and, below them, the last write of every object still alive (a keyframe),
so the cluster can be rebuilt as it stood at any revision from the horizon on.
"""

from django.db import models

from .cluster import Cluster


class HistoryEntry(models.Model):
    class Type(models.TextChoices):
        ADDED = "ADDED"
        MODIFIED = "MODIFIED"
        DELETED = "DELETED"

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="+")
    revision = models.BigIntegerField()
    time = models.FloatField(help_text="Simulated seconds since the cluster's epoch.")
    type = models.CharField(max_length=8, choices=Type.choices)
    kind = models.CharField(max_length=63)
    namespace = models.CharField(max_length=63, blank=True, default="")
    name = models.CharField(max_length=253)
    data = models.BinaryField(help_text="The object as stored: JSON, zlib-compressed.")

    class Meta:
        verbose_name_plural = "history entries"
        indexes = [
            models.Index(fields=["cluster", "revision"], name="lab_history_revision"),
            models.Index(fields=["cluster", "kind", "namespace", "name", "revision"], name="lab_history_key"),
        ]

    def __str__(self) -> str:
        return f"{self.revision} {self.type} {self.kind} {self.namespace}/{self.name}"


class HistoryHorizon(models.Model):
    """The oldest revision a cluster can still be rebuilt at, once pruning (or the history's late start) has
    removed what came before. A cluster without one has its whole history."""

    cluster = models.OneToOneField(Cluster, on_delete=models.CASCADE, primary_key=True, related_name="+")
    revision = models.BigIntegerField()
    time = models.FloatField()

    def __str__(self) -> str:
        return f"{self.cluster_id} from {self.revision}"
