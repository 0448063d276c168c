"""What a node's kubelet reports about its machine (`status.nodeInfo`, upstream's NodeSystemInfo).

Every field upstream declares required is filled, with what a kubelet of the release we serve reports on a managed
cloud's Ubuntu node image running containerd. The machine's identity (machineID from /etc/machine-id, systemUUID
from the firmware) belongs to the machine and never changes; bootID (/proc/sys/kernel/random/boot_id) is new on
every boot, which is how upstream's kubelet notices a reboot. Identities are derived from the node's name so a
lesson replays with the same values; a boot ID comes from the simulation's seeded random source.
"""

import uuid

from ..openapi import GIT_VERSION

OPERATING_SYSTEM = "linux"
ARCHITECTURE = "amd64"
OS_IMAGE = "Ubuntu 24.04.3 LTS"
KERNEL_VERSION = "6.8.0-1041-azure"
CONTAINER_RUNTIME_VERSION = "containerd://2.1.4-1"
# upstream: DisableNodeKubeProxyVersion is on by default since 1.33, so the kubelet clears the deprecated
# kubeProxyVersion; the field stays in the JSON (it is required and not omitempty) as an empty string
KUBE_PROXY_VERSION = ""
_MACHINE_NAMESPACE = uuid.UUID("6ba7b812-9dad-11d1-80b4-00c04fd430c8")  # RFC 4122's namespace for X.500 names


def machine_id(node_name: str) -> str:
    """/etc/machine-id: 32 lowercase hex digits."""
    return uuid.uuid5(_MACHINE_NAMESPACE, f"machine-id/{node_name}").hex


def system_uuid(node_name: str) -> str:
    """The firmware's product UUID, as the kubelet reads it from /sys/class/dmi/id/product_uuid."""
    return str(uuid.uuid5(_MACHINE_NAMESPACE, f"product-uuid/{node_name}"))


def first_boot_id(node_name: str) -> str:
    """The boot a ready-made node registers with; the kubelet keeps it while the machine stays up."""
    return str(uuid.uuid5(_MACHINE_NAMESPACE, f"boot-id/{node_name}/1"))


def new_boot_id(rng) -> str:
    """A fresh /proc/sys/kernel/random/boot_id: a random (version 4) UUID."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def node_system_info(node_name: str, boot_id: str) -> dict:
    return {
        "machineID": machine_id(node_name),
        "systemUUID": system_uuid(node_name),
        "bootID": boot_id,
        "kernelVersion": KERNEL_VERSION,
        "osImage": OS_IMAGE,
        "containerRuntimeVersion": CONTAINER_RUNTIME_VERSION,
        "kubeletVersion": GIT_VERSION,
        "kubeProxyVersion": KUBE_PROXY_VERSION,
        "operatingSystem": OPERATING_SYSTEM,
        "architecture": ARCHITECTURE,
    }
