"""The components a KubeLab cluster runs, in the order they start.

Each entry is a Component class taking a Context; the lab's control-plane worker and the in-memory `Simulation`
both build their control plane from this one list, so tests exercise exactly what the lab runs.
"""

from .cloud import CloudNodeLifecycleController, NodePoolController, ServiceController
from .controllers.attachdetach import AttachDetachController
from .controllers.cronjob import CronJobController
from .controllers.csi_provisioner import CSIProvisioner
from .controllers.daemonset import DaemonSetController
from .controllers.deployment import DeploymentController
from .controllers.disruption import DisruptionController
from .controllers.endpoints import EndpointsController
from .controllers.endpointslice import EndpointSliceController
from .controllers.endpointslice_mirroring import EndpointSliceMirroringController
from .controllers.external_attacher import ExternalAttacher
from .controllers.garbagecollector import GarbageCollector
from .controllers.job import JobController
from .controllers.namespace import NamespaceController
from .controllers.persistentvolume import PersistentVolumeController
from .controllers.podautoscaler import HorizontalController
from .controllers.replicaset import ReplicaSetController
from .controllers.replication import ReplicationManager
from .controllers.serviceaccount import ServiceAccountController
from .controllers.statefulset import StatefulSetController
from .controllers.ttlafterfinished import TTLAfterFinishedController
from .controllers.volume_expansion import VolumeExpansion
from .controllers.volume_protection import PVCProtectionController, PVProtectionController
from .leaderelection import LeaderElection
from .machines import Machines
from .nodes.kubelet import Kubelets
from .nodes.lifecycle import NodeLifecycleController
from .nodes.podgc import PodGC
from .nodes.taint_eviction import TaintEvictionController
from .scheduler.component import Scheduler
from .traffic.component import Traffic


def default_components() -> list[type]:
    return [
        Machines,  # the simulated machines first: which component processes run
        LeaderElection,  # then who leads among them, before anything asks
        Kubelets,  # node agents
        NodeLifecycleController,
        TaintEvictionController,
        PodGC,
        ServiceAccountController,  # kube-controller-manager: accounts first, pods need them
        NamespaceController,
        GarbageCollector,
        DeploymentController,
        ReplicaSetController,
        ReplicationManager,
        StatefulSetController,
        JobController,
        CronJobController,
        TTLAfterFinishedController,
        DaemonSetController,
        DisruptionController,
        EndpointsController,
        PersistentVolumeController,
        PVCProtectionController,
        PVProtectionController,
        EndpointSliceController,
        EndpointSliceMirroringController,
        HorizontalController,
        AttachDetachController,
        Scheduler,
        NodePoolController,  # cloud controller manager
        ServiceController,
        CloudNodeLifecycleController,
        CSIProvisioner,  # the CSI drivers' controller sidecars
        VolumeExpansion,
        Traffic,  # the data plane: simulated clients, kube-proxy, the cloud load balancer
        ExternalAttacher,  # the Azure disk CSI driver's controller plugin
    ]
