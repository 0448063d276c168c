"""The CSINode a kubelet registers for its node once the Azure disk CSI driver's node plugin is up.

Upstream's kubelet creates CSINode `<node>` (owned by the Node) and node-driver-registrar adds each driver with
its node ID, topology keys and `allocatable.count`, the most volumes of that driver the node can attach; the
scheduler's NodeVolumeLimits reads it. For Azure disks the count is the VM size's maximum number of data disks.
"""

import contextlib

from ..api.errors import ApiError

DRIVER = "disk.csi.azure.com"
TOPOLOGY_KEYS = ["topology.disk.csi.azure.com/zone"]  # the Azure disk driver's NodeGetInfo accessible topology
INSTANCE_TYPE_LABEL = "node.kubernetes.io/instance-type"
# Maximum data disks per VM size (Azure's VM size pages; upstream's in-tree azure_dd azureVolumeLimits table).
MAX_DATA_DISKS = {
    "Standard_DS2_v2": 8,
    "Standard_D2s_v3": 4,
    "Standard_D4s_v3": 8,
    "Standard_B2s": 4,
}
DEFAULT_MAX_DATA_DISKS = 16  # upstream azure_dd GetVolumeLimits when the VM size is unknown


def max_data_disks(node: dict) -> int:
    size = (node["metadata"].get("labels") or {}).get(INSTANCE_TYPE_LABEL, "")
    return MAX_DATA_DISKS.get(size, DEFAULT_MAX_DATA_DISKS)


def csi_node_manifest(node: dict) -> dict:
    name = node["metadata"]["name"]
    owner = {"apiVersion": "v1", "kind": "Node", "name": name, "uid": node["metadata"]["uid"]}
    driver = {
        "name": DRIVER,
        "nodeID": name,
        "topologyKeys": TOPOLOGY_KEYS,
        "allocatable": {"count": max_data_disks(node)},
    }
    return {
        "apiVersion": "storage.k8s.io/v1",
        "kind": "CSINode",
        "metadata": {"name": name, "ownerReferences": [owner]},
        "spec": {"drivers": [driver]},
    }


def register(agent) -> None:
    """Create the node's CSINode if it is missing (a reboot finds it in place); retried on the next boot."""
    node = agent.node()
    if node is None or agent.cache.get("CSINode", node["metadata"]["name"]) is not None:
        return
    with contextlib.suppress(ApiError):  # unreachable, or created meanwhile: the next boot tries again
        agent.client.create("CSINode", csi_node_manifest(node))
