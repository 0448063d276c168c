"""Defaulting and admission: what the API server adds to an object before it is stored.

Mirrors upstream's scheme defaults (pkg/apis/*/v1/defaults.go) and the admission plugins every cluster runs
(ServiceAccount, DefaultTolerationSeconds, NamespaceLifecycle), so an object read back from KubeLab has the same
fields a real cluster would show: a learner who writes a three-line pod sees the tolerations and service account
the cluster filled in.
"""

import base64
import ipaddress
import uuid

from . import (
    admission_priority,
    admission_storage,
    batch_defaults,
    daemonset,
    disruption,
    errors,
    podspec,
    statefulset,
    validation_autoscaling,
    validation_discovery,
    validation_scheduling,
)
from .clone import clone
from .kinds import Kind, kind_named

# upstream: DefaultTolerationSeconds admission, --default-not-ready-toleration-seconds=300 and unreachable 300
DEFAULT_TOLERATION_SECONDS = 300
NOT_READY_TAINT = "node.kubernetes.io/not-ready"
UNREACHABLE_TAINT = "node.kubernetes.io/unreachable"
# AKS's defaults: service CIDR 10.0.0.0/16 (kube-dns takes 10.0.0.10); NodePorts 30000-32767 (upstream default)
SERVICE_CIDR = ipaddress.ip_network("10.0.0.0/16")
NODE_PORT_RANGE = range(30000, 32768)
SERVER_OWNED_METADATA = ("uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation")


def admit_create(kind: Kind, obj: dict, server) -> None:
    default_create(kind, obj, server)
    admit_created(kind, obj, server)


def default_create(kind: Kind, obj: dict, server) -> None:
    """The scheme's defaults, which upstream applies while decoding: its field manager sees them as the writer's."""
    defaulter = _CREATE_DEFAULTS.get(kind.kind)
    if defaulter:
        defaulter(obj, server)


def admit_created(kind: Kind, obj: dict, server) -> None:
    """What admission plugins and the registry add after upstream's field manager has run (a pod's service
    account and default tolerations, a service's allocated IPs and ports, a namespace's finalizer): no manager
    owns these."""
    plugin = _CREATE_ADMISSION.get(kind.kind)
    if plugin:
        plugin(obj, server)


def admit_update(kind: Kind, old: dict, new: dict, server) -> None:
    if kind.kind in ("Deployment", "ReplicaSet"):
        _default_workload(new, server)
    elif kind.kind == "ReplicationController":
        _default_replication_controller(new, server)
    elif kind.kind == "StatefulSet":
        _default_stateful_set(new, server)
    elif kind.kind == "Pod":
        _default_pod_spec(new.setdefault("spec", {}))
        admission_priority.keep_pod_priority(old, new)
    elif kind.kind == "Service":
        _default_service_update(old, new, server)
    elif kind.kind == "Node":
        _sync_pod_cidrs(new)
    elif kind.kind == "Secret":
        _fold_string_data(new)
    elif kind.kind == "PersistentVolume":
        admission_storage.update_persistent_volume(old, new, server)
    elif kind.kind == "EndpointSlice":
        validation_discovery.default_endpoint_slice(new)
    elif kind.kind == "HorizontalPodAutoscaler":
        validation_autoscaling.default_hpa(new)
    elif kind.kind in ("Job", "CronJob"):
        _CREATE_DEFAULTS[kind.kind](new, server)
    elif kind.kind == "DaemonSet":
        _default_daemonset(new, server)
        daemonset.set_template_generation(new, old)
    elif kind.kind == "PriorityClass":
        validation_scheduling.default_priority_class(new)


def validate_update(kind: Kind, old: dict, new: dict, server) -> None:
    """Validating admission plugins, which see an update after the registry validated it."""
    if kind.kind == "PersistentVolumeClaim":
        admission_storage.validate_claim_update(old, new, server)
    elif kind.kind == "PriorityClass":
        admission_priority.validate_priority_class(new, server, old)


