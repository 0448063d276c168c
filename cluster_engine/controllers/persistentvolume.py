"""The PersistentVolume controller: binds claims to volumes and reclaims volumes whose claim is gone
(pkg/controller/volume/persistentvolume, pv_controller.go).

A claim is matched with the smallest free volume that fits it; a claim with no match and a class is handed to the
class's external provisioner (the CSI driver), whose new volume comes back pre-bound to it; a claim whose class waits
for its first consumer is left to the scheduler until a pod that uses it is placed. Binding writes both sides:
the volume's claimRef and phase Bound, then the claim's volumeName, the bind-completed annotation and phase Bound.
A volume whose claim was deleted turns Released; Retain keeps it (and its data) for an administrator, Delete hands
it to its provisioner, which deletes the disk and then the volume.
"""

from ..api.admission_storage import BETA_CLASS_ANNOTATION, default_class
from ..runtime.component import Controller
from .volume_match import (
    bound_to_claim,
    claim_class,
    find_best_match,
    satisfy_problem,
    volume_mode_mismatch,
)

COMPONENT = "persistentvolume-controller"
BIND_COMPLETED = "pv.kubernetes.io/bind-completed"
BOUND_BY_CONTROLLER = "pv.kubernetes.io/bound-by-controller"
PROVISIONED_BY = "pv.kubernetes.io/provisioned-by"
STORAGE_PROVISIONER = "volume.kubernetes.io/storage-provisioner"
BETA_STORAGE_PROVISIONER = "volume.beta.kubernetes.io/storage-provisioner"
SELECTED_NODE = "volume.kubernetes.io/selected-node"
# The drivers whose volumes an external provisioner in this cluster creates and deletes.
EXTERNAL_PROVISIONERS = ("disk.csi.azure.com", "file.csi.azure.com")
# upstream: --pvclaimbinder-sync-period, how often every claim and volume is synced again
SYNC_PERIOD = 15.0
EXPLANATIONS = {
    "WaitForFirstConsumer": "The claim's StorageClass waits for a pod: the disk will be created in the zone of the "
    "node the scheduler picks for the first pod that uses this claim.",
    "WaitForPodScheduled": "A pod uses this claim but is not scheduled yet; once the scheduler picks its node, the "
    "disk is created in that node's zone.",
    "ExternalProvisioning": "No existing volume fits, so the PersistentVolume controller asked the StorageClass's CSI "
    "driver to create one.",
    "FailedBinding": "No PersistentVolume matches this claim, and without a StorageClass nothing will create one: an "
    "administrator must create a matching volume.",
    "VolumeMismatch": "The claim names a volume that cannot serve it (size, class, access or volume mode).",
    "ProvisioningFailed": "The claim's StorageClass does not exist, so no volume can be created for it.",
    "ClaimLost": "The volume this claim was bound to is gone.",
    "VolumeFailedRecycle": "The reclaim policy Recycle is not supported for this volume: it stays Failed until an "
    "administrator deletes it.",
    "VolumeFailedDelete": "The reclaim policy is Delete but nothing in the cluster can delete this kind of volume: "
    "it stays Failed until an administrator deletes it.",
}


