"""One pass of the Deployment controller over one Deployment (upstream pkg/controller/deployment/sync.go).

A `DeploymentSync` holds the Deployment as last written, so a pass that writes twice (a revision annotation, then
its status) always writes on top of its own previous write. It finds or creates the new ReplicaSet, scales sets
(recording ScalingReplicaSet events), computes status and conditions, and prunes old history.
"""

import contextlib

from ..api.clone import clone
from ..api.errors import ApiError
from . import owners, rollout
from .template_hash import pod_template_hash

COMPONENT = "deployment-controller"
EXPLANATIONS = {
    "ScalingReplicaSet": "The Deployment changes how many pods each of its ReplicaSets should run, a step of its rollout.",
    "ReplicaSetCreateError": "The Deployment could not create the ReplicaSet for its new pod template.",
}


class DeploymentSync:
    def __init__(self, ctx, deployment: dict, replica_sets: list[dict]):
        self.ctx = ctx
        self.d = clone(deployment)
        self.replica_sets = replica_sets
        self.requeue_after: float | None = None

    # ---- finding and creating the new ReplicaSet ---------------------------------------------------------------
    def find_new(self) -> dict | None:
        """upstream FindNewReplicaSet: the oldest set whose template is the deployment's, hash label aside."""
        for rs in sorted(self.replica_sets, key=rollout.created_order):
            if rollout.equal_ignore_hash(rs["spec"].get("template"), self.d["spec"]["template"]):
                return rs
        return None

    def all_sets(self, create: bool) -> tuple[dict | None, list[dict]]:
        """upstream getAllReplicaSetsAndSyncRevision: (new set, every other set), syncing revisions."""
        new = self.find_new()
        old = [rs for rs in self.replica_sets if new is None or rs["metadata"]["uid"] != new["metadata"]["uid"]]
        return self._new_replica_set(new, old, create), old

    def _new_replica_set(self, existing: dict | None, old: list[dict], create: bool) -> dict | None:
        new_revision = rollout.max_revision(old) + 1
        if existing is not None:
            return self._sync_existing(existing, new_revision)
        if not create:
            return None
        d = self.d
        template = clone(d["spec"]["template"])
        collisions = (d.get("status") or {}).get("collisionCount")
        template_hash = pod_template_hash(template, collisions)
        template.setdefault("metadata", {}).setdefault("labels", {})[rollout.HASH_LABEL] = template_hash
        selector = clone(d["spec"]["selector"])
        selector.setdefault("matchLabels", {})[rollout.HASH_LABEL] = template_hash
        name = f"{d['metadata']['name']}-{template_hash}"
        rs = {
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "metadata": {
                "name": name,
                "namespace": d["metadata"]["namespace"],
                "labels": dict(template["metadata"]["labels"]),
                "ownerReferences": [owners.new_controller_ref(d)],
            },
            "spec": {
                "replicas": 0,
                "minReadySeconds": d["spec"].get("minReadySeconds", 0),
                "selector": selector,
                "template": template,
            },
        }
        count = self.new_replicas(old + [rs], rs)
        rs["spec"]["replicas"] = count
        rollout.set_new_replica_set_annotations(d, rs, new_revision, exists=False)
        created, already_existed = self._create(rs)
        if all(known["metadata"]["uid"] != created["metadata"]["uid"] for known in self.replica_sets):
            self.replica_sets.append(created)
        if not already_existed and count > 0:
            self.event("Normal", "ScalingReplicaSet", f"Scaled up replica set {name} from 0 to {count}")
        status_changed = False
        if not already_existed and rollout.has_progress_deadline(d):
            condition = rollout.new_condition(
                self.ctx.clock, "Progressing", "True", "NewReplicaSetCreated", f'Created new replica set "{name}"'
            )
            rollout.set_condition(d.setdefault("status", {}), condition)
            status_changed = True
        self.write(status_changed, str(new_revision))
        return created

    def _sync_existing(self, existing: dict, new_revision: int) -> dict:
        d = self.d
        rs = clone(existing)
        annotations_updated = rollout.set_new_replica_set_annotations(d, rs, new_revision, exists=True)
        min_ready = d["spec"].get("minReadySeconds", 0)
        if annotations_updated or rs["spec"].get("minReadySeconds", 0) != min_ready:
            rs["spec"]["minReadySeconds"] = min_ready
            updated = self.ctx.client.update("ReplicaSet", rs)
            self._replace_set(updated)
            return updated
        status_changed = False
        if rollout.has_progress_deadline(d) and rollout.get_condition(d.get("status") or {}, "Progressing") is None:
            condition = rollout.new_condition(
                self.ctx.clock,
                "Progressing",
                "True",
                "FoundNewReplicaSet",
                f'Found new replica set "{rs["metadata"]["name"]}"',
            )
            rollout.set_condition(d.setdefault("status", {}), condition)
            status_changed = True
        self.write(status_changed, (rs["metadata"].get("annotations") or {}).get(rollout.REVISION))
        return rs

    def _create(self, rs: dict) -> tuple[dict, bool]:
        d, name = self.d, rs["metadata"]["name"]
        try:
            return self.ctx.client.create("ReplicaSet", rs), False
        except ApiError as error:
            if error.reason == "AlreadyExists":
                found = self.ctx.client.get("ReplicaSet", d["metadata"]["namespace"], name)
                reference = owners.controller_ref(found)
                if (
                    reference
                    and reference["uid"] == d["metadata"]["uid"]
                    and rollout.equal_ignore_hash(found["spec"]["template"], d["spec"]["template"])
                ):
                    return found, True
                # a different template hashed to the same name: bump collisionCount so the next hash differs
                status = d.setdefault("status", {})
                status["collisionCount"] = status.get("collisionCount", 0) + 1
                self.write(True, None)
                raise
            if error.code == 403:
                raise  # the namespace is terminating: every create will fail, nothing to report
            message = f'Failed to create new replica set "{name}": {error.message}'
            if rollout.has_progress_deadline(d):
                condition = rollout.new_condition(
                    self.ctx.clock, "Progressing", "False", "ReplicaSetCreateError", message
                )
                rollout.set_condition(d.setdefault("status", {}), condition)
                # the create failure is the news; a failed status write is retried along with it
                with contextlib.suppress(ApiError):
                    self.write(True, None)
            self.event("Warning", "ReplicaSetCreateError", message)
            raise

    def new_replicas(self, all_sets: list[dict], new: dict) -> int:
        """upstream NewRSNewReplicas: how big the new set may be now."""
        d = self.d
        wanted = rollout.replicas(d)
        if not rollout.is_rolling(d):
            return wanted
        limit = wanted + rollout.max_surge(d)
        current = rollout.spec_replicas(all_sets)
        if current >= limit:
            return rollout.replicas(new)
        return rollout.replicas(new) + min(limit - current, wanted - rollout.replicas(new))

    # ---- writing the deployment --------------------------------------------------------------------------------
    def write(self, status_changed: bool, revision: str | None) -> None:
        """Record the revision annotation (main resource) and then the status (status subresource)."""
        annotations = self.d["metadata"].get("annotations") or {}
        if revision is not None and annotations.get(rollout.REVISION) != revision:
            patch = {
                "metadata": {
                    "annotations": {rollout.REVISION: revision},
                    "resourceVersion": self.d["metadata"]["resourceVersion"],
                }
            }
            namespace, name = self.d["metadata"]["namespace"], self.d["metadata"]["name"]
            patched = self.ctx.client.patch("Deployment", namespace, name, patch)
            self.d = {**patched, "status": self.d.get("status") or {}}
        if status_changed:
            self.d = self.ctx.client.update_status("Deployment", self.d)

    def event(self, event_type: str, reason: str, message: str) -> None:
        self.ctx.events.record(self.d, event_type, reason, message, COMPONENT, explanation=EXPLANATIONS[reason])

    # ---- scaling -----------------------------------------------------------------------------------------------
    def scale_and_record(self, rs: dict, new_scale: int) -> tuple[bool, dict]:
        """upstream scaleReplicaSetAndRecordEvent."""
        if rollout.replicas(rs) == new_scale:
            return False, rs
        return self.scale_set(rs, new_scale, "up" if rollout.replicas(rs) < new_scale else "down")

    def scale_set(self, rs: dict, new_scale: int, operation: str) -> tuple[bool, dict]:
        """Resize a set and stamp it with the deployment size it was sized for (desired/max-replicas)."""
        wanted, maximum = rollout.replicas(self.d), rollout.replicas(self.d) + rollout.max_surge(self.d)
        size_changes = rollout.replicas(rs) != new_scale
        if not size_changes and not rollout.replicas_annotations_need_update(rs, wanted, maximum):
            return False, rs
        old_scale = rollout.replicas(rs)
        changed = clone(rs)
        changed["spec"]["replicas"] = new_scale
        rollout.set_replicas_annotations(changed, wanted, maximum)
        updated = self.ctx.client.update("ReplicaSet", changed)
        self._replace_set(updated)
        if size_changes:
            self.event(
                "Normal",
                "ScalingReplicaSet",
                f"Scaled {operation} replica set {updated['metadata']['name']} from {old_scale} to {new_scale}",
            )
        return size_changes, updated

    def _replace_set(self, updated: dict) -> None:
        self.replica_sets = [
            updated if rs["metadata"]["uid"] == updated["metadata"]["uid"] else rs for rs in self.replica_sets
        ]

    def scale(self, new: dict | None, old: list[dict]) -> None:
        """upstream scale(): a paused or resized deployment, spread over its sets in proportion to their sizes."""
        d = self.d
        wanted = rollout.replicas(d)
        active = rollout.active([new, *old])
        only = active[0] if len(active) == 1 else None
        if not active:
            only = new if new is not None else (max(old, key=rollout.created_order) if old else None)
        if only is not None:
            if rollout.replicas(only) != wanted:
                self.scale_and_record(only, wanted)
            return
        if new is not None and _saturated(d, new):
            for rs in rollout.active(old):
                self.scale_and_record(rs, 0)
            return
        if not rollout.is_rolling(d):
            return
        current = rollout.spec_replicas(active)
        allowed = wanted + rollout.max_surge(d) if wanted > 0 else 0
        to_add = allowed - current
        if to_add > 0:  # scaling up: larger sets first, newer first among equals
            active.sort(key=rollout.created_order, reverse=True)
            active.sort(key=lambda rs: -rollout.replicas(rs))
            operation = "up"
        elif to_add < 0:  # scaling down: larger sets first, older first among equals
            active.sort(key=lambda rs: (-rollout.replicas(rs), rollout.created_order(rs)))
            operation = "down"
        else:
            operation = ""
        sizes, added = {}, 0
        for rs in active:
            share = rollout.proportion(rs, d, to_add, added) if to_add else 0
            sizes[rs["metadata"]["uid"]] = rollout.replicas(rs) + share
            added += share
        for index, rs in enumerate(active):
            uid = rs["metadata"]["uid"]
            if index == 0 and to_add:
                sizes[uid] = max(0, sizes[uid] + to_add - added)  # leftovers go to the largest set
            self.scale_set(rs, sizes[uid], operation)

    # ---- status ------------------------------------------------------------------------------------------------
    def calculate_status(self, all_sets: list[dict | None], new: dict | None) -> dict:
        """upstream calculateStatus, with zero counts left out as the API's omitempty does."""
        d = self.d
        available = rollout.status_count(all_sets, "availableReplicas")
        counts = {
            "observedGeneration": d["metadata"].get("generation", 1),
            "replicas": rollout.status_count(all_sets, "replicas"),
            "updatedReplicas": rollout.status_count([new], "replicas"),
            "readyReplicas": rollout.status_count(all_sets, "readyReplicas"),
            "availableReplicas": available,
            "unavailableReplicas": max(0, rollout.spec_replicas(all_sets) - available),
            "collisionCount": (d.get("status") or {}).get("collisionCount", 0),
        }
        status = {key: value for key, value in counts.items() if value}
        status["conditions"] = clone((d.get("status") or {}).get("conditions") or [])
        if available >= rollout.replicas(d) - rollout.max_unavailable(d):
            condition = rollout.new_condition(
                self.ctx.clock, "Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability."
            )
        else:
            condition = rollout.new_condition(
                self.ctx.clock,
                "Available",
                "False",
                "MinimumReplicasUnavailable",
                "Deployment does not have minimum availability.",
            )
        rollout.set_condition(status, condition)
        return status

    def sync_status(self, all_sets: list[dict | None], new: dict | None) -> None:
        """upstream syncDeploymentStatus: status only, no progress estimate (scaling and paused deployments)."""
        status = self.calculate_status(all_sets, new)
        if status != _normalised(self.d.get("status")):
            self.d["status"] = status
            self.write(True, None)

    def sync_rollout_status(self, all_sets: list[dict | None], new: dict | None) -> None:
        """upstream syncRolloutStatus: status plus the Progressing condition and its deadline."""
        d, clock = self.d, self.ctx.clock
        status = self.calculate_status(all_sets, new)
        if not rollout.has_progress_deadline(d):
            rollout.remove_condition(status, "Progressing")
        current = rollout.get_condition(d.get("status") or {}, "Progressing")
        finished = (
            status.get("replicas", 0) == status.get("updatedReplicas", 0)
            and current is not None
            and current.get("reason") == "NewReplicaSetAvailable"
        )
        subject = f'ReplicaSet "{new["metadata"]["name"]}"' if new else f'Deployment "{d["metadata"]["name"]}"'
        if rollout.has_progress_deadline(d) and not finished:
            if rollout.complete(d, status):
                condition = rollout.new_condition(
                    clock, "Progressing", "True", "NewReplicaSetAvailable", f"{subject} has successfully progressed."
                )
                rollout.set_condition(status, condition)
            elif rollout.progressing(d, status):
                condition = rollout.new_condition(
                    clock, "Progressing", "True", "ReplicaSetUpdated", f"{subject} is progressing."
                )
                if current is not None:
                    if current["status"] == "True":
                        condition["lastTransitionTime"] = current["lastTransitionTime"]
                    rollout.remove_condition(status, "Progressing")
                rollout.set_condition(status, condition)
            elif rollout.timed_out(d, status, clock):
                condition = rollout.new_condition(
                    clock, "Progressing", "False", "ProgressDeadlineExceeded", f"{subject} has timed out progressing."
                )
                rollout.set_condition(status, condition)
        failure = self._replica_failure(all_sets, new)
        if failure:
            rollout.set_condition(status, failure)
        else:
            rollout.remove_condition(status, "ReplicaFailure")
        if status == _normalised(d.get("status")):
            self.requeue_after = self._stuck_requeue(status)
            return
        self.d["status"] = status
        self.write(True, None)

    def _replica_failure(self, all_sets: list[dict | None], new: dict | None) -> dict | None:
        """upstream getReplicaFailures: the new set's ReplicaFailure condition (else any old set's), copied over."""
        ordered = [new] + [rs for rs in all_sets if rs is not new]
        for rs in ordered:
            if rs is None:
                continue
            condition = rollout.get_condition(rs.get("status") or {}, "ReplicaFailure")
            if condition:
                return {
                    "type": "ReplicaFailure",
                    "status": condition["status"],
                    "lastUpdateTime": condition.get("lastTransitionTime"),
                    "lastTransitionTime": condition.get("lastTransitionTime"),
                    "reason": condition.get("reason", ""),
                    "message": condition.get("message", ""),
                }
        return None

    def _stuck_requeue(self, status: dict) -> float | None:
        """upstream requeueStuckDeployment: come back when the progress deadline would pass."""
        d = self.d
        current = rollout.get_condition(d.get("status") or {}, "Progressing")
        if not rollout.has_progress_deadline(d) or current is None:
            return None
        if rollout.complete(d, status) or current.get("reason") == "ProgressDeadlineExceeded":
            return None
        since = self.ctx.clock.seconds_since_epoch(current["lastUpdateTime"])
        after = since + d["spec"]["progressDeadlineSeconds"] - self.ctx.clock.now
        return 1.0 if after < 1 else after + 1  # upstream adds a second to be past the deadline

    # ---- history -----------------------------------------------------------------------------------------------
    def cleanup(self, old: list[dict]) -> None:
        """upstream cleanupDeployment: delete the oldest scaled-down sets beyond revisionHistoryLimit."""
        limit = self.d["spec"].get("revisionHistoryLimit")
        if limit is None:
            return
        cleanable = [rs for rs in old if not rs["metadata"].get("deletionTimestamp")]
        excess = len(cleanable) - limit
        if excess <= 0:
            return
        cleanable.sort(key=lambda rs: (rollout.revision(rs), rollout.created_order(rs)))
        for rs in cleanable[:excess]:
            status = rs.get("status") or {}
            if status.get("replicas", 0) or rollout.replicas(rs):
                continue
            if rs["metadata"].get("generation", 1) > status.get("observedGeneration", 0):
                continue
            try:
                self.ctx.client.delete("ReplicaSet", rs["metadata"]["namespace"], rs["metadata"]["name"])
            except ApiError as error:
                if error.code != 404:
                    raise


def _saturated(deployment: dict, rs: dict) -> bool:
    """upstream IsSaturated: the new set is full-size and all its pods are available."""
    wanted = str(rollout.replicas(deployment))
    desired = (rs["metadata"].get("annotations") or {}).get(rollout.DESIRED_REPLICAS)
    return (
        rollout.replicas(rs) == rollout.replicas(deployment)
        and desired == wanted
        and (rs.get("status") or {}).get("availableReplicas", 0) == rollout.replicas(deployment)
    )


def _normalised(status: dict | None) -> dict:
    status = dict(status or {})
    status.setdefault("conditions", [])
    return status
