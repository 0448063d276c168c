"""Server-side Tables: the rows `kubectl get` prints, with the columns upstream's printers define.

kubectl asks for `application/json;as=Table;v=v1;g=meta.k8s.io` and prints whatever columns the server sends;
priority-1 columns appear only with `-o wide`. The cells follow pkg/printers/internalversion/printers.go so a student
sees exactly what a real cluster would show. Ages are measured against the cluster's simulated clock.
"""

from datetime import datetime

from cluster_engine.openapi import definitions

from ..durations import age, parse_time
from .selectors import label_selector_string, map_selector_string
from .tables_batch import CRONJOB_COLUMNS, JOB_COLUMNS, cronjob_cells, job_cells
from .tables_daemonset import daemonset_cells, disruption_budget_cells
from .tables_scaling import ENDPOINT_SLICE_CELLS, ENDPOINT_SLICE_COLUMNS, HPA_CELLS, HPA_COLUMNS
from .tables_storage import storage_tables

NONE = "<none>"
NAME_DESCRIPTION = "Name must be unique within a namespace."
AGE_DESCRIPTION = "CreationTimestamp is a timestamp representing the server time when this object was created."


def column(name: str, kind: str = "string", priority: int = 0, description: str = "", fmt: str = "") -> dict:
    return {"name": name, "type": kind, "format": fmt, "description": description, "priority": priority}


NAME = column("Name", fmt="name", description=NAME_DESCRIPTION)
AGE = column("Age", description=AGE_DESCRIPTION)


# ---- pods ----------------------------------------------------------------------------------------------------
def _pod_cells(pod: dict, now: datetime) -> list:
    """printPod: READY counts ready running containers; STATUS is the most telling container reason."""
    spec, status = pod.get("spec") or {}, pod.get("status") or {}
    phase = status.get("phase", "")
    reason = status.get("reason") or phase
    for condition in status.get("conditions") or []:
        if condition.get("type") == "PodScheduled" and condition.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"
    total = len(spec.get("containers") or [])
    ready = restarts = 0
    last_restart: datetime | None = None

    def note_restart(container_status: dict) -> None:
        nonlocal restarts, last_restart
        restarts += int(container_status.get("restartCount") or 0)
        finished = parse_time(((container_status.get("lastState") or {}).get("terminated") or {}).get("finishedAt"))
        if finished is not None and (last_restart is None or finished > last_restart):
            last_restart = finished

    initializing = False
    init_statuses = status.get("initContainerStatuses") or []
    for index, container in enumerate(init_statuses):
        note_restart(container)
        state = container.get("state") or {}
        terminated, waiting = state.get("terminated"), state.get("waiting")
        if terminated is not None and terminated.get("exitCode", 0) == 0:
            continue
        if terminated is not None:
            reason = "Init:" + (terminated.get("reason") or _exit_reason(terminated))
        elif waiting is not None and waiting.get("reason") and waiting["reason"] != "PodInitializing":
            reason = "Init:" + waiting["reason"]
        else:
            reason = f"Init:{index}/{len(spec.get('initContainers') or [])}"
        initializing = True
        break
    initialized = any(
        condition.get("type") == "Initialized" and condition.get("status") == "True"
        for condition in status.get("conditions") or []
    )
    if not initializing or initialized:
        restarts, last_restart = 0, None
        has_running = False
        for container in reversed(status.get("containerStatuses") or []):
            note_restart(container)
            state = container.get("state") or {}
            waiting, terminated = state.get("waiting"), state.get("terminated")
            if waiting is not None and waiting.get("reason"):
                reason = waiting["reason"]
            elif terminated is not None:
                reason = terminated.get("reason") or _exit_reason(terminated)
            elif container.get("ready") and state.get("running") is not None:
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            pod_ready = any(
                condition.get("type") == "Ready" and condition.get("status") == "True"
                for condition in status.get("conditions") or []
            )
            reason = "Running" if pod_ready else "NotReady"
    deleting = bool(pod["metadata"].get("deletionTimestamp"))
    if deleting and status.get("reason") == "NodeLost":
        reason = "Unknown"
    elif deleting and phase not in ("Succeeded", "Failed"):
        reason = "Terminating"
    shown_restarts = str(restarts)
    if restarts and last_restart is not None:
        shown_restarts = f"{restarts} ({age(last_restart.isoformat(), now)} ago)"
    pod_ips = status.get("podIPs") or []
    pod_ip = (pod_ips[0].get("ip") if pod_ips else "") or status.get("podIP") or NONE
    gates = spec.get("readinessGates") or []
    gates_cell = NONE
    if gates:
        true_types = {c.get("type") for c in status.get("conditions") or [] if c.get("status") == "True"}
        gates_cell = f"{sum(1 for gate in gates if gate.get('conditionType') in true_types)}/{len(gates)}"
    return [
        pod["metadata"].get("name", ""),
        f"{ready}/{total}",
        reason,
        shown_restarts,
        age(pod["metadata"].get("creationTimestamp"), now),
        pod_ip,
        spec.get("nodeName") or NONE,
        status.get("nominatedNodeName") or NONE,
        gates_cell,
    ]


