"""A simulated cluster: its own objects, resourceVersion counter and simulated clock; many per installation."""

import time

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from cluster_engine.api.validation import DEFAULT_MAX_REPLICAS
from cluster_engine.runtime.clock import MAX_SPEED, MIN_SPEED


class Topology(models.TextChoices):
    SINGLE = "single", "Single control plane"
    HA = "ha", "Highly available (three control-plane nodes)"


class Cluster(models.Model):
    name = models.SlugField(max_length=63, unique=True)
    topology = models.CharField(max_length=16, choices=Topology.choices, default=Topology.SINGLE)
    # The simulated clock: `now` simulated seconds have passed since `epoch` (the wall-clock Unix time simulated
    # second 0 maps to, for object timestamps); `speed` simulated seconds pass per wall second unless paused.
    speed = models.FloatField(default=1.0, validators=[MinValueValidator(MIN_SPEED), MaxValueValidator(MAX_SPEED)])
    paused = models.BooleanField(default=False)
    now = models.FloatField(default=0.0)
    # A lab cluster starts its simulated time at the wall time it was created, so timestamps read sensibly in
    # kubectl (whose `describe` ages count from the real clock); Simulation keeps a fixed epoch for replays.
    epoch = models.FloatField(default=time.time)
    # etcd's revision: bumped once per write to any object of this cluster, so versions are per-cluster monotonic.
    resource_version = models.BigIntegerField(default=0)
    max_replicas = models.PositiveIntegerField(default=DEFAULT_MAX_REPLICAS)
    seed = models.IntegerField(default=0, help_text="Seeds the control plane's random choices (scheduler ties).")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
