"""One object of every kind with each of its top-level fields set, as the API server stores them."""

META = {
    "uid": "0b6c9ad0-3f5e-4f7a-9b1e-6d1f2c3a4b5c",
    "resourceVersion": "42",
    "creationTimestamp": "2026-01-01T00:00:05Z",
}


def _meta(name, namespace="default", **extra):
    metadata = {"name": name, **META, **extra}
    if namespace:
        metadata["namespace"] = namespace
    return metadata


SAMPLES = {
    "Namespace": {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": _meta("team-a", None, labels={"kubernetes.io/metadata.name": "team-a"}, generation=1),
        "spec": {"finalizers": ["kubernetes"]},
        "status": {"phase": "Active"},
    },
    "Node": {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": _meta("worker-1", None, annotations={"kubelab.io/power": "off"}, generation=1),
        "spec": {
            "unschedulable": True,
            "taints": [{"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}],
        },
        "status": {"capacity": {"cpu": "2"}, "allocatable": {"cpu": "1900m"}, "conditions": []},
    },
    "Pod": {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": _meta(
            "web-7d4b9c-x2k9p",
            generateName="web-7d4b9c-",
            generation=1,
            labels={"app": "web"},
            ownerReferences=[
                {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-7d4b9c", "uid": "u1", "controller": True}
            ],
            deletionTimestamp="2026-01-01T00:01:00Z",
            deletionGracePeriodSeconds=30,
            finalizers=["example.com/hold"],
        ),
        "spec": {"nodeName": "worker-1", "containers": [{"name": "nginx", "image": "nginx:1.27"}]},
        "status": {"phase": "Running", "podIP": "10.244.1.5"},
    },
    "Service": {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": _meta("web", generation=1),
        "spec": {"type": "ClusterIP", "selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 80}]},
        "status": {"loadBalancer": {}},
    },
    "Endpoints": {
        "apiVersion": "v1",
        "kind": "Endpoints",
        "metadata": _meta("web"),
        "subsets": [{"addresses": [{"ip": "10.244.1.5", "nodeName": "worker-1"}], "ports": [{"port": 80}]}],
    },
    "ServiceAccount": {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": _meta("builder"),
        "secrets": [{"name": "builder-token"}],
        "imagePullSecrets": [{"name": "registry"}],
        "automountServiceAccountToken": False,
    },
    "Secret": {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": _meta("registry"),
        "type": "Opaque",
        "data": {"password": "aHVudGVyMg=="},
        "immutable": True,
    },
    "ConfigMap": {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": _meta("settings", annotations={"note": "x"}),
        "data": {"mode": "fast"},
        "binaryData": {"blob": "AAE="},
        "immutable": False,
    },
    "Event": {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": _meta("web.18a2b3c4d5e6f708", annotations={"kubelab.io/explanation": "The pod found a node."}),
        "involvedObject": {"apiVersion": "v1", "kind": "Pod", "name": "web-1", "namespace": "default", "uid": "u2"},
        "reason": "Scheduled",
        "message": "Successfully assigned default/web-1 to worker-1",
        "type": "Normal",
        "source": {"component": "default-scheduler"},
        "firstTimestamp": "2026-01-01T00:00:05Z",
        "lastTimestamp": "2026-01-01T00:00:09Z",
        "count": 2,
        "eventTime": "2026-01-01T00:00:05.250000Z",
        "series": {"count": 2, "lastObservedTime": "2026-01-01T00:00:09.000000Z"},
        "action": "Binding",
        "related": {"kind": "Node", "name": "worker-1"},
        "reportingComponent": "default-scheduler",
        "reportingInstance": "default-scheduler-control-plane-1",
    },
    "ReplicaSet": {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": _meta("web-7d4b9c", generation=2, annotations={"deployment.kubernetes.io/revision": "1"}),
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}},
        "status": {"replicas": 3, "readyReplicas": 2, "observedGeneration": 2},
    },
    "ReplicationController": {
        "apiVersion": "v1",
        "kind": "ReplicationController",
        "metadata": _meta("nginx", generation=1, labels={"app": "nginx"}),
        "spec": {"replicas": 3, "selector": {"app": "nginx"}, "minReadySeconds": 0},
        "status": {"replicas": 3, "fullyLabeledReplicas": 3, "readyReplicas": 3, "availableReplicas": 3},
    },
    "Deployment": {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": _meta("web", generation=3),
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "paused": False},
        "status": {"replicas": 3, "conditions": [{"type": "Available", "status": "True"}]},
    },
    "Lease": {
        "apiVersion": "coordination.k8s.io/v1",
        "kind": "Lease",
        "metadata": _meta("kube-scheduler", "kube-system"),
        "spec": {
            "holderIdentity": "control-plane-1_0a1b",
            "leaseDurationSeconds": 15,
            "renewTime": "2026-01-01T00:00:08.000000Z",
            "leaseTransitions": 0,
        },
    },
    "ControlPlaneComponent": {
        "apiVersion": "kubelab.io/v1alpha1",
        "kind": "ControlPlaneComponent",
        "metadata": _meta("etcd-control-plane-1", None, labels={"component": "etcd"}, generation=1),
        "spec": {"component": "etcd", "nodeName": "control-plane-1"},
        "status": {"phase": "Running", "leader": True},
    },
}
