"""Which control-plane worker process acts, when several run (scale-out) or a restarted one takes over."""

from django.db import models


class WorkerLease(models.Model):
    """A lease like the Lease objects kube-controller-manager replicas elect a leader with, but for our own worker
    processes: it is not a cluster object, so no simulated fault (a down API server) can take it away."""

    name = models.CharField(max_length=63, unique=True)
    holder = models.CharField(max_length=253)
    acquired_at = models.FloatField(help_text="Wall-clock Unix time the holder took the lease.")
    renewed_at = models.FloatField(help_text="Wall-clock Unix time of the holder's last renewal.")
    transitions = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} held by {self.holder}"
