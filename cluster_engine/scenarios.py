"""Ready-made clusters: the objects a fresh cluster starts with, as manifests for the API server.

The demo cluster follows the classic managed-cluster tutorial: one control-plane node that hosts etcd, the API
server, the scheduler, the controller manager and the cloud controller manager (tainted so workloads stay off it),
three worker nodes for the workloads, the usual namespaces, and a three-replica web Deployment behind a Service.
An HA cluster has three control-plane nodes, each hosting every component. A cluster made to measure chooses its
worker count, their virtual machine size and how many availability zones they are spread over.
"""

from .addons import node_agents
from .nodes.system_info import first_boot_id, node_system_info
from .priorityclasses import system_priority_classes
from .storageclasses import storage_classes
from .vm_sizes import DEFAULT_VM_SIZE, VM_SIZES

CONTROL_PLANE_LABEL = "node-role.kubernetes.io/control-plane"
CONTROL_PLANE_TAINT = {"key": CONTROL_PLANE_LABEL, "effect": "NoSchedule"}
POWER_ANNOTATION = "kubelab.io/power"
COMPONENTS = ("etcd", "kube-apiserver", "kube-scheduler", "kube-controller-manager", "cloud-controller-manager")
SYSTEM_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")
REGION = "westeurope"
DEFAULT_CAPACITY, DEFAULT_ALLOCATABLE = VM_SIZES[DEFAULT_VM_SIZE]
# AKS regions with availability zones offer three: zone labels `<region>-1` to `<region>-3`.
MAX_ZONES = 3


def node_manifest(
    name: str,
    index: int,
    control_plane: bool = False,
    zone: int = 1,
    pool: str = "nodepool1",
    capacity: dict | None = None,
    allocatable: dict | None = None,
    vm_size: str = DEFAULT_VM_SIZE,
) -> dict:
    """A Node as the kubelet registers it: labels, addresses, capacity (its VM size's, unless given); conditions come
    from its kubelet."""
    size_capacity, size_allocatable = VM_SIZES[vm_size]
    labels = {
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "node.kubernetes.io/instance-type": vm_size,
        "topology.kubernetes.io/region": REGION,
        "topology.kubernetes.io/zone": f"{REGION}-{zone}",
        "agentpool": pool,
    }
    spec = {
        "podCIDR": f"10.244.{index}.0/24",
        "podCIDRs": [f"10.244.{index}.0/24"],
        "providerID": f"kubelab://{pool}/{name}",
    }
    if control_plane:
        labels[CONTROL_PLANE_LABEL] = ""
        labels["node.kubernetes.io/exclude-from-external-load-balancers"] = ""
        spec["taints"] = [dict(CONTROL_PLANE_TAINT)]
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "labels": labels, "annotations": {POWER_ANNOTATION: "on"}},
        "spec": spec,
        "status": {
            "capacity": dict(capacity or size_capacity),
            "allocatable": dict(allocatable or capacity or size_allocatable),
            "addresses": [
                {"type": "InternalIP", "address": f"10.224.0.{4 + index}"},
                {"type": "Hostname", "address": name},
            ],
            "nodeInfo": node_system_info(name, first_boot_id(name)),
        },
    }


def component_manifest(component: str, node_name: str) -> dict:
    """Where a control-plane component runs; its status (Running/Down, leader) is kept by the control plane."""
    return {
        "apiVersion": "kubelab.io/v1alpha1",
        "kind": "ControlPlaneComponent",
        "metadata": {"name": f"{component}-{node_name}", "labels": {"component": component}},
        "spec": {"component": component, "nodeName": node_name},
        "status": {"phase": "Running", "leader": False},
    }


def cluster_objects(
    topology: str = "single", workers: int = 3, vm_size: str = DEFAULT_VM_SIZE, zones: int = MAX_ZONES
) -> list[dict]:
    """Namespaces, nodes, control-plane components, storage classes, the system priority classes and node agents of
    an empty cluster, in creation order. Nodes are spread round-robin over zones 1 to `zones` of the region, as AKS
    spreads a zone-redundant node pool; the workers are `vm_size` machines (the control-plane nodes keep the default
    size)."""
    if vm_size not in VM_SIZES:
        raise ValueError(f"vmSize {vm_size!r} is not offered; choose one of {', '.join(sorted(VM_SIZES))}")
    if not 1 <= zones <= MAX_ZONES:
        raise ValueError(f"zones must be 1 to {MAX_ZONES} (got {zones!r})")
    objects = [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}} for name in SYSTEM_NAMESPACES]
    control_planes = 3 if topology == "ha" else 1
    for index in range(control_planes):
        name = f"control-plane-{index + 1}"
        objects.append(node_manifest(name, index, control_plane=True, zone=index % zones + 1))
        objects += [component_manifest(component, name) for component in COMPONENTS]
    for index in range(workers):
        name = f"worker-{index + 1}"
        objects.append(node_manifest(name, control_planes + index, zone=index % zones + 1, vm_size=vm_size))
    return objects + storage_classes() + system_priority_classes() + node_agents()


def web_app(replicas: int = 3, name: str = "web", image: str = "nginx:1.27") -> list[dict]:
    """The tutorial's workload: a Deployment of a web server and a LoadBalancer Service in front of it."""
    labels = {"app": name}
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": "default", "labels": labels},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "containers": [
                        {
                            "name": "nginx",
                            "image": image,
                            "ports": [{"containerPort": 80}],
                            "resources": {
                                "requests": {"cpu": "250m", "memory": "256Mi"},
                                "limits": {"memory": "512Mi"},
                            },
                            "readinessProbe": {"httpGet": {"path": "/", "port": 80}},
                        }
                    ]
                },
            },
        },
    }
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": "default", "labels": labels},
        "spec": {"type": "LoadBalancer", "selector": labels, "ports": [{"port": 80, "targetPort": 80}]},
    }
    return [deployment, service]


def demo_objects(topology: str = "single") -> list[dict]:
    return cluster_objects(topology) + web_app()
