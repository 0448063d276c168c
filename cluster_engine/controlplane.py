"""The components a KubeLab cluster runs, in the order they start.

Each entry is a Component class taking a Context; the lab's control-plane worker and the in-memory `Simulation`
both build their control plane from this one list, so tests exercise exactly what the lab runs.
"""

from .cloud import CloudNodeLifecycleController, NodePoolController, ServiceController
from .controllers.attachdetach import AttachDetachController
from .controllers.deployment import DeploymentController
from .controllers.endpoints import EndpointsController
from .controllers.external_attacher import ExternalAttacher
from .controllers.garbagecollector import GarbageCollector
from .controllers.namespace import NamespaceController
from .controllers.replicaset import ReplicaSetController
from .controllers.replication import ReplicationManager
from .controllers.serviceaccount import ServiceAccountController
from .leaderelection import LeaderElection
from .machines import Machines
from .nodes.kubelet import Kubelets
from .nodes.lifecycle import NodeLifecycleController
from .nodes.podgc import PodGC
from .nodes.taint_eviction import TaintEvictionController
from .scheduler.component import Scheduler


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
        EndpointsController,
        AttachDetachController,
        Scheduler,
        NodePoolController,  # cloud controller manager
        ServiceController,
        CloudNodeLifecycleController,
        ExternalAttacher,  # the Azure disk CSI driver's controller plugin
    ]
