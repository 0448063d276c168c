"""The CSI external-provisioner of the cluster's two Azure drivers (kubernetes-csi/external-provisioner, with
sig-storage-lib-external-provisioner's controller), simulated.

It takes the claims the PersistentVolume controller handed to one of its drivers (the
`volume.kubernetes.io/storage-provisioner` annotation): a claim whose class waits for its first consumer only once
the scheduler has written the chosen node in `volume.kubernetes.io/selected-node`. Creating the disk takes
PROVISION_SECONDS; the volume it then creates is named `pvc-<claim uid>`, pre-bound to the claim (the PV controller
completes the binding), sized as Azure sizes disks (whole GiB), and for a disk pinned to the zone of the selected
node. A Released volume of its own with reclaim policy Delete is deleted the same way: the disk first, then the
volume object.
"""

from ..api.quantity import parse_quantity
from ..runtime.component import Controller
from .persistentvolume import PROVISIONED_BY, SELECTED_NODE, STORAGE_PROVISIONER
from .volume_match import claim_class

DISK_DRIVER = "disk.csi.azure.com"
FILE_DRIVER = "file.csi.azure.com"
DRIVERS = (DISK_DRIVER, FILE_DRIVER)
ZONE_LABEL = "topology.kubernetes.io/zone"
# external-provisioner's finalizer on the volumes it made (HonorPVReclaimPolicy, GA in 1.33): the disk is deleted
# before the volume object can go
PROVISIONER_FINALIZER = "external-provisioner.volume.kubernetes.io/finalizer"
# Simulated: an Azure managed disk or file share is created (and deleted) by one ARM call that takes seconds.
PROVISION_SECONDS = 5.0
DELETE_SECONDS = 5.0
GIB = 2**30
RESOURCE_GROUP = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/mc_kubelab_westeurope"
EXPLANATIONS = {
    "Provisioning": "The CSI driver is creating the disk for this claim.",
    "ProvisioningSucceeded": "The disk exists and a PersistentVolume describes it; the PersistentVolume controller "
    "now binds the claim to it.",
    "ProvisioningFailed": "The CSI driver could not create the disk; the scheduler will pick a node again.",
}


def identity(driver: str) -> str:
    """The event source external-provisioner reports: driver, controller pod, instance."""
    short = "azuredisk" if driver == DISK_DRIVER else "azurefile"
    return f"{driver}_csi-{short}-controller"


def volume_zone(volume: dict | None) -> str | None:
    """The zone a provisioned disk lives in, read back from the node affinity the provisioner gave its PV; None
    for a volume every zone reaches (a file share)."""
    required = (((volume or {}).get("spec") or {}).get("nodeAffinity") or {}).get("required") or {}
    for term in required.get("nodeSelectorTerms") or []:
        for expression in term.get("matchExpressions") or []:
            if expression.get("key") == ZONE_LABEL and expression.get("values"):
                return expression["values"][0]
    return None


