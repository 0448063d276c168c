"""Which attachable (CSI) volumes a pod uses, named as the attach/detach controller and the kubelet name them.

Both sides of attach/detach speak of a volume by its unique name: upstream's CSI plugin names a PV's volume
`<driver>^<volumeHandle>` and the volume manager prefixes the plugin, giving
`kubernetes.io/csi/disk.csi.azure.com^<handle>`, the string node.status.volumesAttached and volumesInUse carry.
"""

import hashlib
from dataclasses import dataclass

CSI_PLUGIN = "kubernetes.io/csi"
ACCESS_MODES_SHARED = ("ReadWriteMany", "ReadOnlyMany")  # upstream isMultiAttachAllowed


@dataclass(frozen=True)
class PodVolume:
    name: str  # the pod's volume name (spec.volumes[].name)
    pv: str
    driver: str
    handle: str
    access_modes: tuple[str, ...]

    @property
    def unique_name(self) -> str:
        return f"{CSI_PLUGIN}/{self.driver}^{self.handle}"

    @property
    def multi_attach_allowed(self) -> bool:
        return any(mode in ACCESS_MODES_SHARED for mode in self.access_modes)


def attachment_name(handle: str, driver: str, node_name: str) -> str:
    """Upstream csi_attacher getAttachmentName: csi-<sha256(volumeHandle + driver + nodeName)>."""
    return "csi-" + hashlib.sha256(f"{handle}{driver}{node_name}".encode()).hexdigest()


# CSIDriver spec.attachRequired of AKS's drivers: a managed disk is attached to a VM; an Azure Files share is
# mounted over the network with no attach step (azurefile-csi-driver's CSIDriver declares attachRequired: false).
ATTACH_REQUIRED = {"disk.csi.azure.com": True, "file.csi.azure.com": False}


def volume_of(pv: dict, name: str = "") -> PodVolume | None:
    """The volume the attach/detach controller and the kubelet's attach wait deal with; None for a volume with no
    attach step."""
    csi = (pv.get("spec") or {}).get("csi")
    if not csi or not ATTACH_REQUIRED.get(csi.get("driver", ""), True):
        return None
    modes = tuple((pv.get("spec") or {}).get("accessModes") or ())
    return PodVolume(name, pv["metadata"]["name"], csi.get("driver", ""), csi.get("volumeHandle", ""), modes)


def pod_volumes(cache, pod: dict) -> tuple[list[PodVolume], list[str]]:
    """The pod's CSI volumes through its bound claims, and the names of its claim volumes not resolvable yet
    (claim missing or unbound, PV missing)."""
    namespace = pod["metadata"].get("namespace") or "default"
    found, unresolved = [], []
    for volume in (pod.get("spec") or {}).get("volumes") or []:
        source = volume.get("persistentVolumeClaim")
        if not source:
            continue
        claim = cache.get("PersistentVolumeClaim", f"{namespace}/{source.get('claimName', '')}")
        pv_name = ((claim or {}).get("spec") or {}).get("volumeName")
        pv = cache.get("PersistentVolume", pv_name) if pv_name else None
        resolved = volume_of(pv, volume.get("name", "")) if pv else None
        if resolved is None:
            if pv is None:
                unresolved.append(volume.get("name", ""))
            continue
        found.append(resolved)
    return found, unresolved