def merge_for_update(kind: Kind, current: dict, new: dict, subresource: str | None) -> dict:
    """What an update may change: the main resource leaves status alone, the status subresource only status,
    namespaces/finalize only spec.finalizers."""
    if subresource == "status":
        merged = _copy_but_status(current)
        merged["status"] = clone(new.get("status", {}))
    elif subresource == "finalize" and kind.kind == "Namespace":
        # namespaces/finalize: the namespace controller's way to drop spec.finalizers once the namespace is empty
        merged = clone(current)
        merged.setdefault("spec", {})["finalizers"] = clone((new.get("spec") or {}).get("finalizers") or [])
    else:
        keeps_status = subresource != "finalize" and "status" in kind.subresources
        merged = _copy_but_status(new) if keeps_status else clone(new)
        if kind.kind == "Namespace":
            # upstream namespace strategy: a plain update never changes spec.finalizers (only namespaces/finalize)
            merged.setdefault("spec", {})["finalizers"] = clone((current.get("spec") or {}).get("finalizers") or [])
        if keeps_status:
            if "status" in current:
                merged["status"] = clone(current["status"])
            else:
                merged.pop("status", None)
    for field in SERVER_OWNED_METADATA:
        if field in current["metadata"]:
            merged["metadata"][field] = current["metadata"][field]
        else:
            merged["metadata"].pop(field, None)
    merged["metadata"]["namespace"] = current["metadata"].get("namespace")
    if merged["metadata"]["namespace"] is None:
        merged["metadata"].pop("namespace")
    return merged


def _copy_but_status(obj: dict) -> dict:
    """A deep copy of everything but the status, which is about to be replaced: its key keeps its place (None)."""
    return {key: None if key == "status" else clone(value) for key, value in obj.items()}


def set_condition(obj: dict, condition_type: str, status: str, now: str, reason: str = "", message: str = "") -> bool:
    """Set a condition, moving lastTransitionTime only when the status changes; returns whether anything changed."""
    conditions = obj.setdefault("status", {}).setdefault("conditions", [])
    for condition in conditions:
        if condition["type"] == condition_type:
            before = dict(condition)
            if condition.get("status") != status:
                condition["lastTransitionTime"] = now
            condition["status"] = status
            _set_optional(condition, "reason", reason)
            _set_optional(condition, "message", message)
            return condition != before
    condition = {"type": condition_type, "status": status, "lastTransitionTime": now}
    _set_optional(condition, "reason", reason)
    _set_optional(condition, "message", message)
    if obj.get("kind") == "Pod":
        condition["lastProbeTime"] = None
    conditions.append(condition)
    return True


def _set_optional(condition: dict, key: str, value: str) -> None:
    if value:
        condition[key] = value
    else:
        condition.pop(key, None)


# ---- per-kind defaults ---------------------------------------------------------------------------------------
def _default_namespace(obj, server):
    labels = obj["metadata"].setdefault("labels", {})
    labels["kubernetes.io/metadata.name"] = obj["metadata"].get("name", "")


def _admit_namespace(obj, server):
    """upstream namespace strategy PrepareForCreate: the finalizer and phase come from the registry."""
    obj.setdefault("spec", {}).setdefault("finalizers", ["kubernetes"])
    obj.setdefault("status", {})["phase"] = "Active"


def _default_pod(obj, server):
    spec = obj.setdefault("spec", {})
    _default_pod_spec(spec)
    status = obj.setdefault("status", {})
    status.setdefault("phase", "Pending")
    status["qosClass"] = qos_class(spec)


