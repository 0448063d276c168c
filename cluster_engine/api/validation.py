"""Validation: the 422 causes upstream's pkg/apis/*/validation would give, worded the same way.

Each kind has a validator returning a list of FieldErrors; an empty list admits the object. Updates are also
checked against the stored object for fields upstream makes immutable. Names and metadata rules live in
`names`, the pod spec (shared with every pod template) in `podspec`.
"""

import base64
import ipaddress
import re

from . import (
    daemonset,
    disruption,
    names,
    statefulset,
    validation_autoscaling,
    validation_batch,
    validation_discovery,
    validation_scheduling,
    validation_storage,
)
from .errors import FieldError, duplicate, forbidden, invalid, not_supported, required, too_long
from .kinds import Kind
from .names import dns1035_label, dns1123_label, dns1123_subdomain
from .podspec import PROTOCOLS, TAINT_EFFECTS, non_negative, pod_spec, port_number_or_name
from .validation_workloads import always_restarting, malformed_percent, selector_and_template

__all__ = ["DEFAULT_MAX_REPLICAS", "validate", "dns1035_label", "dns1123_label", "dns1123_subdomain", "pod_spec"]

# The most replicas one workload may ask for in a simulated cluster (a per-cluster setting; kept small so a typo
# such as 3000 cannot swamp a classroom laptop).
DEFAULT_MAX_REPLICAS = 500
# upstream: core.MaxSecretSize, the most a Secret's or ConfigMap's data may hold (etcd's value limit in mind)
MAX_DATA_BYTES = 1024 * 1024
# upstream: the default --service-node-port-range
NODE_PORT_RANGE = (30000, 32767)
_CONFIG_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")
CONFIG_KEY_MESSAGE = (
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or "
    "'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"
)
POD_UPDATE_MESSAGE = (
    "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,"
    "`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),"
    "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)"
)
SERVICE_TYPES = ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")
SESSION_AFFINITIES = ("ClientIP", "None")
IP_MESSAGE = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"
CIDR_MESSAGE = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"
# upstream: finalizers without a domain prefix must be one of these (IsStandardFinalizerName)
STANDARD_FINALIZERS = ("kubernetes", "orphan", "foregroundDeletion")
# The kinds whose spec.replicas the cluster's replica ceiling bounds.
REPLICATED_KINDS = ("Deployment", "ReplicaSet", "ReplicationController", "StatefulSet")
# Which DNS rule names a kind's objects (upstream's per-kind ValidateNameFunc); everything else is a subdomain.
_NAME_RULES = {"Namespace": names.dns1123_label_messages, "Service": names.dns1035_label_messages}


def validate(
    kind: Kind, obj: dict, old: dict | None = None, max_replicas: int = DEFAULT_MAX_REPLICAS
) -> list[FieldError]:
    rule = _NAME_RULES.get(kind.kind, names.dns1123_subdomain_messages)
    problems = names.object_meta(obj["metadata"], rule, kind.namespaced)
    problems += _kube_finalizers(obj["metadata"].get("finalizers") or [], "metadata.finalizers")
    validator = _VALIDATORS.get(kind.kind)
    if validator:
        problems += validator(obj, max_replicas) if kind.kind in REPLICATED_KINDS else validator(obj)
    if old is not None:
        problems += names.object_meta_update(obj["metadata"], old["metadata"])
        problems += _immutable(kind, old, obj)
    return problems


def _kube_finalizers(finalizers: list, path: str) -> list[FieldError]:
    return [
        invalid(path, name, "name is neither a standard finalizer name nor is it fully qualified")
        for name in finalizers
        if "/" not in name and name not in STANDARD_FINALIZERS and not names.qualified_name_messages(name)
    ]


# ---- pods and workloads ---------------------------------------------------------------------------------------
def _pod(obj: dict) -> list[FieldError]:
    return pod_spec(obj.get("spec") or {}, "spec")


def _replicas(spec: dict, max_replicas: int) -> list[FieldError]:
    replicas = spec.get("replicas")
    if not isinstance(replicas, int):
        return []
    if replicas < 0:
        return [invalid("spec.replicas", replicas, "must be greater than or equal to 0")]
    if replicas > max_replicas:
        return [
            invalid(
                "spec.replicas", replicas, f"must be less than or equal to {max_replicas} in this simulated cluster"
            )
        ]
    return []