class PersistentVolumeController(Controller):
    name = "persistentvolume-binder-controller"
    leader_of = "kube-controller-manager"
    primary_kind = "PersistentVolumeClaim"
    resync_period = SYNC_PERIOD

    def start(self) -> None:
        self.watch("PersistentVolume", self._volume_keys)
        self.watch("PersistentVolumeClaim", self._claim_keys)
        self.watch("StorageClass", lambda _: [f"claim:{key}" for key in self._claim_cache_keys()])
        super().start()

    def resync(self) -> None:
        for name in self.ctx.cache.informer("PersistentVolume").keys():
            self.queue.add(f"volume:{name}")
        for key in self._claim_cache_keys():
            self.queue.add(f"claim:{key}")

    def _claim_cache_keys(self) -> list[str]:
        return self.ctx.cache.informer("PersistentVolumeClaim").keys()

    @staticmethod
    def _volume_keys(volume: dict) -> list[str]:
        keys = [f"volume:{volume['metadata']['name']}"]
        ref = volume["spec"].get("claimRef")
        if ref and ref.get("namespace") and ref.get("name"):
            keys.append(f"claim:{ref['namespace']}/{ref['name']}")
        return keys

    @staticmethod
    def _claim_keys(claim: dict) -> list[str]:
        keys = [f"claim:{claim['metadata']['namespace']}/{claim['metadata']['name']}"]
        if claim["spec"].get("volumeName"):
            keys.append(f"volume:{claim['spec']['volumeName']}")
        return keys

    def reconcile(self, key: str) -> float | None:
        kind, _, name = key.partition(":")
        if kind == "claim":
            claim = self.ctx.cache.get("PersistentVolumeClaim", name)
            if claim is not None:
                self._sync_claim(claim)
        else:
            volume = self.ctx.cache.get("PersistentVolume", name)
            if volume is not None:
                self._sync_volume(volume)
        return None

    # ---- claims -------------------------------------------------------------------------------------------
    def _sync_claim(self, claim: dict) -> None:
        if BIND_COMPLETED in (claim["metadata"].get("annotations") or {}):
            self._sync_bound_claim(claim)
        else:
            self._sync_unbound_claim(claim)

    def _sync_unbound_claim(self, claim: dict) -> None:
        volume_name = claim["spec"].get("volumeName")
        if not volume_name and self._assign_default_class(claim):
            return  # the claim's update brings it back with its class
        if not volume_name:
            delay = self._delays_binding(claim)
            volume = find_best_match(self.ctx.cache.list("PersistentVolume"), claim, delay)
            if volume is not None:
                self._bind(volume, claim)
                return
            if delay:
                self._wait_for_consumer(claim)
            elif claim_class(claim):
                self._provision(claim)
                return
            else:
                self._event(
                    claim,
                    "Normal",
                    "FailedBinding",
                    "no persistent volumes available for this claim and no storage class is set",
                )
            self._set_claim_phase(claim, "Pending")
            return
        volume = self.ctx.cache.get("PersistentVolume", volume_name)
        if volume is None:
            self._set_claim_phase(claim, "Pending")  # the user asked for a volume that does not exist (yet)
            return
        ref = volume["spec"].get("claimRef")
        if not ref:
            problem = satisfy_problem(volume, claim)
            if problem:
                self._event(claim, "Warning", "VolumeMismatch", problem)
                self._set_claim_phase(claim, "Pending")
                return
            self._bind(volume, claim)
        elif bound_to_claim(volume, claim):
            self._bind(volume, claim)
        elif BOUND_BY_CONTROLLER not in (claim["metadata"].get("annotations") or {}):
            self._event(
                claim, "Warning", "FailedBinding", f'volume "{volume_name}" already bound to a different claim.'
            )
            self._set_claim_phase(claim, "Pending")

    def _sync_bound_claim(self, claim: dict) -> None:
        volume_name = claim["spec"].get("volumeName")
        if not volume_name:
            self._lose(claim, "Bound claim has lost reference to PersistentVolume. Data on the volume is lost!")
            return
        volume = self.ctx.cache.get("PersistentVolume", volume_name)
        if volume is None:
            self._lose(claim, "Bound claim has lost its PersistentVolume. Data on the volume is lost!")
            return
        ref = volume["spec"].get("claimRef")
        if not ref or ref.get("uid") == claim["metadata"].get("uid"):
            self._bind(volume, claim)
        else:
            self._lose(claim, "Two claims are bound to the same volume, this one is bound incorrectly")

    def _assign_default_class(self, claim: dict) -> bool:
        """Retroactive default StorageClass assignment (GA in 1.28): a claim created while no class was the default
        gets the default class once there is one; a claim that asked for no class ("") keeps none."""
        if claim["spec"].get("storageClassName") is not None or BETA_CLASS_ANNOTATION in (
            claim["metadata"].get("annotations") or {}
        ):
            return False
        default = default_class(self.ctx.cache.list("StorageClass"))
        if default is None:
            return False
        self._update("PersistentVolumeClaim", claim, spec={"storageClassName": default["metadata"]["name"]})
        return True

    def _delays_binding(self, claim: dict) -> bool:
        """shouldDelayBinding: the class waits for its first consumer and the scheduler has not chosen a node."""
        if SELECTED_NODE in (claim["metadata"].get("annotations") or {}):
            return False
        storage_class = self.ctx.cache.get("StorageClass", claim_class(claim)) if claim_class(claim) else None
        return storage_class is not None and storage_class.get("volumeBindingMode") == "WaitForFirstConsumer"

    def _wait_for_consumer(self, claim: dict) -> None:
        """emitEventForUnboundDelayBindingClaim: name the unscheduled pods that use the claim, if any."""
        waiting = sorted(
            pod["metadata"]["name"]
            for pod in self.ctx.cache.list("Pod", claim["metadata"]["namespace"])
            if not pod["spec"].get("nodeName") and claim["metadata"]["name"] in claims_used_by(pod)
        )
        if not waiting:
            self._event(
                claim, "Normal", "WaitForFirstConsumer", "waiting for first consumer to be created before binding"
            )
        elif len(waiting) == 1:
            self._event(claim, "Normal", "WaitForPodScheduled", f"waiting for pod {waiting[0]} to be scheduled")
        else:
            self._event(claim, "Normal", "WaitForPodScheduled", f"waiting for pods {','.join(waiting)} to be scheduled")

    def _provision(self, claim: dict) -> None:
        """provisionClaimOperationExternal: name the class's provisioner on the claim and wait for it."""
        class_name = claim_class(claim)
        storage_class = self.ctx.cache.get("StorageClass", class_name)
        if storage_class is None:
            self._event(claim, "Warning", "ProvisioningFailed", f'storageclass.storage.k8s.io "{class_name}" not found')
            self._set_claim_phase(claim, "Pending")
            return
        provisioner = storage_class.get("provisioner", "")
        annotations = claim["metadata"].get("annotations") or {}
        if (
            annotations.get(STORAGE_PROVISIONER) != provisioner
            or annotations.get(BETA_STORAGE_PROVISIONER) != provisioner
        ):
            claim = self._update(
                "PersistentVolumeClaim",
                claim,
                annotations={STORAGE_PROVISIONER: provisioner, BETA_STORAGE_PROVISIONER: provisioner},
            )
        self._event(
            claim,
            "Normal",
            "ExternalProvisioning",
            f"Waiting for a volume to be created either by the external provisioner '{provisioner}' or manually by "
            "the system administrator. If volume creation is delayed, please verify that the provisioner is "
            "running and correctly registered.",
        )
        self._set_claim_phase(claim, "Pending")

    def _lose(self, claim: dict, message: str) -> None:
        if (claim.get("status") or {}).get("phase") != "Lost":
            self._event(claim, "Warning", "ClaimLost", message)
            self._set_claim_phase(claim, "Lost")

    # ---- binding ------------------------------------------------------------------------------------------
    def _bind(self, volume: dict, claim: dict) -> None:
        """bind(): the volume to the claim, its phase, the claim to the volume, its phase (each only if needed)."""
        metadata = claim["metadata"]
        ref = volume["spec"].get("claimRef") or {}
        if (ref.get("name"), ref.get("namespace"), ref.get("uid")) != (
            metadata["name"],
            metadata["namespace"],
            metadata["uid"],
        ):
            annotations = {} if bound_to_claim(volume, claim) else {BOUND_BY_CONTROLLER: "yes"}
            claim_ref = {
                "kind": "PersistentVolumeClaim",
                "namespace": metadata["namespace"],
                "name": metadata["name"],
                "uid": metadata["uid"],
                "apiVersion": "v1",
                "resourceVersion": metadata["resourceVersion"],
            }
            volume = self._update("PersistentVolume", volume, annotations=annotations, spec={"claimRef": claim_ref})
        volume = self._set_volume_phase(volume, "Bound")
        annotations = {BIND_COMPLETED: "yes"}
        spec = {}
        if claim["spec"].get("volumeName") != volume["metadata"]["name"]:
            spec["volumeName"] = volume["metadata"]["name"]
            annotations[BOUND_BY_CONTROLLER] = "yes"
        claim = self._update("PersistentVolumeClaim", claim, annotations=annotations, spec=spec)
        status = claim.get("status") or {}
        if status.get("phase") != "Bound" or status.get("capacity") is None:
            new_status = {
                **status,
                "phase": "Bound",
                "accessModes": list(volume["spec"].get("accessModes") or []),
                # upstream sets the capacity only as the claim becomes bound: an expansion changes it later
                "capacity": dict(status.get("capacity") or volume["spec"].get("capacity") or {}),
            }
            self.ctx.client.update_status("PersistentVolumeClaim", {**claim, "status": new_status})

    # ---- volumes ------------------------------------------------------------------------------------------
    def _sync_volume(self, volume: dict) -> None:
        ref = volume["spec"].get("claimRef")
        if not ref or not ref.get("uid"):
            self._set_volume_phase(volume, "Available")  # free, or pre-bound to a claim that does not know it yet
            return
        claim = self.ctx.cache.get("PersistentVolumeClaim", f"{ref.get('namespace')}/{ref.get('name')}")
        if claim is not None and claim["metadata"].get("uid") != ref["uid"]:
            claim = None  # a new claim of the same name: the volume's claim is gone
        if claim is None:
            if (volume.get("status") or {}).get("phase") not in ("Released", "Failed"):
                volume = self._set_volume_phase(volume, "Released")
            self._reclaim(volume)
            return
        if not claim["spec"].get("volumeName"):
            if volume_mode_mismatch(claim, volume):
                self._event(
                    volume,
                    "Warning",
                    "VolumeMismatch",
                    "Cannot bind PersistentVolume to requested PersistentVolumeClaim "
                    f'"{claim["metadata"]["name"]}" due to incompatible volumeMode.',
                )
                self._event(
                    claim,
                    "Warning",
                    "VolumeMismatch",
                    f'Cannot bind PersistentVolume "{volume["metadata"]["name"]}" to requested '
                    "PersistentVolumeClaim due to incompatible volumeMode.",
                )
                return
            self.queue.add(f"claim:{ref['namespace']}/{ref['name']}")  # the claim's sync completes the binding
            return
        if claim["spec"]["volumeName"] == volume["metadata"]["name"]:
            self._set_volume_phase(volume, "Bound")
            return
        # the claim is bound to another volume: this one was bound by mistake, or the claim's binding was undone
        annotations = volume["metadata"].get("annotations") or {}
        if PROVISIONED_BY in annotations and volume["spec"].get("persistentVolumeReclaimPolicy") == "Delete":
            if (volume.get("status") or {}).get("phase") not in ("Released", "Failed"):
                volume = self._set_volume_phase(volume, "Released")
            self._reclaim(volume)
        else:
            self._unbind(volume)

    def _unbind(self, volume: dict) -> None:
        """unbindVolume: a controller's binding is undone; a user's pre-binding keeps its name, loses its uid."""
        annotations = dict(volume["metadata"].get("annotations") or {})
        ref = dict(volume["spec"]["claimRef"])
        if annotations.pop(BOUND_BY_CONTROLLER, None) is not None:
            ref = None
        else:
            ref.pop("uid", None)
        updated = {
            **volume,
            "metadata": {**volume["metadata"], "annotations": annotations},
            "spec": {**volume["spec"], "claimRef": ref},
        }
        if ref is None:
            del updated["spec"]["claimRef"]
        self._set_volume_phase(self.ctx.client.update("PersistentVolume", updated), "Available")

    def _reclaim(self, volume: dict) -> None:
        """reclaimVolume: Retain keeps it Released; Delete goes to the external provisioner that made it, and a
        volume no provisioner made cannot be deleted here (Failed)."""
        policy = volume["spec"].get("persistentVolumeReclaimPolicy")
        if policy == "Retain":
            return
        if policy == "Recycle":
            message = "No recycler plugin found for the volume!"
            self._fail(volume, "VolumeFailedRecycle", message)
            return
        provisioner = (volume["metadata"].get("annotations") or {}).get(PROVISIONED_BY)
        if provisioner in EXTERNAL_PROVISIONERS:
            return  # the external provisioner deletes the disk, then the volume
        message = (
            f'error getting deleter volume plugin for volume "{volume["metadata"]["name"]}": '
            "no deletable volume plugin matched"
        )
        self._fail(volume, "VolumeFailedDelete", message)

    def _fail(self, volume: dict, reason: str, message: str) -> None:
        status = volume.get("status") or {}
        if status.get("phase") == "Failed" and status.get("message") == message:
            return
        self._event(volume, "Warning", reason, message)
        self.ctx.client.update_status(
            "PersistentVolume", {**volume, "status": {**status, "phase": "Failed", "message": message}}
        )

    # ---- writes -------------------------------------------------------------------------------------------
    def _set_claim_phase(self, claim: dict, phase: str) -> dict:
        status = claim.get("status") or {}
        if status.get("phase") == phase:
            return claim
        return self.ctx.client.update_status("PersistentVolumeClaim", {**claim, "status": {**status, "phase": phase}})

    def _set_volume_phase(self, volume: dict, phase: str) -> dict:
        status = volume.get("status") or {}
        if status.get("phase") == phase:
            return volume
        status = {key: value for key, value in status.items() if key not in ("message", "reason")}
        return self.ctx.client.update_status("PersistentVolume", {**volume, "status": {**status, "phase": phase}})

    def _update(self, kind: str, obj: dict, annotations: dict | None = None, spec: dict | None = None) -> dict:
        """Write added annotations and spec fields, only when they change something."""
        merged_annotations = {**(obj["metadata"].get("annotations") or {}), **(annotations or {})}
        merged_spec = {**obj["spec"], **(spec or {})}
        if merged_annotations == (obj["metadata"].get("annotations") or {}) and merged_spec == obj["spec"]:
            return obj
        updated = {**obj, "metadata": {**obj["metadata"], "annotations": merged_annotations}, "spec": merged_spec}
        return self.ctx.client.update(kind, updated)

    def _event(self, obj: dict, event_type: str, reason: str, message: str) -> None:
        self.ctx.events.record(obj, event_type, reason, message, COMPONENT, explanation=EXPLANATIONS[reason])


def claims_used_by(pod: dict) -> set[str]:
    """The claims a pod's volumes name (persistentVolumeClaim.claimName)."""
    return {
        volume["persistentVolumeClaim"]["claimName"]
        for volume in (pod.get("spec") or {}).get("volumes") or []
        if isinstance(volume, dict) and (volume.get("persistentVolumeClaim") or {}).get("claimName")
    }