def _admit_pod(obj, server):
    spec = obj["spec"]
    namespace = obj["metadata"].get("namespace", "default")
    account = spec.get("serviceAccountName") or spec.get("serviceAccount") or "default"
    # upstream ServiceAccount admission: a pod may only run as an account that exists in its namespace
    if server.storage.get("ServiceAccount", namespace, account) is None:
        raise errors.ApiError(
            403,
            "Forbidden",
            f'pods "{obj["metadata"].get("name") or obj["metadata"].get("generateName", "")}" is forbidden: '
            f'error looking up service account {namespace}/{account}: serviceaccount "{account}" not found',
            {"name": obj["metadata"].get("name", ""), "kind": "pods"},
        )
    spec["serviceAccountName"] = spec["serviceAccount"] = account
    admission_priority.admit_pod(obj, server)
    _add_default_tolerations(spec)


def _default_pod_spec(spec: dict) -> None:
    """Scheme defaults for a PodSpec (pkg/apis/core/v1/defaults.go), applied to pods and pod templates."""
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("terminationGracePeriodSeconds", 30)  # upstream: DefaultTerminationGracePeriodSeconds
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("schedulerName", "default-scheduler")
    spec.setdefault("securityContext", {})
    spec.setdefault("enableServiceLinks", True)
    sources = podspec.volume_sources()
    for volume in spec.get("volumes") or []:
        # upstream SetDefaults_Volume: a volume that names no source is an emptyDir
        if isinstance(volume, dict) and not any(volume.get(source) is not None for source in sources):
            volume["emptyDir"] = {}
    for container in (spec.get("containers") or []) + (spec.get("initContainers") or []):
        if not isinstance(container, dict):
            continue
        image = container.get("image", "")
        tag = image.rsplit("/", 1)[-1]
        latest = ":" not in tag or tag.endswith(":latest")
        container.setdefault("imagePullPolicy", "Always" if latest and "@" not in tag else "IfNotPresent")
        container.setdefault("terminationMessagePath", "/dev/termination-log")
        container.setdefault("terminationMessagePolicy", "File")
        container.setdefault("resources", {})
        for port in container.get("ports") or []:
            if isinstance(port, dict):
                port.setdefault("protocol", "TCP")
        for probe_name in ("livenessProbe", "readinessProbe", "startupProbe"):
            probe = container.get(probe_name)
            if isinstance(probe, dict):
                # upstream probe defaults: period 10 s, timeout 1 s, success 1, failure 3
                probe.setdefault("periodSeconds", 10)
                probe.setdefault("timeoutSeconds", 1)
                probe.setdefault("successThreshold", 1)
                probe.setdefault("failureThreshold", 3)
                if isinstance(probe.get("httpGet"), dict):
                    probe["httpGet"].setdefault("path", "/")
                    probe["httpGet"].setdefault("scheme", "HTTP")


def _add_default_tolerations(spec: dict) -> None:
    tolerations = spec.setdefault("tolerations", [])
    for taint in (NOT_READY_TAINT, UNREACHABLE_TAINT):
        if not any(
            _tolerates_no_execute(toleration, taint) for toleration in tolerations if isinstance(toleration, dict)
        ):
            tolerations.append(
                {
                    "key": taint,
                    "operator": "Exists",
                    "effect": "NoExecute",
                    "tolerationSeconds": DEFAULT_TOLERATION_SECONDS,
                }
            )


def _tolerates_no_execute(toleration: dict, taint_key: str) -> bool:
    if toleration.get("effect") not in (None, "", "NoExecute"):
        return False
    if toleration.get("operator") == "Exists" and not toleration.get("key"):
        return True
    return toleration.get("key") == taint_key


def qos_class(spec: dict) -> str:
    """Guaranteed when every container's requests equal its limits for cpu and memory; BestEffort with none."""
    containers = [c for c in (spec.get("containers") or []) if isinstance(c, dict)]
    requests_seen = limits_seen = False
    guaranteed = bool(containers)
    for container in containers:
        resources = container.get("resources") or {}
        requests, limits = resources.get("requests") or {}, resources.get("limits") or {}
        requests_seen |= bool(requests)
        limits_seen |= bool(limits)
        for resource in ("cpu", "memory"):
            if resource not in limits or requests.get(resource, limits[resource]) != limits[resource]:
                guaranteed = False
    if not requests_seen and not limits_seen:
        return "BestEffort"
    return "Guaranteed" if guaranteed else "Burstable"


