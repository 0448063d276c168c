"""The storage objects the volume plugins read: claims, volumes, classes and CSINodes, from the informer cache.

Upstream's volume plugins hold PVC, PV, StorageClass and CSINode listers from the shared informer factory; this
is the same read-only view, with the few questions every volume plugin asks about them.
"""

from .podinfo import node_selector_term

SELECTED_NODE_ANNOTATION = "volume.kubernetes.io/selected-node"  # upstream: volume.AnnSelectedNode
WAIT_FOR_FIRST_CONSUMER = "WaitForFirstConsumer"
NO_PROVISIONER = "kubernetes.io/no-provisioner"  # upstream: a class whose volumes are created by hand
READ_WRITE_ONCE_POD = "ReadWriteOncePod"
ATTACHMENT_NODE_INDEX = "spec.nodeName"  # VolumeAttachments by the node they attach to


def attachment_node(attachment: dict) -> list[str]:
    return [(attachment.get("spec") or {}).get("nodeName", "")]


def claim_names(pod: dict) -> list[str]:
    """The PVC names a pod's volumes name: persistentVolumeClaim claims, and for a generic ephemeral volume the
    claim upstream's ephemeral controller creates (`<pod>-<volume>`)."""
    names = []
    for volume in (pod.get("spec") or {}).get("volumes") or []:
        if volume.get("persistentVolumeClaim"):
            names.append(volume["persistentVolumeClaim"].get("claimName", ""))
        elif volume.get("ephemeral"):
            names.append(f"{pod['metadata']['name']}-{volume.get('name', '')}")
    return names


def is_bound(claim: dict) -> bool:
    return bool((claim.get("spec") or {}).get("volumeName"))


def pv_node_terms(volume: dict) -> tuple | None:
    """A PV's required node affinity as node selector terms; None when it has none (any node will do)."""
    required = ((volume.get("spec") or {}).get("nodeAffinity") or {}).get("required")
    if not required:
        return None
    return tuple(node_selector_term(term) for term in required.get("nodeSelectorTerms") or [])


class VolumeCatalog:
    """Read-only access to the storage kinds in the informer cache; empty when no cache is given (unit tests of the
    algorithm alone)."""

    def __init__(self, cache=None):
        self.cache = cache

    def claim(self, namespace: str, name: str) -> dict | None:
        return self.cache.get("PersistentVolumeClaim", f"{namespace}/{name}") if self.cache else None

    def volume(self, name: str) -> dict | None:
        return self.cache.get("PersistentVolume", name) if self.cache and name else None

    def storage_class(self, name: str | None) -> dict | None:
        return self.cache.get("StorageClass", name) if self.cache and name else None

    def csi_node(self, name: str) -> dict | None:
        return self.cache.get("CSINode", name) if self.cache else None

    def volumes(self) -> list[dict]:
        return self.cache.list("PersistentVolume") if self.cache else []

    def attachments(self, node_name: str) -> list[dict]:
        """The VolumeAttachments to a node (the scheduler indexes them when it starts)."""
        return self.cache.informer("VolumeAttachment").by_index(ATTACHMENT_NODE_INDEX, node_name) if self.cache else []

    def class_of(self, claim: dict) -> dict | None:
        return self.storage_class((claim.get("spec") or {}).get("storageClassName"))

    def delays_binding(self, claim: dict) -> bool:
        """Upstream IsDelayBindingMode: the claim's class binds on first consumer."""
        storage_class = self.class_of(claim)
        return bool(storage_class) and storage_class.get("volumeBindingMode") == WAIT_FOR_FIRST_CONSUMER

    def bound_volume(self, claim: dict) -> dict | None:
        return self.volume((claim.get("spec") or {}).get("volumeName", ""))

    def pod_claims(self, pod: dict) -> list[tuple[str, dict | None]]:
        namespace = pod["metadata"].get("namespace") or "default"
        return [(name, self.claim(namespace, name)) for name in claim_names(pod)]