def _exit_reason(terminated: dict) -> str:
    if terminated.get("signal"):
        return f"Signal:{terminated['signal']}"
    return f"ExitCode:{terminated.get('exitCode', 0)}"


POD_COLUMNS = [
    NAME,
    column("Ready", description="The aggregate readiness state of this pod for accepting traffic."),
    column("Status", description="The aggregate status of the containers in this pod."),
    column(
        "Restarts",
        description="The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.",
    ),
    AGE,
    column(
        "IP",
        priority=1,
        description="IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.",
    ),
    column("Node", priority=1, description="NodeName is a request to schedule this pod onto a specific node."),
    column(
        "Nominated Node",
        priority=1,
        description="nominatedNodeName is set only when this pod preempts other pods on the node.",
    ),
    column(
        "Readiness Gates",
        priority=1,
        description="If specified, all readiness gates will be evaluated for pod readiness.",
    ),
]


# ---- nodes ---------------------------------------------------------------------------------------------------
def node_roles(node: dict) -> list[str]:
    """findNodeRoles: node-role.kubernetes.io/<role> labels plus a legacy kubernetes.io/role value, sorted."""
    roles = set()
    for key, value in (node["metadata"].get("labels") or {}).items():
        if key.startswith("node-role.kubernetes.io/"):
            roles.add(key.removeprefix("node-role.kubernetes.io/"))
        elif key == "kubernetes.io/role" and value:
            roles.add(value)
    return sorted(role for role in roles if role)


def node_status(node: dict) -> str:
    """printNode's STATUS: Ready / NotReady / Unknown, plus SchedulingDisabled when cordoned."""
    shown = []
    for condition in (node.get("status") or {}).get("conditions") or []:
        if condition.get("type") == "Ready":
            shown.append("Ready" if condition.get("status") == "True" else "NotReady")
    if not shown:
        shown.append("Unknown")
    if (node.get("spec") or {}).get("unschedulable"):
        shown.append("SchedulingDisabled")
    return ",".join(shown)


def _node_address(node: dict, kind: str) -> str:
    for address in (node.get("status") or {}).get("addresses") or []:
        if address.get("type") == kind:
            return address.get("address", "")
    return NONE


def _node_cells(node: dict, now: datetime) -> list:
    info = (node.get("status") or {}).get("nodeInfo") or {}
    return [
        node["metadata"].get("name", ""),
        node_status(node),
        ",".join(node_roles(node)) or NONE,
        age(node["metadata"].get("creationTimestamp"), now),
        info.get("kubeletVersion", ""),
        _node_address(node, "InternalIP"),
        _node_address(node, "ExternalIP"),
        info.get("osImage") or "<unknown>",
        info.get("kernelVersion") or "<unknown>",
        info.get("containerRuntimeVersion") or "<unknown>",
    ]


