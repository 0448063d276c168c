"""The node agents every managed cluster runs in kube-system, as DaemonSets: kube-proxy and the CNI's agent.

AKS with Azure CNI (overlay, its default network plugin) runs `kube-proxy` (Services on each node) and `azure-cns`
(the Container Networking Service, which hands out pod addresses) on every node, host-networked and tolerating
every taint, so they also run on nodes that are cordoned, tainted or not yet ready
(https://learn.microsoft.com/azure/aks/azure-cni-overlay). Their requests are AKS's: they take a little of every
node's allocatable before any workload arrives.
"""

KUBERNETES_VERSION = "v1.37.0"
# AKS's tolerations for node agents: every NoSchedule and NoExecute taint, and the critical-addons-only taint
EVERY_TAINT = [
    {"key": "CriticalAddonsOnly", "operator": "Exists"},
    {"operator": "Exists", "effect": "NoExecute"},
    {"operator": "Exists", "effect": "NoSchedule"},
]


def _daemonset(name: str, labels: dict, container: dict) -> dict:
    return {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {"name": name, "namespace": "kube-system", "labels": dict(labels)},
        "spec": {
            "selector": {"matchLabels": dict(labels)},
            "template": {
                "metadata": {"labels": dict(labels)},
                "spec": {
                    "hostNetwork": True,
                    "serviceAccountName": name,
                    "nodeSelector": {"kubernetes.io/os": "linux"},
                    "tolerations": [dict(toleration) for toleration in EVERY_TAINT],
                    "containers": [container],
                },
            },
        },
    }


def _service_account(name: str) -> dict:
    return {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": name, "namespace": "kube-system"}}


def kube_proxy() -> dict:
    container = {
        "name": "kube-proxy",
        "image": f"mcr.microsoft.com/oss/kubernetes/kube-proxy:{KUBERNETES_VERSION}",
        "command": ["kube-proxy", "--conntrack-max-per-core=0", "--metrics-bind-address=0.0.0.0:10249"],
        "resources": {"requests": {"cpu": "100m"}},  # AKS: kube-proxy requests 100m CPU
    }
    return _daemonset("kube-proxy", {"component": "kube-proxy", "tier": "node"}, container)


def azure_cns() -> dict:
    container = {
        "name": "cns-container",
        "image": "mcr.microsoft.com/containernetworking/azure-cns:v1.6.23",
        "resources": {  # AKS: azure-cns requests and limits 40m CPU and 250Mi
            "requests": {"cpu": "40m", "memory": "250Mi"},
            "limits": {"cpu": "40m", "memory": "250Mi"},
        },
    }
    return _daemonset("azure-cns", {"k8s-app": "azure-cns"}, container)


def node_agents() -> list[dict]:
    """The agents' service accounts, then their DaemonSets."""
    return [_service_account("kube-proxy"), _service_account("azure-cns"), kube_proxy(), azure_cns()]
