"""Electing the one control-plane worker process that acts, with upstream leader-election timings.

kube-controller-manager replicas elect a leader through a Lease (leaseDuration 15 s, renewDeadline 10 s,
retryPeriod 2 s); our worker processes do the same through a WorkerLease row, so two workers never both drive a
cluster, and when the leader dies another takes over within a lease duration.
"""

import time

from django.db import close_old_connections, transaction

from .models import WorkerLease

# upstream: client-go leaderelection defaults as kube-controller-manager configures them
LEASE_DURATION = 15.0
RENEW_DEADLINE = 10.0
RETRY_PERIOD = 2.0
LEASE_NAME = "control-plane"


def try_acquire(identity: str, now: float | None = None) -> bool:
    """Take or renew the lease; True while `identity` holds it."""
    close_old_connections()
    now = time.time() if now is None else now
    with transaction.atomic():
        lease, created = WorkerLease.objects.select_for_update().get_or_create(
            name=LEASE_NAME, defaults={"holder": identity, "acquired_at": now, "renewed_at": now}
        )
        if created:
            return True
        if lease.holder != identity and lease.renewed_at + LEASE_DURATION > now:
            return False
        if lease.holder != identity:
            lease.holder, lease.acquired_at = identity, now
            lease.transitions += 1
        lease.renewed_at = now
        lease.save()
        return True


def release(identity: str) -> None:
    """Give the lease up at shutdown so a restarted worker takes over at once instead of after 15 s."""
    close_old_connections()
    WorkerLease.objects.filter(name=LEASE_NAME, holder=identity).update(renewed_at=0.0)