def _workload(obj: dict, max_replicas: int) -> list[FieldError]:
    spec = obj.get("spec") or {}
    problems = _replicas(spec, max_replicas)
    problems += selector_and_template(spec, "deployment", "spec.template.metadata.labels")
    template = spec.get("template") or {}
    policy = (template.get("spec") or {}).get("restartPolicy")
    if policy not in (None, "Always"):
        problems.append(not_supported("spec.template.spec.restartPolicy", policy, ("Always",)))
    if obj["kind"] == "Deployment":
        problems += _deployment_strategy(spec)
        problems += non_negative(spec.get("revisionHistoryLimit"), "spec.revisionHistoryLimit")
        deadline, min_ready = spec.get("progressDeadlineSeconds"), spec.get("minReadySeconds", 0)
        if isinstance(deadline, int) and deadline <= (min_ready or 0):
            problems.append(invalid("spec.progressDeadlineSeconds", deadline, "must be greater than minReadySeconds"))
    problems += non_negative(spec.get("minReadySeconds"), "spec.minReadySeconds")
    return problems


def _replication_controller(obj: dict, max_replicas: int) -> list[FieldError]:
    """upstream ValidateReplicationControllerSpec: a map selector, required, that the template's labels satisfy."""
    spec = obj.get("spec") or {}
    selector = spec.get("selector") or {}
    problems = non_negative(spec.get("minReadySeconds"), "spec.minReadySeconds")
    if not selector:
        problems.append(required("spec.selector"))
    problems += _replicas(spec, max_replicas)
    template = spec.get("template")
    if template is None:
        return [*problems, required("spec.template")]
    metadata = template.get("metadata") or {}
    labels = metadata.get("labels") or {}
    if selector and any(labels.get(key) != value for key, value in selector.items()):
        problems.append(invalid("spec.template.metadata.labels", labels, "`selector` does not match template `labels`"))
    # upstream ValidatePodTemplateSpec names these paths without "metadata"
    problems += names.labels(labels, "spec.template.labels")
    problems += names.annotations(metadata.get("annotations") or {}, "spec.template.annotations")
    template_spec = template.get("spec") or {}
    problems += pod_spec(template_spec, "spec.template.spec")
    return problems + always_restarting(template_spec, "ReplicationController")


def _stateful_set(obj: dict, max_replicas: int) -> list[FieldError]:
    return statefulset.validate(obj, _replicas(obj.get("spec") or {}, max_replicas))


def _deployment_strategy(spec: dict) -> list[FieldError]:
    strategy = spec.get("strategy") or {}
    kind = strategy.get("type", "RollingUpdate")
    if kind not in ("RollingUpdate", "Recreate"):
        return [not_supported("spec.strategy.type", kind, ("Recreate", "RollingUpdate"))]
    rolling = strategy.get("rollingUpdate")
    if kind == "Recreate":
        return (
            [forbidden("spec.strategy.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'")]
            if rolling
            else []
        )
    problems = []
    rolling = rolling or {}
    values = {}
    for field in ("maxUnavailable", "maxSurge"):
        value = rolling.get(field)
        path = f"spec.strategy.rollingUpdate.{field}"
        if isinstance(value, str):
            malformed = malformed_percent(value, path)
            if malformed:
                problems.append(malformed)
                continue
            if field == "maxUnavailable" and int(value[:-1]) > 100:
                problems.append(invalid(path, value, "must not be greater than 100%"))
        elif isinstance(value, int) and value < 0:
            problems.append(invalid(path, value, "must be greater than or equal to 0"))
        values[field] = value
    if values.get("maxUnavailable") in (0, "0%") and values.get("maxSurge") in (0, "0%"):
        problems.append(
            invalid(
                "spec.strategy.rollingUpdate.maxUnavailable",
                values.get("maxUnavailable"),
                "may not be 0 when `maxSurge` is 0",
            )
        )
    return problems


