"""The PVC and PV protection controllers (pkg/controller/volume/pvcprotection, pvprotection).

Admission puts `kubernetes.io/pvc-protection` on every claim and `kubernetes.io/pv-protection` on every volume, so
deleting one only marks it Terminating. These controllers remove the finalizer once nothing uses the object any
more: a claim when no pod that is not finished names it, a volume when it is no longer Bound. Until then the data
a pod is using cannot vanish under it.
"""

from ..api.admission_storage import PV_PROTECTION_FINALIZER, PVC_PROTECTION_FINALIZER
from ..runtime.component import Controller
from .persistentvolume import claims_used_by
from .pods import is_terminal


class PVCProtectionController(Controller):
    name = "pvc-protection-controller"
    leader_of = "kube-controller-manager"

    def start(self) -> None:
        self.watch("PersistentVolumeClaim")
        self.watch("Pod", _claim_keys)

    def reconcile(self, key: str) -> float | None:
        claim = self.ctx.cache.get("PersistentVolumeClaim", key)
        if claim is None or not claim["metadata"].get("deletionTimestamp"):
            return None
        if PVC_PROTECTION_FINALIZER not in (claim["metadata"].get("finalizers") or []):
            return None
        if self._in_use(claim):
            return None
        _remove_finalizer(self.ctx.client, "PersistentVolumeClaim", claim, PVC_PROTECTION_FINALIZER)
        return None

    def _in_use(self, claim: dict) -> bool:
        """isBeingUsed: a pod of the namespace that is not Succeeded or Failed names the claim."""
        name = claim["metadata"]["name"]
        return any(
            not is_terminal(pod) and name in claims_used_by(pod)
            for pod in self.ctx.cache.list("Pod", claim["metadata"]["namespace"])
        )


class PVProtectionController(Controller):
    name = "pv-protection-controller"
    leader_of = "kube-controller-manager"

    def start(self) -> None:
        self.watch("PersistentVolume")

    def reconcile(self, key: str) -> float | None:
        volume = self.ctx.cache.get("PersistentVolume", key)
        if volume is None or not volume["metadata"].get("deletionTimestamp"):
            return None
        if PV_PROTECTION_FINALIZER not in (volume["metadata"].get("finalizers") or []):
            return None
        if (volume.get("status") or {}).get("phase") == "Bound":
            return None  # isVolumeInUse: a bound volume stays until its claim lets go
        _remove_finalizer(self.ctx.client, "PersistentVolume", volume, PV_PROTECTION_FINALIZER)
        return None


def _claim_keys(pod: dict) -> list[str]:
    namespace = pod["metadata"].get("namespace")
    return [f"{namespace}/{name}" for name in claims_used_by(pod)]


def _remove_finalizer(client, kind: str, obj: dict, finalizer: str) -> None:
    finalizers = [item for item in obj["metadata"].get("finalizers") or [] if item != finalizer]
    client.update(kind, {**obj, "metadata": {**obj["metadata"], "finalizers": finalizers}})