NODE_COLUMNS = [
    NAME,
    column("Status", description="The status of the node"),
    column("Roles", description="The roles of the node"),
    AGE,
    column("Version", description="Kubelet Version reported by the node."),
    column(
        "Internal-IP",
        priority=1,
        description="List of addresses reachable to the node. Queried from cloud provider, if available.",
    ),
    column(
        "External-IP",
        priority=1,
        description="List of addresses reachable to the node. Queried from cloud provider, if available.",
    ),
    column(
        "OS-Image",
        priority=1,
        description="OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).",
    ),
    column(
        "Kernel-Version",
        priority=1,
        description="Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).",
    ),
    column(
        "Container-Runtime",
        priority=1,
        description="ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).",
    ),
]


# ---- workloads -----------------------------------------------------------------------------------------------
def _containers(obj: dict) -> list[dict]:
    return ((((obj.get("spec") or {}).get("template") or {}).get("spec") or {}).get("containers")) or []


def _workload_tail(obj: dict) -> list:
    containers = _containers(obj)
    return [
        ",".join(container.get("name", "") for container in containers),
        ",".join(container.get("image", "") for container in containers),
        label_selector_string((obj.get("spec") or {}).get("selector")),
    ]


WORKLOAD_TAIL_COLUMNS = [
    column("Containers", priority=1, description="Names of each container in the template."),
    column("Images", priority=1, description="Images referenced by each container in the template."),
    column(
        "Selector",
        priority=1,
        description="Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.",
    ),
]


def _deployment_cells(deployment: dict, now: datetime) -> list:
    spec, status = deployment.get("spec") or {}, deployment.get("status") or {}
    return [
        deployment["metadata"].get("name", ""),
        f"{status.get('readyReplicas', 0)}/{spec.get('replicas', 0)}",
        status.get("updatedReplicas", 0),
        status.get("availableReplicas", 0),
        age(deployment["metadata"].get("creationTimestamp"), now),
        *_workload_tail(deployment),
    ]


DEPLOYMENT_COLUMNS = [
    NAME,
    column("Ready", description="Number of the pod with ready state"),
    column(
        "Up-to-date",
        "integer",
        description="Total number of non-terminated pods targeted by this deployment that have the desired template spec.",
    ),
    column(
        "Available",
        "integer",
        description="Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.",
    ),
    AGE,
    *WORKLOAD_TAIL_COLUMNS,
]


def _replicaset_cells(replicaset: dict, now: datetime) -> list:
    spec, status = replicaset.get("spec") or {}, replicaset.get("status") or {}
    return [
        replicaset["metadata"].get("name", ""),
        spec.get("replicas", 0),
        status.get("replicas", 0),
        status.get("readyReplicas", 0),
        age(replicaset["metadata"].get("creationTimestamp"), now),
        *_workload_tail(replicaset),
    ]


REPLICASET_COLUMNS = [
    NAME,
    column("Desired", "integer", description="Replicas is the number of desired replicas."),
    column("Current", "integer", description="Replicas is the most recently observed number of replicas."),
    column("Ready", "integer", description="The number of ready replicas for this replica set."),
    AGE,
    *WORKLOAD_TAIL_COLUMNS,
]


def _stateful_set_cells(sts: dict, now: datetime) -> list:
    """printStatefulSet: READY is ready replicas over desired ones."""
    spec, status = sts.get("spec") or {}, sts.get("status") or {}
    containers = _containers(sts)
    return [
        sts["metadata"].get("name", ""),
        f"{status.get('readyReplicas', 0)}/{spec.get('replicas', 0)}",
        age(sts["metadata"].get("creationTimestamp"), now),
        ",".join(container.get("name", "") for container in containers),
        ",".join(container.get("image", "") for container in containers),
    ]


STATEFULSET_COLUMNS = [
    NAME,
    column("Ready", description="Number of the pod with ready state"),
    AGE,
    *WORKLOAD_TAIL_COLUMNS[:2],
]