# ---- services and endpoints -----------------------------------------------------------------------------------
def _service(obj: dict) -> list[FieldError]:
    spec = obj.get("spec") or {}
    kind = spec.get("type", "ClusterIP")
    if kind not in SERVICE_TYPES:
        return [not_supported("spec.type", kind, SERVICE_TYPES)]
    problems = []
    ports = spec.get("ports") or []
    headless = spec.get("clusterIP") == "None"
    if kind == "ExternalName":
        external = spec.get("externalName", "")
        problems += [
            invalid("spec.externalName", external, message)
            for message in names.dns1123_subdomain_messages(external.removesuffix("."))
        ]
        if spec.get("clusterIPs"):
            problems.append(forbidden("spec.clusterIPs", "may not be set for ExternalName services"))
    elif not ports and not headless:
        problems.append(required("spec.ports"))
    elif spec.get("clusterIP") not in (None, "", "None") and not _is_ip(spec["clusterIP"]):
        problems.append(invalid("spec.clusterIPs[0]", spec["clusterIP"], IP_MESSAGE))
    port_names, seen_ports, node_ports = set(), set(), set()
    for index, port in enumerate(ports):
        path = f"spec.ports[{index}]"
        name = port.get("name", "")
        if len(ports) > 1 and not name:
            problems.append(required(f"{path}.name"))
        elif name:
            problems += dns1123_label(name, f"{path}.name")
            if name in port_names:
                problems.append(duplicate(f"{path}.name", name))
            port_names.add(name)
        number = port.get("port", 0)
        if not 1 <= number <= 65535:
            problems.append(invalid(f"{path}.port", number, "must be between 1 and 65535, inclusive"))
        protocol = port.get("protocol", "TCP")
        if protocol not in PROTOCOLS:
            problems.append(not_supported(f"{path}.protocol", protocol, PROTOCOLS))
        if port.get("targetPort") is not None:
            problems += port_number_or_name(port["targetPort"], f"{path}.targetPort")
        if (number, protocol) in seen_ports:
            problems.append(duplicate(path, {"port": number, "protocol": protocol}))
        seen_ports.add((number, protocol))
        node_port = port.get("nodePort")
        if node_port:
            if kind in ("ClusterIP", "ExternalName"):
                problems.append(forbidden(f"{path}.nodePort", f"may not be used when `type` is '{kind}'"))
            elif not NODE_PORT_RANGE[0] <= node_port <= NODE_PORT_RANGE[1]:
                problems.append(
                    invalid(
                        f"{path}.nodePort",
                        node_port,
                        "provided port is not in the valid range. The range of valid ports is "
                        f"{NODE_PORT_RANGE[0]}-{NODE_PORT_RANGE[1]}",
                    )
                )
            if (node_port, protocol) in node_ports:
                problems.append(duplicate(f"{path}.nodePort", node_port))
            node_ports.add((node_port, protocol))
    affinity = spec.get("sessionAffinity")
    if affinity is not None and affinity not in SESSION_AFFINITIES:
        problems.append(not_supported("spec.sessionAffinity", affinity, SESSION_AFFINITIES))
    problems += names.labels(spec.get("selector") or {}, "spec.selector")
    return problems


def _endpoints(obj: dict) -> list[FieldError]:
    problems = []
    for index, subset in enumerate(obj.get("subsets") or []):
        path = f"subsets[{index}]"
        for group in ("addresses", "notReadyAddresses"):
            for position, address in enumerate(subset.get(group) or []):
                if not _is_ip(address.get("ip", "")):
                    problems.append(invalid(f"{path}.{group}[{position}].ip", address.get("ip", ""), IP_MESSAGE))
        ports = subset.get("ports") or []
        for position, port in enumerate(ports):
            port_path = f"{path}.ports[{position}]"
            if len(ports) > 1 and not port.get("name"):
                problems.append(required(f"{port_path}.name"))
            elif port.get("name"):
                problems += dns1123_label(port["name"], f"{port_path}.name")
            if not 1 <= port.get("port", 0) <= 65535:
                problems.append(
                    invalid(f"{port_path}.port", port.get("port", 0), "must be between 1 and 65535, inclusive")
                )
            if port.get("protocol", "TCP") not in PROTOCOLS:
                problems.append(not_supported(f"{port_path}.protocol", port["protocol"], PROTOCOLS))
    return problems


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


# ---- nodes ----------------------------------------------------------------------------------------------------
def _node(obj: dict) -> list[FieldError]:
    problems = []
    spec = obj.get("spec") or {}
    seen = set()
    for index, taint in enumerate(spec.get("taints") or []):
        path = f"spec.taints[{index}]"
        if not taint.get("key"):
            problems.append(required(f"{path}.key"))
        else:
            problems += names.qualified_name(taint["key"], f"{path}.key")
        problems += [
            invalid(f"{path}.value", taint.get("value", ""), m)
            for m in names.label_value_messages(taint.get("value", ""))
        ]
        if taint.get("effect") not in TAINT_EFFECTS:
            if not taint.get("effect"):
                problems.append(required(f"{path}.effect"))
            else:
                problems.append(not_supported(f"{path}.effect", taint["effect"], TAINT_EFFECTS))
        signature = (taint.get("key"), taint.get("effect"))
        if signature in seen:
            problems.append(duplicate(path, f"{taint.get('key')}:{taint.get('effect')}"))
        seen.add(signature)
    for index, cidr in enumerate(spec.get("podCIDRs") or []):
        try:
            ipaddress.ip_network(cidr, strict=False)
        except ValueError:
            problems.append(invalid(f"spec.podCIDRs[{index}]", cidr, CIDR_MESSAGE))
    if len(spec.get("podCIDRs") or []) > 1 and not _dual_stack(spec["podCIDRs"]):
        problems.append(
            invalid("spec.podCIDRs", spec["podCIDRs"], "may specify no more than one CIDR for each IP family")
        )
    return problems