def _default_workload(obj, server):
    spec = obj.setdefault("spec", {})
    spec.setdefault("replicas", 1)
    template = spec.setdefault("template", {})
    if isinstance(template, dict):
        _default_pod_spec(template.setdefault("spec", {}))
    if obj["kind"] == "Deployment":
        # upstream apps/v1 defaults: RollingUpdate 25%/25%, 10 old ReplicaSets kept, 600 s progress deadline
        strategy = spec.setdefault("strategy", {})
        strategy.setdefault("type", "RollingUpdate")
        if strategy["type"] == "RollingUpdate":
            rolling = strategy.setdefault("rollingUpdate", {})
            rolling.setdefault("maxUnavailable", "25%")
            rolling.setdefault("maxSurge", "25%")
        spec.setdefault("revisionHistoryLimit", 10)
        spec.setdefault("progressDeadlineSeconds", 600)
    obj.setdefault("status", {})


def _default_replication_controller(obj, server):
    """upstream SetDefaults_ReplicationController: an empty selector and empty labels take the template's labels."""
    spec = obj.setdefault("spec", {})
    template = spec.get("template")
    template_labels = (template.get("metadata") or {}).get("labels") if isinstance(template, dict) else None
    if template_labels:
        if not spec.get("selector"):
            spec["selector"] = dict(template_labels)
        if not obj["metadata"].get("labels"):
            obj["metadata"]["labels"] = dict(template_labels)
    spec.setdefault("replicas", 1)
    if isinstance(template, dict):
        _default_pod_spec(template.setdefault("spec", {}))
    # status.replicas is not omitempty upstream: a new controller reads 0 until its first sync
    obj.setdefault("status", {}).setdefault("replicas", 0)


def _default_stateful_set(obj, server):
    statefulset.default(obj)
    template = obj["spec"].setdefault("template", {})
    if isinstance(template, dict):
        _default_pod_spec(template.setdefault("spec", {}))


def _default_service_spec(spec: dict) -> None:
    """Scheme defaults of a ServiceSpec, on create and update alike: ClusterIP, no affinity, TCP, targetPort=port."""
    spec.setdefault("type", "ClusterIP")
    spec.setdefault("sessionAffinity", "None")
    for port in spec.get("ports") or []:
        if isinstance(port, dict):
            port.setdefault("protocol", "TCP")
            port.setdefault("targetPort", port.get("port"))


def _default_service(obj, server):
    _default_service_spec(obj.setdefault("spec", {}))


def _admit_service(obj, server):
    if obj["spec"]["type"] == "ExternalName":
        return
    _allocate_service(obj, server, exclude=None)
    obj.setdefault("status", {}).setdefault("loadBalancer", {})


