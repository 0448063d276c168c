"""The Deployment controller: roll a pod template out through ReplicaSets (pkg/controller/deployment).

Each distinct template gets a ReplicaSet named `<deployment>-<pod-template-hash>`. RollingUpdate grows the new set
while the total stays within replicas + maxSurge and shrinks old sets while availability stays at or above
replicas - maxUnavailable; Recreate empties the old sets and waits for their pods to be gone before starting the
new one. `kubectl rollout undo` copies an old template back into the Deployment: the set with that template
becomes the new one again and takes the next revision number.
"""

from ..api.labels import selector_matches
from ..runtime.cache import key_of
from ..runtime.component import Controller
from . import owners, rollout
from .deployment_sync import DeploymentSync
from .pods import is_terminal


class DeploymentController(Controller):
    name = "deployment-controller"
    leader_of = "kube-controller-manager"
    primary_kind = "Deployment"
    resync_period = 30.0  # simulated seconds; upstream resyncs shared informers periodically

    def start(self) -> None:
        self.ctx.cache.informer("ReplicaSet").add_index(owners.CONTROLLER_INDEX, owners.controller_index)
        self.ctx.cache.informer("Pod").add_index(owners.CONTROLLER_INDEX, owners.controller_index)
        self.watch("Deployment")
        self.watch("ReplicaSet", self._deployments_of)
        # upstream only listens for pod deletions, which a Recreate rollout waits for
        self.ctx.cache.informer("Pod").add_handler(on_delete=self._pod_deleted)
        super().start()

    def process(self, limit: int | None = None) -> int:
        """Handle only the keys waiting now; a key re-queued by our own write waits for the next turn.

        Upstream's controllers run concurrently, so the ReplicaSet controller acts on a resize while the
        Deployment controller looks at the result. Taking turns keeps that order here: without it a Deployment
        could grow its new set again before the old set's pods were removed, exceeding maxSurge in pods.
        """
        waiting = len(self.queue)
        return super().process(waiting if limit is None else min(limit, waiting))

    def _deployments_of(self, rs: dict) -> list[str]:
        reference = owners.controller_ref(rs)
        namespace = rs["metadata"].get("namespace")
        if reference:
            return [f"{namespace}/{reference['name']}"] if reference.get("kind") == "Deployment" else []
        labels = rs["metadata"].get("labels")
        return [
            key_of(d)
            for d in self.ctx.cache.list("Deployment", namespace)
            if selector_matches(d["spec"].get("selector"), labels)
        ]

    def _pod_deleted(self, pod: dict) -> None:
        reference = owners.controller_ref(pod)
        if not reference or reference.get("kind") != "ReplicaSet":
            return
        rs = self.ctx.cache.get("ReplicaSet", f"{pod['metadata']['namespace']}/{reference['name']}")
        if rs is not None:
            for key in self._deployments_of(rs):
                self.queue.add(key)

    def reconcile(self, key: str) -> float | None:
        deployment = self.ctx.cache.get("Deployment", key)
        if deployment is None:
            return None
        sets = owners.claim(self.ctx, deployment, "ReplicaSet", deployment["spec"]["selector"])
        sync = DeploymentSync(self.ctx, deployment, sets)
        if deployment["metadata"].get("deletionTimestamp"):
            new, old = sync.all_sets(create=False)
            sync.sync_status([*old, new], new)
            return None
        self._check_paused_conditions(sync)
        if sync.d["spec"].get("paused") or self._is_scaling_event(sync):
            self._sync_paused_or_scaling(sync)
        elif rollout.is_rolling(sync.d):
            self._rollout_rolling(sync)
        else:
            self._rollout_recreate(sync)
        return sync.requeue_after

    # ---- paused and scaling ------------------------------------------------------------------------------------
    def _check_paused_conditions(self, sync: DeploymentSync) -> None:
        """upstream checkPausedConditions: Progressing=Unknown DeploymentPaused / DeploymentResumed."""
        d = sync.d
        if not rollout.has_progress_deadline(d):
            return
        current = rollout.get_condition(d.get("status") or {}, "Progressing")
        if current is not None and current.get("reason") == "ProgressDeadlineExceeded":
            return
        paused_recorded = current is not None and current.get("reason") == "DeploymentPaused"
        if d["spec"].get("paused") and not paused_recorded:
            reason, message = "DeploymentPaused", "Deployment is paused"
        elif not d["spec"].get("paused") and paused_recorded:
            reason, message = "DeploymentResumed", "Deployment is resumed"
        else:
            return
        condition = rollout.new_condition(self.ctx.clock, "Progressing", "Unknown", reason, message)
        rollout.set_condition(d.setdefault("status", {}), condition)
        sync.write(True, None)

    def _is_scaling_event(self, sync: DeploymentSync) -> bool:
        """upstream isScalingEvent: an active set was sized for a different spec.replicas."""
        new, old = sync.all_sets(create=False)
        wanted = rollout.replicas(sync.d)
        for rs in rollout.active([*old, new]):
            desired = rollout.annotation_int(rs, rollout.DESIRED_REPLICAS)
            if desired is not None and desired != wanted:
                return True
        return False

    def _sync_paused_or_scaling(self, sync: DeploymentSync) -> None:
        """upstream sync(): resize in proportion without rolling; a paused deployment also prunes history."""
        new, old = sync.all_sets(create=False)
        sync.scale(new, old)
        new, old = _refreshed(sync, new, old)
        if sync.d["spec"].get("paused"):
            sync.cleanup(old)
        sync.sync_status([*old, new], new)

    # ---- RollingUpdate -----------------------------------------------------------------------------------------
    def _rollout_rolling(self, sync: DeploymentSync) -> None:
        new, old = sync.all_sets(create=True)
        if self._reconcile_new(sync, new, old):
            new, old = _refreshed(sync, new, old)
            sync.sync_rollout_status([*old, new], new)
            return
        if self._reconcile_old(sync, new, old):
            new, old = _refreshed(sync, new, old)
            sync.sync_rollout_status([*old, new], new)
            return
        if rollout.complete(sync.d, sync.d.get("status") or {}):
            sync.cleanup(old)
        sync.sync_rollout_status([*old, new], new)

    def _reconcile_new(self, sync: DeploymentSync, new: dict, old: list[dict]) -> bool:
        """upstream reconcileNewReplicaSet: grow the new set as far as maxSurge allows (or shrink it to size)."""
        wanted = rollout.replicas(sync.d)
        if rollout.replicas(new) == wanted:
            return False
        if rollout.replicas(new) > wanted:
            return sync.scale_and_record(new, wanted)[0]
        return sync.scale_and_record(new, sync.new_replicas([*old, new], new))[0]

    def _reconcile_old(self, sync: DeploymentSync, new: dict, old: list[dict]) -> bool:
        """upstream reconcileOldReplicaSets: shrink old sets while availability stays above the floor."""
        active_old = rollout.active(old)
        if rollout.spec_replicas(active_old) == 0:
            return False
        d = sync.d
        all_count = rollout.spec_replicas([*active_old, new])
        min_available = rollout.replicas(d) - rollout.max_unavailable(d)
        new_unavailable = rollout.replicas(new) - (new.get("status") or {}).get("availableReplicas", 0)
        max_scaled_down = all_count - min_available - new_unavailable
        if max_scaled_down <= 0:
            return False
        active_old, cleaned = self._cleanup_unhealthy(sync, active_old, max_scaled_down)
        scaled = self._scale_down_old(sync, [*active_old, new], active_old)
        return cleaned + scaled > 0

    def _cleanup_unhealthy(self, sync: DeploymentSync, old: list[dict], limit: int) -> tuple[list[dict], int]:
        """upstream cleanupUnhealthyReplicas: first drop old replicas that are not available anyway."""
        old = sorted(old, key=rollout.created_order)
        total = 0
        for index, rs in enumerate(old):
            if total >= limit:
                break
            size, available = rollout.replicas(rs), (rs.get("status") or {}).get("availableReplicas", 0)
            if size == 0 or size == available:
                continue
            count = min(limit - total, size - available)
            old[index] = sync.scale_and_record(rs, size - count)[1]
            total += count
        return old, total

    def _scale_down_old(self, sync: DeploymentSync, all_sets: list[dict], old: list[dict]) -> int:
        """upstream scaleDownOldReplicaSetsForRollingUpdate: shrink oldest first, down to the availability floor."""
        d = sync.d
        min_available = rollout.replicas(d) - rollout.max_unavailable(d)
        available = rollout.status_count(all_sets, "availableReplicas")
        if available <= min_available:
            return 0
        wanted_down = available - min_available
        total = 0
        for rs in sorted(old, key=rollout.created_order):
            if total >= wanted_down:
                break
            if rollout.replicas(rs) == 0:
                continue
            count = min(rollout.replicas(rs), wanted_down - total)
            sync.scale_and_record(rs, rollout.replicas(rs) - count)
            total += count
        return total

    # ---- Recreate ----------------------------------------------------------------------------------------------
    def _rollout_recreate(self, sync: DeploymentSync) -> None:
        new, old = sync.all_sets(create=False)
        scaled_down = False
        for rs in rollout.active(old):
            scaled_down |= sync.scale_and_record(rs, 0)[0]
        if scaled_down:
            new, old = _refreshed(sync, new, old)
            sync.sync_rollout_status([*old, new], new)
            return
        if self._old_pods_running(new, old):
            sync.sync_rollout_status([*old, new], new)
            return
        if new is None:
            new, old = sync.all_sets(create=True)
        sync.scale_and_record(new, rollout.replicas(sync.d))
        new, old = _refreshed(sync, new, old)
        if rollout.complete(sync.d, sync.d.get("status") or {}):
            sync.cleanup(old)
        sync.sync_rollout_status([*old, new], new)

    def _old_pods_running(self, new: dict | None, old: list[dict]) -> bool:
        """upstream oldPodsRunning: any old set still counts pods, or any old pod has not finished."""
        if rollout.status_count(old, "replicas") > 0:
            return True
        pods = self.ctx.cache.informer("Pod")
        for rs in old:
            if new is not None and rs["metadata"]["uid"] == new["metadata"]["uid"]:
                continue
            if any(not is_terminal(pod) for pod in pods.by_index(owners.CONTROLLER_INDEX, rs["metadata"]["uid"])):
                return True
        return False


def _refreshed(sync: DeploymentSync, new: dict | None, old: list[dict]) -> tuple[dict | None, list[dict]]:
    """The same sets as last written (scaling replaced some)."""
    by_uid = {rs["metadata"]["uid"]: rs for rs in sync.replica_sets}
    if new is not None:
        new = by_uid.get(new["metadata"]["uid"], new)
    return new, [by_uid.get(rs["metadata"]["uid"], rs) for rs in old]