def _dual_stack(cidrs: list[str]) -> bool:
    try:
        families = [ipaddress.ip_network(cidr, strict=False).version for cidr in cidrs]
    except ValueError:
        return True  # already reported per CIDR
    return len(cidrs) == 2 and families[0] != families[1]


# ---- configuration, events, leases ----------------------------------------------------------------------------
def config_key_messages(key: str) -> list[str]:
    messages = ["must be no more than 253 characters"] if len(key) > 253 else []
    if not _CONFIG_KEY.match(key):
        messages.append(CONFIG_KEY_MESSAGE)
    if key == ".":
        messages.append("must not be '.'")
    elif key == "..":
        messages.append("must not be '..'")
    elif key.startswith(".."):
        messages.append("must not start with '..'")
    return messages


def _config_map(obj: dict) -> list[FieldError]:
    problems, size = [], 0
    data, binary = obj.get("data") or {}, obj.get("binaryData") or {}
    for key, value in data.items():
        problems += [invalid(f"data[{key}]", key, message) for message in config_key_messages(key)]
        if key in binary:
            problems.append(invalid(f"data[{key}]", key, "duplicate of key present in binaryData"))
        size += len(value.encode())
    for key, value in binary.items():
        problems += [invalid(f"binaryData[{key}]", key, message) for message in config_key_messages(key)]
        size += len(base64.b64decode(value))
    if size > MAX_DATA_BYTES:
        problems.append(too_long("", MAX_DATA_BYTES))
    return problems


def _secret(obj: dict) -> list[FieldError]:
    problems, size = [], 0
    data = obj.get("data") or {}
    for key, value in data.items():
        problems += [invalid(f"data[{key}]", key, message) for message in config_key_messages(key)]
        size += len(base64.b64decode(value))
    if size > MAX_DATA_BYTES:
        problems.append(too_long("data", MAX_DATA_BYTES))
    secret_type = obj.get("type", "Opaque")
    if secret_type == "kubernetes.io/service-account-token":
        if not (obj["metadata"].get("annotations") or {}).get("kubernetes.io/service-account.name"):
            problems.append(required("metadata.annotations[kubernetes.io/service-account.name]"))
    elif secret_type == "kubernetes.io/tls":
        problems += [required(f"data[{key}]") for key in ("tls.crt", "tls.key") if key not in data]
    elif secret_type == "kubernetes.io/basic-auth":
        if "username" not in data and "password" not in data:
            problems.append(required("data[username]"))
    return problems


def _event(obj: dict) -> list[FieldError]:
    """upstream legacyValidateEvent for events.v1 objects written through core/v1."""
    problems = []
    namespace = obj["metadata"].get("namespace")
    involved_namespace = (obj.get("involvedObject") or {}).get("namespace", "")
    if obj.get("eventTime"):
        for field in ("reportingComponent", "reportingInstance", "action", "reason"):
            if not obj.get(field):
                problems.append(required(field))
        if len(obj.get("message", "")) > 1024:
            problems.append(too_long("message", 1024))
    if (
        involved_namespace
        and involved_namespace != namespace
        or not involved_namespace
        and namespace
        not in (
            None,
            "",
            "default",
        )
    ):
        problems.append(invalid("involvedObject.namespace", involved_namespace, "does not match event.namespace"))
    if obj.get("type") not in (None, "", "Normal", "Warning"):
        problems.append(invalid("type", "", f"has invalid value: {obj['type']}"))
    return problems


def _lease(obj: dict) -> list[FieldError]:
    spec = obj.get("spec") or {}
    problems = []
    duration = spec.get("leaseDurationSeconds")
    if duration is not None and duration <= 0:
        problems.append(invalid("spec.leaseDurationSeconds", duration, "must be greater than 0"))
    problems += non_negative(spec.get("leaseTransitions"), "spec.leaseTransitions")
    if spec.get("strategy") is not None and spec["strategy"] != "OldestEmulationVersion":
        problems.append(not_supported("spec.strategy", spec["strategy"], ("OldestEmulationVersion",)))
    if spec.get("preferredHolder") and not spec.get("strategy"):
        problems.append(forbidden("spec.preferredHolder", "may only be specified if `strategy` is defined"))
    return problems