def _allocate_service(obj, server, exclude: str | None) -> None:
    """Cluster IP and node ports, as the service registry's allocators do: a requested value must be in range and
    free (else 422, in upstream's words); a missing one is the lowest free value, so lessons replay the same."""
    spec = obj["spec"]
    others = [svc for svc in _all_services(server) if svc["metadata"].get("uid") != exclude]
    name = obj["metadata"].get("name", "")
    kind = kind_named("Service")
    if spec.get("clusterIP") != "None":
        requested = spec.get("clusterIP")
        if requested:
            problem = _cluster_ip_problem(requested, {svc["spec"].get("clusterIP") for svc in others})
            if problem:
                raise errors.invalid_object(kind, name, [errors.invalid("spec.clusterIPs", [requested], problem)])
        spec["clusterIP"] = requested or _allocate_cluster_ip(others)
        spec["clusterIPs"] = [spec["clusterIP"]]
    spec.setdefault("ipFamilies", ["IPv4"])
    spec.setdefault("ipFamilyPolicy", "SingleStack")
    spec.setdefault("internalTrafficPolicy", "Cluster")
    if spec["type"] in ("NodePort", "LoadBalancer"):
        spec.setdefault("externalTrafficPolicy", "Cluster")
        used = _node_ports_in_use(others)
        for index, port in enumerate(spec.get("ports") or []):
            if not isinstance(port, dict):
                continue
            requested = port.get("nodePort")
            if requested and requested in used and requested in NODE_PORT_RANGE:
                raise errors.invalid_object(
                    kind,
                    name,
                    [errors.invalid(f"spec.ports[{index}].nodePort", requested, "provided port is already allocated")],
                )
            if not requested:
                port["nodePort"] = next(p for p in NODE_PORT_RANGE if p not in used)
            used.add(port["nodePort"])
    if spec["type"] == "LoadBalancer":
        spec.setdefault("allocateLoadBalancerNodePorts", True)


def _cluster_ip_problem(requested: str, used: set) -> str:
    try:
        address = ipaddress.ip_address(requested)
    except ValueError:
        return ""  # validation words the malformed address
    if address not in SERVICE_CIDR:
        return (
            f"failed to allocate IP {requested}: the provided IP ({requested}) is not in the valid range. "
            f"The range of valid IPs is {SERVICE_CIDR}"
        )
    if requested in used:
        return f"failed to allocate IP {requested}: provided IP is already allocated"
    return ""


def _default_service_update(old, new, server):
    """upstream service strategy on update: keep allocated values the client left out, drop what a type change
    makes meaningless (an ExternalName service has no cluster IP or node ports), allocate what it newly needs."""
    spec, old_spec = new.setdefault("spec", {}), old.get("spec", {})
    _default_service_spec(spec)
    if spec["type"] == "ExternalName":
        for field in ("clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy", "internalTrafficPolicy"):
            spec.pop(field, None)
        for port in spec.get("ports") or []:
            if isinstance(port, dict):
                port.pop("nodePort", None)
        return
    if not spec.get("clusterIP"):
        for field in ("clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"):
            if field in old_spec:
                spec[field] = old_spec[field]
    if spec["type"] in ("NodePort", "LoadBalancer"):
        previous = {
            (port.get("port"), port.get("protocol", "TCP")): port.get("nodePort")
            for port in old_spec.get("ports") or []
            if isinstance(port, dict) and port.get("nodePort")
        }
        for port in spec.get("ports") or []:
            if isinstance(port, dict) and not port.get("nodePort"):
                reused = previous.get((port.get("port"), port.get("protocol")))
                if reused:
                    port["nodePort"] = reused
    elif old_spec.get("type") in ("NodePort", "LoadBalancer"):
        for port in spec.get("ports") or []:
            if isinstance(port, dict):
                port.pop("nodePort", None)
    _allocate_service(new, server, exclude=old["metadata"].get("uid"))


def _allocate_cluster_ip(others: list[dict]) -> str:
    used = {svc["spec"].get("clusterIP") for svc in others}
    # .1 is the kubernetes service and .10 kube-dns on AKS; allocate upward from .11 in order for stable lessons
    for offset in range(11, SERVICE_CIDR.num_addresses - 1):
        address = str(SERVICE_CIDR[offset])
        if address not in used:
            return address
    raise errors.ApiError(
        500, "InternalError", "Internal error occurred: failed to allocate a serviceIP: range is full"
    )


def _node_ports_in_use(others: list[dict]) -> set[int]:
    return {
        port.get("nodePort")
        for svc in others
        for port in svc["spec"].get("ports") or []
        if isinstance(port, dict) and port.get("nodePort")
    }


def _all_services(server) -> list[dict]:
    return server.storage.list("Service", None)


def _default_secret(obj, server):
    obj.setdefault("type", "Opaque")
    _fold_string_data(obj)


