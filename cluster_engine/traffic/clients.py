"""Who sends traffic: a ConfigMap labelled `kubelab.io/traffic: client` describes one simulated client.

A client is not a Kubernetes object, so it is stored the way the cloud's node pools are, as configuration the
simulator reads: `data.service` (the Service's name, in the ConfigMap's namespace), `data.rate` (requests per
simulated second) and `data.via` (ClusterIP from a pod inside the cluster, NodePort to the nodes' addresses, or
LoadBalancer through the cloud load balancer). Deleting the ConfigMap stops the client; the Service it names need
not exist (the client's DNS lookups then fail, as they would).
"""

from dataclasses import dataclass

CLIENT_LABEL = "kubelab.io/traffic"
CLIENT_LABEL_VALUE = "client"
VIA = ("ClusterIP", "NodePort", "LoadBalancer")
MAX_RATE = 5000  # requests per simulated second: far above a lesson's needs, and the cost stays bounded per tick


@dataclass(frozen=True)
class TrafficClient:
    name: str  # the ConfigMap's key, namespace/name
    namespace: str
    service: str
    rate: float
    via: str

    @property
    def service_key(self) -> str:
        return f"{self.namespace}/{self.service}"

    @property
    def dns_name(self) -> str:
        """The name the client asks cluster DNS for (the cluster domain is upstream's default, cluster.local)."""
        return f"{self.service}.{self.namespace}.svc.cluster.local"


def client_configmap(namespace: str, service: str, rate: int, via: str) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": f"traffic-{service}",
            "namespace": namespace,
            "labels": {CLIENT_LABEL: CLIENT_LABEL_VALUE},
        },
        "data": {"service": service, "rate": str(rate), "via": via},
    }


def parse_client(configmap: dict) -> TrafficClient | None:
    """The client a ConfigMap describes, or None when it is not one or says something unusable."""
    metadata = configmap["metadata"]
    if (metadata.get("labels") or {}).get(CLIENT_LABEL) != CLIENT_LABEL_VALUE:
        return None
    data = configmap.get("data") or {}
    try:
        rate = float(data.get("rate", "0"))
    except ValueError:
        return None
    via = data.get("via", "ClusterIP")
    if not data.get("service") or via not in VIA or not 0 < rate <= MAX_RATE:
        return None
    namespace = metadata.get("namespace", "default")
    return TrafficClient(f"{namespace}/{metadata['name']}", namespace, data["service"], rate, via)