def _namespace(obj: dict) -> list[FieldError]:
    finalizers = (obj.get("spec") or {}).get("finalizers") or []
    problems = []
    for name in finalizers:
        problems += names.qualified_name(name, "spec.finalizers")
    return problems + _kube_finalizers(finalizers, "spec.finalizers")


# ---- updates --------------------------------------------------------------------------------------------------
def _immutable(kind: Kind, old: dict, new: dict) -> list[FieldError]:
    problems = []
    if old.get("immutable") and kind.kind in ("Secret", "ConfigMap"):
        for field in ("data", "binaryData", "immutable"):
            if old.get(field) != new.get(field):
                problems.append(forbidden(field, "field is immutable when `immutable` is set"))
    if kind.kind == "Secret" and new.get("type") != old.get("type"):
        problems.append(invalid("type", new.get("type"), "field is immutable"))
    if kind.kind in ("Deployment", "ReplicaSet"):
        selector = (new.get("spec") or {}).get("selector")
        if selector != (old.get("spec") or {}).get("selector"):
            problems.append(invalid("spec.selector", selector, "field is immutable"))
    if kind.kind == "StatefulSet":
        problems += statefulset.validate_update(old, new)
    if kind.kind == "Service":
        old_spec, new_spec = old.get("spec") or {}, new.get("spec") or {}
        old_ip, new_ip = old_spec.get("clusterIP"), new_spec.get("clusterIP")
        if old_ip and new_spec.get("type") != "ExternalName" and new_ip != old_ip:
            problems.append(invalid("spec.clusterIPs[0]", new_ip, "may not change once set"))
    if kind.kind == "Node":
        old_cidrs = (old.get("spec") or {}).get("podCIDRs") or []
        if old_cidrs and (new.get("spec") or {}).get("podCIDRs") != old_cidrs:
            problems.append(forbidden("spec.podCIDRs", 'node updates may not change podCIDR except from "" to valid'))
    if kind.kind == "EndpointSlice":
        problems += validation_discovery.endpoint_slice_update(old, new)
    if kind.kind == "Job":
        problems += validation_batch.job_update(old, new)
    if kind.kind == "DaemonSet":
        problems += daemonset.immutable(old, new)
    if kind.kind == "Pod" and not _pod_update_allowed(old.get("spec") or {}, new.get("spec") or {}):
        problems.append(forbidden("spec", POD_UPDATE_MESSAGE))
    if kind.kind == "PriorityClass":
        problems += validation_scheduling.priority_class_update(old, new)
    problems += validation_storage.storage_update(kind.kind, old, new)
    return problems


def _pod_update_allowed(old: dict, new: dict) -> bool:
    """Pod specs are immutable except images, activeDeadlineSeconds and added tolerations (as upstream)."""

    def comparable(spec):
        spec = {
            key: value
            for key, value in spec.items()
            if key not in ("activeDeadlineSeconds", "tolerations", "terminationGracePeriodSeconds")
        }
        for group in ("containers", "initContainers"):
            if group in spec:
                spec[group] = [{k: v for k, v in container.items() if k != "image"} for container in spec[group]]
        return spec

    old_tolerations = old.get("tolerations") or []
    new_tolerations = new.get("tolerations") or []
    return comparable(old) == comparable(new) and all(toleration in new_tolerations for toleration in old_tolerations)


_VALIDATORS = {
    "Namespace": _namespace,
    "Pod": _pod,
    "Deployment": _workload,
    "ReplicaSet": _workload,
    "ReplicationController": _replication_controller,
    "StatefulSet": _stateful_set,
    "Service": _service,
    "Endpoints": _endpoints,
    "Node": _node,
    "ConfigMap": _config_map,
    "Secret": _secret,
    "Event": _event,
    "Lease": _lease,
    "StorageClass": validation_storage.storage_class,
    "PersistentVolume": validation_storage.persistent_volume,
    "PersistentVolumeClaim": validation_storage.persistent_volume_claim,
    "EndpointSlice": validation_discovery.endpoint_slice,
    "HorizontalPodAutoscaler": validation_autoscaling.hpa,
    "Job": validation_batch.job,
    "CronJob": validation_batch.cronjob,
    "DaemonSet": daemonset.validate,
    "PodDisruptionBudget": disruption.validate,
    "PriorityClass": validation_scheduling.priority_class,
}
