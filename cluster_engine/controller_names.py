"""The controllers kube-controller-manager runs here, by upstream's canonical names
(cmd/kube-controller-manager/names/controller_names.go), for the diagram's controller-manager box.

Each component's own `name` is the source its events carry (upstream's event recorders use older names, such as
"endpoint-controller"); its canonical controller name is looked up here, so the list shown is always the list run.
"""

from .controlplane import default_components

KUBE_CONTROLLER_MANAGER = "kube-controller-manager"
CANONICAL_NAMES = {  # component name (its events' source) -> upstream's canonical controller name
    "node-controller": "node-lifecycle-controller",
    "taint-eviction-controller": "taint-eviction-controller",
    "pod-garbage-collector": "pod-garbage-collector-controller",
    "serviceaccount-controller": "serviceaccount-controller",
    "namespace-controller": "namespace-controller",
    "garbage-collector-controller": "garbage-collector-controller",
    "deployment-controller": "deployment-controller",
    "replicaset-controller": "replicaset-controller",
    "replication-controller": "replicationcontroller-controller",
    "statefulset-controller": "statefulset-controller",
    "job-controller": "job-controller",
    "cronjob-controller": "cronjob-controller",
    "ttl-after-finished-controller": "ttl-after-finished-controller",
    "daemonset-controller": "daemonset-controller",
    "disruption-controller": "disruption-controller",
    "endpoint-controller": "endpoints-controller",
    "persistentvolume-binder-controller": "persistentvolume-binder-controller",
    "pvc-protection-controller": "persistentvolumeclaim-protection-controller",
    "pv-protection-controller": "persistentvolume-protection-controller",
    "endpointslice-controller": "endpointslice-controller",
    "endpointslicemirroring-controller": "endpointslice-mirroring-controller",
    "horizontal-pod-autoscaler": "horizontal-pod-autoscaler-controller",
    "attachdetach-controller": "persistentvolume-attach-detach-controller",
}


def controller_manager_controllers(components: list[type] | None = None) -> list[str]:
    """The canonical names of the controllers among `components` (the default control plane's when None) that run
    in kube-controller-manager, in the order they start."""
    chosen = default_components() if components is None else components
    return [
        CANONICAL_NAMES[component.name]
        for component in chosen
        if getattr(component, "leader_of", None) == KUBE_CONTROLLER_MANAGER
    ]