def _fold_string_data(obj):
    """stringData is write-only: upstream merges it into base64 data and never stores it."""
    string_data = obj.pop("stringData", None) or {}
    if string_data:
        data = obj.setdefault("data", {})
        for key, value in string_data.items():
            data[key] = base64.b64encode(str(value).encode()).decode()


def _default_node(obj, server):
    status = obj.setdefault("status", {})
    if "capacity" in status and "allocatable" not in status:
        status["allocatable"] = dict(status["capacity"])
    _sync_pod_cidrs(obj)


def _sync_pod_cidrs(obj) -> None:
    """v1 conversion keeps spec.podCIDR as the first of spec.podCIDRs; either one given fills the other."""
    spec = obj.setdefault("spec", {})
    if spec.get("podCIDR") and not spec.get("podCIDRs"):
        spec["podCIDRs"] = [spec["podCIDR"]]
    elif spec.get("podCIDRs") and isinstance(spec["podCIDRs"], list):
        spec["podCIDR"] = spec["podCIDRs"][0]


def _default_job(obj, server):
    batch_defaults.default_job(obj)
    template = obj["spec"].get("template")
    if isinstance(template, dict):
        _default_pod_spec(template.setdefault("spec", {}))


def _default_daemonset(obj, server):
    daemonset.set_defaults(obj)
    if "uid" not in obj["metadata"]:
        daemonset.set_template_generation(obj, None)
    template = obj["spec"].setdefault("template", {})
    if isinstance(template, dict):
        _default_pod_spec(template.setdefault("spec", {}))


def _default_cronjob(obj, server):
    batch_defaults.default_cronjob(obj)
    job_template = obj["spec"].get("jobTemplate")
    template = (job_template.get("spec") or {}).get("template") if isinstance(job_template, dict) else None
    if isinstance(template, dict):
        _default_pod_spec(template.setdefault("spec", {}))


def _admit_job(obj, server):
    """upstream assigns the uid before the job strategy generates the selector from it; the server keeps it. A new
    Job's status starts empty (jobStrategy PrepareForCreate)."""
    obj["metadata"]["uid"] = str(uuid.UUID(int=server.rng.getrandbits(128), version=4))
    batch_defaults.generate_selector(obj)
    obj["status"] = {}


def _admit_cronjob(obj, server):
    obj["status"] = {}  # upstream cronJobStrategy PrepareForCreate


def _default_event(obj, server):
    obj.setdefault("type", "Normal")
    obj.setdefault("count", 1)


_CREATE_DEFAULTS = {
    "Namespace": _default_namespace,
    "Pod": _default_pod,
    "Deployment": _default_workload,
    "ReplicaSet": _default_workload,
    "ReplicationController": _default_replication_controller,
    "StatefulSet": _default_stateful_set,
    "Service": _default_service,
    "Secret": _default_secret,
    "Node": _default_node,
    "Event": _default_event,
    "StorageClass": admission_storage.default_storage_class,
    "PersistentVolume": admission_storage.default_persistent_volume,
    "PersistentVolumeClaim": admission_storage.default_claim,
    "EndpointSlice": validation_discovery.default_endpoint_slice,
    "HorizontalPodAutoscaler": validation_autoscaling.default_hpa,
    "Job": _default_job,
    "CronJob": _default_cronjob,
    "DaemonSet": _default_daemonset,
    "PodDisruptionBudget": lambda obj, server: disruption.set_defaults(obj),
    "PriorityClass": validation_scheduling.default_priority_class,
}
_CREATE_ADMISSION = {
    "Namespace": _admit_namespace,
    "Pod": _admit_pod,
    "Service": _admit_service,
    "PersistentVolume": admission_storage.admit_persistent_volume,
    "PersistentVolumeClaim": admission_storage.admit_claim,
    "Job": _admit_job,
    "CronJob": _admit_cronjob,
    "PriorityClass": admission_priority.validate_priority_class,
}
