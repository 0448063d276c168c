"""Valid manifests of every kind the API server serves: the starting point the API tests and fuzzing mutate."""

import copy

from cluster_engine.scenarios import node_manifest


def pod(name: str = "web-1", namespace: str = "default", **spec) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace, "labels": {"app": "web"}},
        "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}], **spec},
    }


def deployment(name: str = "web", replicas: int = 3) -> dict:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": "default", "labels": {"app": name}},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {
                    "containers": [
                        {
                            "name": "nginx",
                            "image": "nginx:1.27",
                            "ports": [{"containerPort": 80}],
                            "resources": {
                                "requests": {"cpu": "250m", "memory": "256Mi"},
                                "limits": {"memory": "512Mi"},
                            },
                        }
                    ]
                },
            },
        },
    }


def replica_set(name: str = "web-5d4f8", replicas: int = 2) -> dict:
    rs = deployment(name, replicas)
    rs["kind"] = "ReplicaSet"
    del rs["spec"]["template"]["spec"]["containers"][0]["resources"]
    return rs


def replication_controller(name: str = "web", replicas: int = 2) -> dict:
    """A v1 ReplicationController: the selector is a plain label map."""
    rc = replica_set(name, replicas)
    rc["apiVersion"], rc["kind"] = "v1", "ReplicationController"
    rc["spec"]["selector"] = {"app": name}
    return rc


def service(name: str = "web", service_type: str = "ClusterIP", **spec) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"type": service_type, "selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080}], **spec},
    }


def namespace(name: str = "team-a") -> dict:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}


def node(name: str = "worker-1", index: int = 1) -> dict:
    return node_manifest(name, index)


def config_map(name: str = "settings", data: dict | None = None) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": "default"},
        "data": {"mode": "fast"} if data is None else data,
    }


def secret(name: str = "token", **fields) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": name, "namespace": "default"},
        "data": {"password": "aHVudGVyMg=="},
        **fields,
    }


def service_account(name: str = "builder", namespace: str = "default") -> dict:
    return {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": name, "namespace": namespace}}


def endpoints(name: str = "web") -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Endpoints",
        "metadata": {"name": name, "namespace": "default"},
        "subsets": [{"addresses": [{"ip": "10.244.1.5"}], "ports": [{"port": 8080, "protocol": "TCP"}]}],
    }


def event(name: str = "web-1.17f0", **fields) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": name, "namespace": "default"},
        "involvedObject": {"kind": "Pod", "namespace": "default", "name": "web-1"},
        "reason": "Scheduled",
        "message": "Successfully assigned default/web-1 to worker-1",
        "source": {"component": "default-scheduler"},
        **fields,
    }


def lease(name: str = "worker-1", **spec) -> dict:
    return {
        "apiVersion": "coordination.k8s.io/v1",
        "kind": "Lease",
        "metadata": {"name": name, "namespace": "kube-node-lease"},
        "spec": {"holderIdentity": name, "leaseDurationSeconds": 40, **spec},
    }


def control_plane_component(name: str = "etcd-control-plane-1") -> dict:
    return {
        "apiVersion": "kubelab.io/v1alpha1",
        "kind": "ControlPlaneComponent",
        "metadata": {"name": name},
        "spec": {"component": "etcd", "nodeName": "control-plane-1"},
    }


def _template(name: str) -> dict:
    return deployment(name)["spec"]["template"]


def persistent_volume(name: str = "pv-data", **spec) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolume",
        "metadata": {"name": name},
        "spec": {
            "capacity": {"storage": "10Gi"},
            "accessModes": ["ReadWriteOnce"],
            "persistentVolumeReclaimPolicy": "Retain",
            "storageClassName": "manual",
            "hostPath": {"path": "/data/pv-data"},
            **spec,
        },
    }


def persistent_volume_claim(name: str = "data", **spec) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}, **spec},
    }


def stateful_set(name: str = "db", replicas: int = 3) -> dict:
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "serviceName": name,
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": _template(name),
        },
    }


def daemon_set(name: str = "agent") -> dict:
    return {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"selector": {"matchLabels": {"app": name}}, "template": _template(name)},
    }