def _controller_revision_cells(revision: dict, now: datetime) -> list:
    """printControllerRevision: CONTROLLER is `<kind>.<group>/<name>` of the controlling owner."""
    controller = NONE
    for reference in revision["metadata"].get("ownerReferences") or []:
        if reference.get("controller"):
            group = reference.get("apiVersion", "").rpartition("/")[0]
            kind = f"{reference.get('kind', '')}.{group}" if group else reference.get("kind", "")
            controller = f"{kind.lower()}/{reference.get('name', '')}"
    return [
        revision["metadata"].get("name", ""),
        controller,
        revision.get("revision", 0),
        age(revision["metadata"].get("creationTimestamp"), now),
    ]


def _replication_controller_cells(rc: dict, now: datetime) -> list:
    """printReplicationController: the ReplicaSet's cells, with the selector a label map (FormatLabels)."""
    spec, status = rc.get("spec") or {}, rc.get("status") or {}
    containers = _containers(rc)
    return [
        rc["metadata"]["name"],
        spec.get("replicas", 0),
        status.get("replicas", 0),
        status.get("readyReplicas", 0),
        age(rc["metadata"].get("creationTimestamp"), now),
        ",".join(container.get("name", "") for container in containers),
        ",".join(container.get("image", "") for container in containers),
        map_selector_string(spec.get("selector")),
    ]


def _replication_controller_columns() -> list[dict]:
    """upstream describes these columns with the API fields' own documentation (SwaggerDoc)."""
    spec = definitions()["io.k8s.api.core.v1.ReplicationControllerSpec"]["properties"]
    status = definitions()["io.k8s.api.core.v1.ReplicationControllerStatus"]["properties"]
    return [
        NAME,
        column("Desired", "integer", description=spec["replicas"]["description"]),
        column("Current", "integer", description=status["replicas"]["description"]),
        column("Ready", "integer", description=status["readyReplicas"]["description"]),
        AGE,
        *WORKLOAD_TAIL_COLUMNS[:2],
        column("Selector", priority=1, description=spec["selector"]["description"]),
    ]


def _daemonset_columns() -> list[dict]:
    """printDaemonSet's columns, described by the fields they show."""
    spec = definitions()["io.k8s.api.apps.v1.DaemonSetSpec"]["properties"]
    status = definitions()["io.k8s.api.apps.v1.DaemonSetStatus"]["properties"]
    pod_spec = definitions()["io.k8s.api.core.v1.PodSpec"]["properties"]
    counters = (
        ("Desired", "desiredNumberScheduled"),
        ("Current", "currentNumberScheduled"),
        ("Ready", "numberReady"),
        ("Up-to-date", "updatedNumberScheduled"),
        ("Available", "numberAvailable"),
    )
    return [
        NAME,
        *(column(name, "integer", description=status[field]["description"]) for name, field in counters),
        column("Node Selector", description=pod_spec["nodeSelector"]["description"]),
        AGE,
        *WORKLOAD_TAIL_COLUMNS[:2],
        column("Selector", priority=1, description=spec["selector"]["description"]),
    ]


CONTROLLER_REVISION_COLUMNS = [
    NAME,
    column("Controller", description="Controller of the object"),
    column(
        "Revision",
        description=definitions()["io.k8s.api.apps.v1.ControllerRevision"]["properties"]["revision"]["description"],
    ),
    AGE,
]
DISRUPTION_BUDGET_COLUMNS = [
    NAME,
    column("Min Available", description="The minimum number of pods that must be available."),
    column("Max Unavailable", description="The maximum number of pods that may be unavailable."),
    column(
        "Allowed Disruptions", "integer", description="Calculated number of pods that may be disrupted at this time."
    ),
    AGE,
]


