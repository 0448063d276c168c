"""kube-controller-manager's controllers are named as upstream names them (cmd/kube-controller-manager/names)."""

from cluster_engine.controller_names import CANONICAL_NAMES, controller_manager_controllers
from cluster_engine.controllers.attachdetach import AttachDetachController
from cluster_engine.controllers.deployment import DeploymentController
from cluster_engine.scheduler.component import Scheduler

# the canonical names upstream declares (a subset: those of controllers a KubeLab cluster may run)
UPSTREAM = {
    "endpoints-controller", "endpointslice-controller", "endpointslice-mirroring-controller",
    "replicationcontroller-controller", "pod-garbage-collector-controller", "namespace-controller",
    "serviceaccount-controller", "garbage-collector-controller", "daemonset-controller", "job-controller",
    "deployment-controller", "replicaset-controller", "horizontal-pod-autoscaler-controller", "disruption-controller",
    "statefulset-controller", "cronjob-controller", "node-lifecycle-controller", "taint-eviction-controller",
    "persistentvolume-binder-controller", "persistentvolume-attach-detach-controller",
    "persistentvolumeclaim-protection-controller", "persistentvolume-protection-controller",
    "ttl-after-finished-controller",
}  # fmt: skip


def test_every_controller_the_control_plane_runs_has_its_upstream_name():
    names = controller_manager_controllers()
    assert set(names) <= UPSTREAM and len(names) == len(set(names))
    assert set(CANONICAL_NAMES.values()) == set(names)  # no name kept for a controller that is not run
    for name in (
        "persistentvolume-binder-controller",
        "persistentvolume-attach-detach-controller",
        "statefulset-controller",
    ):
        assert name in names


def test_only_controller_manager_components_are_listed_in_their_start_order():
    components = [Scheduler, AttachDetachController, DeploymentController]
    assert controller_manager_controllers(components) == [
        "persistentvolume-attach-detach-controller",
        "deployment-controller",
    ]