def controller_revision(name: str = "db-7b9f5c6d48") -> dict:
    return {
        "apiVersion": "apps/v1",
        "kind": "ControllerRevision",
        "metadata": {"name": name, "namespace": "default"},
        "data": {"spec": {"template": _template("db")}},
        "revision": 1,
    }


def job(name: str = "pi", **spec) -> dict:
    template = _template(name)
    template["spec"]["restartPolicy"] = "Never"
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"template": template, **spec},
    }


def cron_job(name: str = "report", schedule: str = "*/5 * * * *") -> dict:
    return {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"schedule": schedule, "jobTemplate": {"spec": job(name)["spec"]}},
    }


def pod_disruption_budget(name: str = "web", **spec) -> dict:
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"minAvailable": 2, "selector": {"matchLabels": {"app": "web"}}, **spec},
    }


def endpoint_slice(name: str = "web-abc12") -> dict:
    return {
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "metadata": {"name": name, "namespace": "default", "labels": {"kubernetes.io/service-name": "web"}},
        "addressType": "IPv4",
        "endpoints": [{"addresses": ["10.244.1.5"], "conditions": {"ready": True}}],
        "ports": [{"name": "", "port": 8080, "protocol": "TCP"}],
    }


def horizontal_pod_autoscaler(name: str = "web") -> dict:
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
            "minReplicas": 1,
            "maxReplicas": 10,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 50}},
                }
            ],
        },
    }


def storage_class(name: str = "standard") -> dict:
    return {
        "apiVersion": "storage.k8s.io/v1",
        "kind": "StorageClass",
        "metadata": {"name": name},
        "provisioner": "pd.csi.storage.gke.io",
        "reclaimPolicy": "Delete",
        "volumeBindingMode": "WaitForFirstConsumer",
        "allowVolumeExpansion": True,
    }


def volume_attachment(name: str = "csi-0a1b2c") -> dict:
    return {
        "apiVersion": "storage.k8s.io/v1",
        "kind": "VolumeAttachment",
        "metadata": {"name": name},
        "spec": {
            "attacher": "pd.csi.storage.gke.io",
            "nodeName": "worker-1",
            "source": {"persistentVolumeName": "pv-data"},
        },
    }


def csi_node(name: str = "worker-1") -> dict:
    return {
        "apiVersion": "storage.k8s.io/v1",
        "kind": "CSINode",
        "metadata": {"name": name},
        "spec": {"drivers": [{"name": "pd.csi.storage.gke.io", "nodeID": name, "allocatable": {"count": 15}}]},
    }


def priority_class(name: str = "high-priority") -> dict:
    return {
        "apiVersion": "scheduling.k8s.io/v1",
        "kind": "PriorityClass",
        "metadata": {"name": name},
        "value": 1000000,
        "description": "For the shop's front end: scheduled, and kept, before batch work.",
    }


VALID = {
    "Namespace": namespace,
    "Node": node,
    "Pod": pod,
    "Service": service,
    "Endpoints": endpoints,
    "ServiceAccount": service_account,
    "Secret": secret,
    "ConfigMap": config_map,
    "Event": event,
    "ReplicaSet": replica_set,
    "ReplicationController": replication_controller,
    "Deployment": deployment,
    "Lease": lease,
    "PersistentVolume": persistent_volume,
    "PersistentVolumeClaim": persistent_volume_claim,
    "StatefulSet": stateful_set,
    "DaemonSet": daemon_set,
    "ControllerRevision": controller_revision,
    "Job": job,
    "CronJob": cron_job,
    "PodDisruptionBudget": pod_disruption_budget,
    "EndpointSlice": endpoint_slice,
    "HorizontalPodAutoscaler": horizontal_pod_autoscaler,
    "StorageClass": storage_class,
    "VolumeAttachment": volume_attachment,
    "CSINode": csi_node,
    "PriorityClass": priority_class,
    "ControlPlaneComponent": control_plane_component,
}


def valid(kind: str) -> dict:
    return copy.deepcopy(VALID[kind]())