# ---- services and endpoints ----------------------------------------------------------------------------------
def _external_ip(service: dict) -> str:
    """getServiceExternalIP: LoadBalancer services read "<pending>" until the cloud assigns an address."""
    spec = service.get("spec") or {}
    external = spec.get("externalIPs") or []
    kind = spec.get("type", "ClusterIP")
    if kind in ("ClusterIP", "NodePort"):
        return ",".join(external) or NONE
    if kind == "LoadBalancer":
        ingress = ((service.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
        addresses = [
            entry.get("ip") or entry.get("hostname") for entry in ingress if entry.get("ip") or entry.get("hostname")
        ]
        return ",".join(addresses + external) or "<pending>"
    if kind == "ExternalName":
        return spec.get("externalName", "")
    return "<unknown>"


def _ports(service: dict) -> str:
    shown = []
    for port in (service.get("spec") or {}).get("ports") or []:
        protocol = port.get("protocol", "TCP")
        if port.get("nodePort"):
            shown.append(f"{port.get('port')}:{port['nodePort']}/{protocol}")
        else:
            shown.append(f"{port.get('port')}/{protocol}")
    return ",".join(shown) or NONE


def _service_cells(service: dict, now: datetime) -> list:
    spec = service.get("spec") or {}
    return [
        service["metadata"].get("name", ""),
        spec.get("type", "ClusterIP"),
        spec.get("clusterIP") or NONE,
        _external_ip(service),
        _ports(service),
        age(service["metadata"].get("creationTimestamp"), now),
        map_selector_string(spec.get("selector")),
    ]


SERVICE_COLUMNS = [
    NAME,
    column("Type", description="type determines how the Service is exposed."),
    column("Cluster-IP", description="clusterIP is the IP address of the service and is usually assigned randomly."),
    column(
        "External-IP",
        description="externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.",
    ),
    column("Port(s)", description="The list of ports that are exposed by this service."),
    AGE,
    column(
        "Selector",
        priority=1,
        description="Route service traffic to pods with label keys and values matching this selector.",
    ),
]


def format_endpoints(endpoints: dict, limit: int = 3) -> str:
    """formatEndpoints: the first three ip:port pairs, then " + N more..."."""
    subsets = endpoints.get("subsets") or []
    if not subsets:
        return NONE
    shown, count = [], 0
    for subset in subsets:
        addresses = subset.get("addresses") or []
        ports = subset.get("ports") or [None]
        for port in ports:
            count += len(addresses)
            for address in addresses:
                if len(shown) < limit:
                    ip = address.get("ip", "")
                    shown.append(ip if port is None else f"{ip}:{port.get('port')}")
    text = ",".join(shown)
    return f"{text} + {count - limit} more..." if count > limit else text


def _endpoints_cells(endpoints: dict, now: datetime) -> list:
    return [
        endpoints["metadata"].get("name", ""),
        format_endpoints(endpoints),
        age(endpoints["metadata"].get("creationTimestamp"), now),
    ]


ENDPOINTS_COLUMNS = [NAME, column("Endpoints", description="Endpoints of the service"), AGE]


# ---- events --------------------------------------------------------------------------------------------------
def _event_cells(event: dict, now: datetime) -> list:
    first_seen = age(event.get("firstTimestamp") or event.get("eventTime"), now)
    last_seen = age(event["lastTimestamp"], now) if event.get("lastTimestamp") else first_seen
    count = event.get("count") or 1
    series = event.get("series")
    if series:
        last_seen, count = age(series.get("lastObservedTime"), now), series.get("count", count)
    involved = event.get("involvedObject") or {}
    target = involved.get("kind", "").lower()
    if involved.get("name"):
        target = f"{target}/{involved['name']}"
    source = event.get("source") or {}
    component = source.get("component") or event.get("reportingComponent", "")
    instance = source.get("host") or event.get("reportingInstance", "")
    return [
        last_seen,
        event.get("type", ""),
        event.get("reason", ""),
        target,
        involved.get("fieldPath", ""),
        f"{component}, {instance}" if instance else component,
        (event.get("message") or "").strip(),
        first_seen,
        count,
        event["metadata"].get("name", ""),
    ]


EVENT_COLUMNS = [
    column("Last Seen", description="The time at which the most recent occurrence of this event was recorded."),
    column("Type", description="Type of this event (Normal, Warning), new types could be added in the future"),
    column(
        "Reason",
        description="This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
    ),
    column("Object", description="The object that this event is about."),
    column("Subobject", priority=1, description="The field of the object this event is about."),
    column(
        "Source",
        priority=1,
        description="The component reporting this event. Should be a short machine understandable string.",
    ),
    column("Message", description="A human-readable description of the status of this operation."),
    column(
        "First Seen",
        priority=1,
        description="The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)",
    ),
    column("Count", "integer", priority=1, description="The number of times this event has occurred."),
    column("Name", priority=1, fmt="name", description=NAME_DESCRIPTION),
]


# ---- the rest ------------------------------------------------------------------------------------------------
def _field_doc(definition: str, field: str) -> str:
    """A storage.k8s.io/v1 field's documentation, which upstream's printers use as the column description."""
    return definitions()[f"io.k8s.api.storage.v1.{definition}"]["properties"][field]["description"]


def _priority_class_doc(field: str) -> str:
    return definitions()["io.k8s.api.scheduling.v1.PriorityClass"]["properties"][field]["description"]


def _named(*cells):
    """Cells for kinds whose row is name, a few plain values, and age."""

    def build(obj: dict, now: datetime) -> list:
        return [
            obj["metadata"].get("name", ""),
            *(cell(obj) for cell in cells),
            age(obj["metadata"].get("creationTimestamp"), now),
        ]

    return build


TABLES = {
    "Pod": (POD_COLUMNS, _pod_cells),
    "Node": (NODE_COLUMNS, _node_cells),
    "Deployment": (DEPLOYMENT_COLUMNS, _deployment_cells),
    "ReplicaSet": (REPLICASET_COLUMNS, _replicaset_cells),
    "ReplicationController": (_replication_controller_columns(), _replication_controller_cells),
    "StatefulSet": (STATEFULSET_COLUMNS, _stateful_set_cells),
    "ControllerRevision": (CONTROLLER_REVISION_COLUMNS, _controller_revision_cells),
    "Service": (SERVICE_COLUMNS, _service_cells),
    "DaemonSet": (_daemonset_columns(), daemonset_cells),
    "PodDisruptionBudget": (DISRUPTION_BUDGET_COLUMNS, disruption_budget_cells),
    "Endpoints": (ENDPOINTS_COLUMNS, _endpoints_cells),
    "Event": (EVENT_COLUMNS, _event_cells),
    "Job": (JOB_COLUMNS, job_cells),
    "CronJob": (CRONJOB_COLUMNS, cronjob_cells),
    "Namespace": (
        [NAME, column("Status", description="The status of the namespace"), AGE],
        _named(lambda ns: (ns.get("status") or {}).get("phase", "")),
    ),
    "ServiceAccount": (
        [
            NAME,
            column(
                "Secrets",
                "integer",
                description="Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.",
            ),
            AGE,
        ],
        _named(lambda sa: len(sa.get("secrets") or [])),
    ),
    "Secret": (
        [
            NAME,
            column("Type", description="The type of the secret"),
            column("Data", "integer", description="The number of data items in the secret"),
            AGE,
        ],
        _named(lambda secret: secret.get("type", ""), lambda secret: len(secret.get("data") or {})),
    ),
    "ConfigMap": (
        [NAME, column("Data", "integer", description="The number of data items in the configmap"), AGE],
        _named(lambda cm: len(cm.get("data") or {}) + len(cm.get("binaryData") or {})),
    ),
    "Lease": (
        [NAME, column("Holder", description="The holder of the lease"), AGE],
        _named(lambda lease: (lease.get("spec") or {}).get("holderIdentity", "")),
    ),
    "EndpointSlice": ([NAME, *ENDPOINT_SLICE_COLUMNS, AGE], _named(*ENDPOINT_SLICE_CELLS)),
    "HorizontalPodAutoscaler": ([NAME, *HPA_COLUMNS, AGE], _named(*HPA_CELLS)),
    "ControlPlaneComponent": (
        [
            NAME,
            column("Component", description="The control-plane program this instance runs."),
            column("Node", description="The node the instance runs on."),
            column("Phase", description="Running, or Down when its node or the instance is down."),
            column("Leader", description="Whether this instance holds its component's leader lease."),
            AGE,
        ],
        _named(
            lambda cpc: (cpc.get("spec") or {}).get("component", ""),
            lambda cpc: (cpc.get("spec") or {}).get("nodeName", ""),
            lambda cpc: (cpc.get("status") or {}).get("phase", ""),
            lambda cpc: str(bool((cpc.get("status") or {}).get("leader"))).lower(),
        ),
    ),
    **storage_tables(NAME, AGE),
    "VolumeAttachment": (  # upstream printVolumeAttachment
        [
            NAME,
            column("Attacher", fmt="name", description=_field_doc("VolumeAttachmentSpec", "attacher")),
            column("PV", description=_field_doc("VolumeAttachmentSource", "persistentVolumeName")),
            column("Node", description=_field_doc("VolumeAttachmentSpec", "nodeName")),
            column("Attached", "boolean", description=_field_doc("VolumeAttachmentStatus", "attached")),
            AGE,
        ],
        _named(
            lambda va: va["spec"].get("attacher", ""),
            lambda va: (va["spec"].get("source") or {}).get("persistentVolumeName", ""),
            lambda va: va["spec"].get("nodeName", ""),
            lambda va: bool((va.get("status") or {}).get("attached")),
        ),
    ),
    "CSINode": (  # upstream printCSINode
        [
            NAME,
            column(
                "Drivers", "integer", description="Drivers indicates the number of CSI drivers registered on the node"
            ),
            AGE,
        ],
        _named(lambda csi_node: len((csi_node.get("spec") or {}).get("drivers") or [])),
    ),
    "PriorityClass": (  # upstream printPriorityClass: the preemption policy after the age
        [
            NAME,
            column("Value", "integer", description=_priority_class_doc("value")),
            column("Global-Default", "boolean", description=_priority_class_doc("globalDefault")),
            AGE,
            column("PreemptionPolicy", description=_priority_class_doc("preemptionPolicy")),
        ],
        lambda pc, now: [
            *_named(lambda obj: obj.get("value", 0), lambda obj: bool(obj.get("globalDefault")))(pc, now),
            pc.get("preemptionPolicy", ""),
        ],
    ),
}


# upstream's defaultTableConvertor, for a resource that has no printer of its own: its name and creation time
DEFAULT_TABLE = (
    [NAME, column("Created At", "date", description=AGE_DESCRIPTION)],
    lambda obj, now: [obj["metadata"].get("name", ""), obj["metadata"].get("creationTimestamp", "")],
)


def row_object(obj: dict, include_object: str) -> dict | None:
    """What a row carries: PartialObjectMetadata by default (kubectl reads namespace and name from it)."""
    if include_object == "None":
        return None
    if include_object == "Object":
        return obj
    return {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": obj["metadata"]}


def table(
    kind: str, objects: list[dict], now: datetime, resource_version: str = "", include_object: str = "Metadata"
) -> dict:
    """A meta.k8s.io/v1 Table of objects of one kind; kubectl prints its cells under the column names."""
    columns, cells = TABLES.get(kind, DEFAULT_TABLE)
    rows = []
    for obj in objects:
        row = {"cells": cells(obj, now)}
        embedded = row_object(obj, include_object)
        if embedded is not None:
            row["object"] = embedded
        rows.append(row)
    return {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": {"resourceVersion": resource_version} if resource_version else {},
        "columnDefinitions": columns,
        "rows": rows,
    }