def rounded_gib(amount) -> int:
    """Azure sizes disks and shares in whole GiB, rounding a request up (at least 1 GiB)."""
    size = parse_quantity(amount)
    return max(1, -((-size.numerator) // (size.denominator * GIB)))


class CSIProvisioner(Controller):
    name = "csi-provisioner"
    field_manager = "csi-provisioner"

    def __init__(self, ctx):
        super().__init__(ctx)
        self._due: dict[str, float] = {}  # what is being created or deleted, and when it is done

    def start(self) -> None:
        self.watch(
            "PersistentVolumeClaim", lambda claim: f"claim:{claim['metadata']['namespace']}/{claim['metadata']['name']}"
        )
        self.watch("PersistentVolume", lambda volume: f"volume:{volume['metadata']['name']}")

    def reconcile(self, key: str) -> float | None:
        kind, _, name = key.partition(":")
        if kind == "claim":
            return self._provision(key, self.ctx.cache.get("PersistentVolumeClaim", name))
        return self._delete(key, self.ctx.cache.get("PersistentVolume", name))

    def _wait(self, key: str, seconds: float) -> float | None:
        """Start (or keep) a simulated cloud call; None once it is done."""
        due = self._due.setdefault(key, self.ctx.clock.now + seconds)
        if self.ctx.clock.now < due:
            return due - self.ctx.clock.now
        del self._due[key]
        return None

    # ---- provisioning -------------------------------------------------------------------------------------
    def _provision(self, key: str, claim: dict | None) -> float | None:
        if claim is None or not self._should_provision(claim):
            self._due.pop(key, None)
            return None
        volume_name = f"pvc-{claim['metadata']['uid']}"
        if self.ctx.cache.get("PersistentVolume", volume_name) is not None:
            self._due.pop(key, None)
            return None
        storage_class = self.ctx.cache.get("StorageClass", claim_class(claim))
        driver = storage_class["provisioner"]
        node_name = (claim["metadata"].get("annotations") or {}).get(SELECTED_NODE)
        node = self.ctx.cache.get("Node", node_name) if node_name else None
        if node_name and node is None:
            self._event(
                claim,
                driver,
                "Warning",
                "ProvisioningFailed",
                f'failed to get target node: node "{node_name}" not found',
            )
            annotations = dict(claim["metadata"]["annotations"])
            del annotations[SELECTED_NODE]  # external-provisioner asks the scheduler to choose again
            self.ctx.client.update(
                "PersistentVolumeClaim", {**claim, "metadata": {**claim["metadata"], "annotations": annotations}}
            )
            return None
        if key not in self._due:
            namespace, name = claim["metadata"]["namespace"], claim["metadata"]["name"]
            self._event(
                claim,
                driver,
                "Normal",
                "Provisioning",
                f'External provisioner is provisioning volume for claim "{namespace}/{name}"',
            )
        remaining = self._wait(key, PROVISION_SECONDS)
        if remaining is not None:
            return remaining
        self.ctx.client.create("PersistentVolume", self._volume(claim, storage_class, node, volume_name))
        self._event(claim, driver, "Normal", "ProvisioningSucceeded", f"Successfully provisioned volume {volume_name}")
        return None

    def _should_provision(self, claim: dict) -> bool:
        """shouldProvision: an unbound claim handed to one of our drivers, with a node chosen if its class waits."""
        annotations = claim["metadata"].get("annotations") or {}
        if claim["spec"].get("volumeName") or claim["metadata"].get("deletionTimestamp"):
            return False
        if annotations.get(STORAGE_PROVISIONER) not in DRIVERS:
            return False
        storage_class = self.ctx.cache.get("StorageClass", claim_class(claim))
        if storage_class is None or storage_class.get("provisioner") != annotations[STORAGE_PROVISIONER]:
            return False
        return storage_class.get("volumeBindingMode") != "WaitForFirstConsumer" or SELECTED_NODE in annotations

    def _volume(self, claim: dict, storage_class: dict, node: dict | None, name: str) -> dict:
        driver = storage_class["provisioner"]
        metadata = claim["metadata"]
        size = rounded_gib((claim["spec"].get("resources") or {}).get("requests", {}).get("storage", "1Gi"))
        if driver == DISK_DRIVER:
            handle = f"{RESOURCE_GROUP}/providers/Microsoft.Compute/disks/{name}"
        else:
            handle = f"mc_kubelab_westeurope#fkubelab#{name}###{metadata['namespace']}"
        attributes = {
            "csi.storage.k8s.io/pv/name": name,
            "csi.storage.k8s.io/pvc/name": metadata["name"],
            "csi.storage.k8s.io/pvc/namespace": metadata["namespace"],
            "requestedsizegib": str(size),
            **(storage_class.get("parameters") or {}),
            "storage.kubernetes.io/csiProvisionerIdentity": f"{identity(driver)}",
        }
        csi = {"driver": driver, "volumeHandle": handle, "volumeAttributes": attributes}
        if driver == DISK_DRIVER:
            csi["fsType"] = "ext4"
        spec = {
            "accessModes": list(claim["spec"].get("accessModes") or []),
            "capacity": {"storage": f"{size}Gi"},
            "claimRef": {
                "kind": "PersistentVolumeClaim",
                "namespace": metadata["namespace"],
                "name": metadata["name"],
                "uid": metadata["uid"],
                "apiVersion": "v1",
                "resourceVersion": metadata["resourceVersion"],
            },
            "csi": csi,
            "persistentVolumeReclaimPolicy": storage_class.get("reclaimPolicy", "Delete"),
            "storageClassName": storage_class["metadata"]["name"],
            "volumeMode": claim["spec"].get("volumeMode", "Filesystem"),
        }
        if storage_class.get("mountOptions"):
            spec["mountOptions"] = list(storage_class["mountOptions"])
        zone = self._zone(node, claim) if driver == DISK_DRIVER else None
        if zone:
            term = {"matchExpressions": [{"key": ZONE_LABEL, "operator": "In", "values": [zone]}]}
            spec["nodeAffinity"] = {"required": {"nodeSelectorTerms": [term]}}
        return {
            "apiVersion": "v1",
            "kind": "PersistentVolume",
            "metadata": {
                "name": name,
                "annotations": {
                    PROVISIONED_BY: driver,
                    "volume.kubernetes.io/provisioner-deletion-secret-name": "",
                    "volume.kubernetes.io/provisioner-deletion-secret-namespace": "",
                },
                "finalizers": [PROVISIONER_FINALIZER],
            },
            "spec": spec,
        }

    def _zone(self, node: dict | None, claim: dict) -> str | None:
        """The selected node's zone; with no node chosen (an Immediate disk class), one of the cluster's zones, picked
        from the claim's uid so that replays agree."""
        if node is not None:
            return (node["metadata"].get("labels") or {}).get(ZONE_LABEL)
        zones = sorted(
            {
                (item["metadata"].get("labels") or {}).get(ZONE_LABEL)
                for item in self.ctx.cache.list("Node")
                if (item["metadata"].get("labels") or {}).get(ZONE_LABEL)
            }
        )
        return zones[int(claim["metadata"]["uid"].replace("-", ""), 16) % len(zones)] if zones else None

    # ---- deletion -----------------------------------------------------------------------------------------
    def _delete(self, key: str, volume: dict | None) -> float | None:
        if volume is None or not self._should_delete(volume):
            self._due.pop(key, None)
            return None
        remaining = self._wait(key, DELETE_SECONDS)
        if remaining is not None:
            return remaining
        name = volume["metadata"]["name"]
        finalizers = [item for item in volume["metadata"].get("finalizers") or [] if item != PROVISIONER_FINALIZER]
        if finalizers != (volume["metadata"].get("finalizers") or []):
            volume = self.ctx.client.update(
                "PersistentVolume", {**volume, "metadata": {**volume["metadata"], "finalizers": finalizers}}
            )
        if not volume["metadata"].get("deletionTimestamp"):
            self.ctx.client.delete("PersistentVolume", None, name)
        return None

    @staticmethod
    def _should_delete(volume: dict) -> bool:
        """shouldDelete: our Released volume with reclaim policy Delete (or one deleted while not bound)."""
        if (volume["metadata"].get("annotations") or {}).get(PROVISIONED_BY) not in DRIVERS:
            return False
        if volume["spec"].get("persistentVolumeReclaimPolicy") != "Delete":
            return False
        phase = (volume.get("status") or {}).get("phase")
        return phase == "Released" or (
            bool(volume["metadata"].get("deletionTimestamp"))
            and phase != "Bound"
            and PROVISIONER_FINALIZER in (volume["metadata"].get("finalizers") or [])
        )

    def _event(self, obj: dict, driver: str, event_type: str, reason: str, message: str) -> None:
        self.ctx.events.record(obj, event_type, reason, message, identity(driver), explanation=EXPLANATIONS[reason])
