"""Validation: the 422 causes upstream's pkg/apis/*/validation would give, worded the same way.

Each kind has a validator returning a list of FieldErrors; an empty list admits the object. Updates are also
checked against the stored object for fields upstream makes immutable.
"""

import re

from .errors import FieldError, duplicate, forbidden, invalid, not_supported, required
from .kinds import Kind
from .labels import SelectorError, requirements_from_selector, selector_matches
from .quantity import QuantityError, parse_quantity

# The most replicas one workload may ask for in a simulated cluster (a per-cluster setting; kept small so a typo
# such as 3000 cannot swamp a classroom laptop).
DEFAULT_MAX_REPLICAS = 500

_DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_DNS1035_LABEL = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
_QUALIFIED_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
_CONFIG_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")
_PERCENT = re.compile(r"^[0-9]+%$")

DNS1123_LABEL_MESSAGE = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end "
    "with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)
DNS1123_SUBDOMAIN_MESSAGE = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start "
    "and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
DNS1035_LABEL_MESSAGE = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic "
    "character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation "
    "is '[a-z]([-a-z0-9]*[a-z0-9])?')"
)
POD_UPDATE_MESSAGE = (
    "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,"
    "`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),"
    "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)"
)
TAINT_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")
RESTART_POLICIES = ("Always", "OnFailure", "Never")
SERVICE_TYPES = ("ClusterIP", "NodePort", "LoadBalancer", "ExternalName")
PROTOCOLS = ("SCTP", "TCP", "UDP")
# Names that must be DNS-1123 labels (namespaces) or DNS-1035 labels (services); everything else is a subdomain.
LABEL_NAMED = {"Namespace"}
DNS1035_NAMED = {"Service"}


def validate(
    kind: Kind, obj: dict, old: dict | None = None, max_replicas: int = DEFAULT_MAX_REPLICAS
) -> list[FieldError]:
    problems = _metadata(kind, obj["metadata"])
    validator = _VALIDATORS.get(kind.kind)
    if validator:
        problems += validator(obj, max_replicas) if kind.kind in ("Deployment", "ReplicaSet") else validator(obj)
    if old is not None:
        problems += _immutable(kind, old, obj)
    return problems


# ---- names and metadata ---------------------------------------------------------------------------------------
def dns1123_label(value: str, path: str) -> list[FieldError]:
    problems = []
    if len(value) > 63:
        problems.append(invalid(path, value, "must be no more than 63 characters"))
    if not _DNS1123_LABEL.match(value):
        problems.append(invalid(path, value, DNS1123_LABEL_MESSAGE))
    return problems


def dns1123_subdomain(value: str, path: str) -> list[FieldError]:
    problems = []
    if len(value) > 253:
        problems.append(invalid(path, value, "must be no more than 253 characters"))
    if not _DNS1123_SUBDOMAIN.match(value):
        problems.append(invalid(path, value, DNS1123_SUBDOMAIN_MESSAGE))
    return problems


def dns1035_label(value: str, path: str) -> list[FieldError]:
    problems = []
    if len(value) > 63:
        problems.append(invalid(path, value, "must be no more than 63 characters"))
    if not _DNS1035_LABEL.match(value):
        problems.append(invalid(path, value, DNS1035_LABEL_MESSAGE))
    return problems


def _metadata(kind: Kind, metadata: dict) -> list[FieldError]:
    name = metadata.get("name")
    if not name:
        return [required("metadata.name", "name or generateName is required")]
    if kind.kind in LABEL_NAMED:
        problems = dns1123_label(name, "metadata.name")
    elif kind.kind in DNS1035_NAMED:
        problems = dns1035_label(name, "metadata.name")
    else:
        problems = dns1123_subdomain(name, "metadata.name")
    problems += _labels(metadata.get("labels") or {}, "metadata.labels")
    for key in metadata.get("annotations") or {}:
        problems += _qualified_name(key, "metadata.annotations")
    return problems


def _qualified_name(key: str, path: str) -> list[FieldError]:
    prefix, _, name = key.rpartition("/")
    problems = []
    if prefix:
        problems += dns1123_subdomain(prefix, path)
    if not name or len(name) > 63 or not _QUALIFIED_NAME.match(name):
        problems.append(
            invalid(
                path,
                key,
                "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
                "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
                "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
            )
        )
    return problems


def _labels(labels: dict, path: str) -> list[FieldError]:
    problems = []
    for key, value in labels.items():
        problems += _qualified_name(key, path)
        if len(value) > 63 or not _LABEL_VALUE.match(value):
            problems.append(
                invalid(
                    path,
                    value,
                    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
                    "and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or "
                    "'12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
                )
            )
    return problems


def _non_negative(value, path: str) -> list[FieldError]:
    if isinstance(value, int) and value < 0:
        return [invalid(path, value, "must be greater than or equal to 0")]
    return []


# ---- pods -----------------------------------------------------------------------------------------------------
def _pod(obj: dict) -> list[FieldError]:
    return pod_spec(obj.get("spec") or {}, "spec")


def pod_spec(spec: dict, path: str) -> list[FieldError]:
    problems = []
    containers = spec.get("containers")
    if not containers:
        problems.append(required(f"{path}.containers"))
    seen = set()
    for group in ("initContainers", "containers"):
        for index, container in enumerate(spec.get(group) or []):
            problems += _container(container, f"{path}.{group}[{index}]", seen)
    policy = spec.get("restartPolicy")
    if policy is not None and policy not in RESTART_POLICIES:
        problems.append(not_supported(f"{path}.restartPolicy", policy, RESTART_POLICIES))
    problems += _non_negative(spec.get("terminationGracePeriodSeconds"), f"{path}.terminationGracePeriodSeconds")
    for index, toleration in enumerate(spec.get("tolerations") or []):
        problems += _toleration(toleration, f"{path}.tolerations[{index}]")
    problems += _labels(spec.get("nodeSelector") or {}, f"{path}.nodeSelector")
    return problems


def _container(container: dict, path: str, seen: set) -> list[FieldError]:
    problems = []
    name = container.get("name")
    if not name:
        problems.append(required(f"{path}.name"))
    else:
        problems += dns1123_label(name, f"{path}.name")
        if name in seen:
            problems.append(duplicate(f"{path}.name", name))
        seen.add(name)
    if not container.get("image"):
        problems.append(required(f"{path}.image"))
    for index, port in enumerate(container.get("ports") or []):
        number = port.get("containerPort")
        if number is None:
            problems.append(required(f"{path}.ports[{index}].containerPort"))
        elif not 1 <= number <= 65535:
            problems.append(
                invalid(f"{path}.ports[{index}].containerPort", number, "must be between 1 and 65535, inclusive")
            )
        if port.get("protocol") not in (None, *PROTOCOLS):
            problems.append(not_supported(f"{path}.ports[{index}].protocol", port["protocol"], PROTOCOLS))
    problems += _resources(container.get("resources") or {}, f"{path}.resources")
    return problems


def _resources(resources: dict, path: str) -> list[FieldError]:
    problems, parsed = [], {}
    for group in ("requests", "limits"):
        for resource, value in (resources.get(group) or {}).items():
            field_path = f"{path}.{group}[{resource}]"
            try:
                amount = parse_quantity(value)
            except QuantityError as error:
                problems.append(invalid(field_path, value, str(error)))
                continue
            if amount < 0:
                problems.append(invalid(field_path, value, "must be greater than or equal to 0"))
            parsed[(group, resource)] = (value, amount)
    for (group, resource), (value, amount) in parsed.items():
        if group == "requests" and ("limits", resource) in parsed:
            limit_value, limit = parsed[("limits", resource)]
            if amount > limit:
                problems.append(
                    invalid(
                        f"{path}.requests[{resource}]",
                        value,
                        f"must be less than or equal to {resource} limit of {limit_value}",
                    )
                )
    return problems


def _toleration(toleration: dict, path: str) -> list[FieldError]:
    problems = []
    operator = toleration.get("operator", "Equal")
    if operator not in ("Equal", "Exists"):
        problems.append(not_supported(f"{path}.operator", operator, ("Equal", "Exists")))
    if operator == "Exists" and toleration.get("value"):
        problems.append(
            invalid(f"{path}.operator", toleration["value"], "value must be empty when `operator` is 'Exists'")
        )
    if not toleration.get("key") and operator != "Exists":
        problems.append(
            invalid(
                f"{path}.operator",
                operator,
                'operator must be Exists when `key` is empty, which means "match all values and all keys"',
            )
        )
    effect = toleration.get("effect")
    if effect and effect not in TAINT_EFFECTS:
        problems.append(not_supported(f"{path}.effect", effect, TAINT_EFFECTS))
    if toleration.get("tolerationSeconds") is not None and effect != "NoExecute":
        problems.append(invalid(f"{path}.effect", effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"))
    return problems


# ---- workloads ------------------------------------------------------------------------------------------------
def _workload(obj: dict, max_replicas: int) -> list[FieldError]:
    spec = obj.get("spec") or {}
    problems = []
    replicas = spec.get("replicas")
    if isinstance(replicas, int):
        if replicas < 0:
            problems.append(invalid("spec.replicas", replicas, "must be greater than or equal to 0"))
        elif replicas > max_replicas:
            problems.append(
                invalid(
                    "spec.replicas", replicas, f"must be less than or equal to {max_replicas} in this simulated cluster"
                )
            )
    selector = spec.get("selector")
    template = spec.get("template") or {}
    labels = (template.get("metadata") or {}).get("labels") or {}
    if not selector:
        problems.append(required("spec.selector"))
    else:
        try:
            requirements = requirements_from_selector(selector)
        except SelectorError as error:
            problems.append(invalid("spec.selector", selector, str(error)))
        else:
            if not requirements:
                problems.append(invalid("spec.selector", selector, "empty selector is invalid for deployment"))
            elif not selector_matches(selector, labels):
                problems.append(
                    invalid("spec.template.metadata.labels", labels, "`selector` does not match template `labels`")
                )
    problems += _labels(labels, "spec.template.metadata.labels")
    problems += pod_spec(template.get("spec") or {}, "spec.template.spec")
    policy = (template.get("spec") or {}).get("restartPolicy")
    if policy not in (None, "Always"):
        problems.append(not_supported("spec.template.spec.restartPolicy", policy, ("Always",)))
    if obj["kind"] == "Deployment":
        problems += _deployment_strategy(spec)
        problems += _non_negative(spec.get("revisionHistoryLimit"), "spec.revisionHistoryLimit")
        deadline, min_ready = spec.get("progressDeadlineSeconds"), spec.get("minReadySeconds", 0)
        if isinstance(deadline, int) and deadline <= (min_ready or 0):
            problems.append(invalid("spec.progressDeadlineSeconds", deadline, "must be greater than minReadySeconds"))
    problems += _non_negative(spec.get("minReadySeconds"), "spec.minReadySeconds")
    return problems


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
            if not _PERCENT.match(value):
                problems.append(
                    invalid(
                        path,
                        value,
                        "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
                    )
                )
                continue
            if field == "maxUnavailable" and int(value[:-1]) > 100:
                problems.append(invalid(path, value, "must not be greater than 100%"))
        elif isinstance(value, int) and value < 0:
            problems.append(invalid(path, value, "must be greater than or equal to 0"))
        values[field] = value
    if _is_zero(values.get("maxUnavailable")) and _is_zero(values.get("maxSurge")):
        problems.append(
            invalid(
                "spec.strategy.rollingUpdate.maxUnavailable",
                values.get("maxUnavailable"),
                "may not be 0 when `maxSurge` is 0",
            )
        )
    return problems


def _is_zero(value) -> bool:
    return value in (0, "0%")


# ---- other kinds ----------------------------------------------------------------------------------------------
def _service(obj: dict) -> list[FieldError]:
    spec = obj.get("spec") or {}
    problems = []
    kind = spec.get("type", "ClusterIP")
    if kind not in SERVICE_TYPES:
        return [not_supported("spec.type", kind, SERVICE_TYPES)]
    ports = spec.get("ports") or []
    if kind != "ExternalName" and not ports:
        problems.append(required("spec.ports"))
    names = set()
    for index, port in enumerate(ports):
        number = port.get("port")
        if not isinstance(number, int) or not 1 <= number <= 65535:
            problems.append(invalid(f"spec.ports[{index}].port", number, "must be between 1 and 65535, inclusive"))
        if len(ports) > 1 and not port.get("name"):
            problems.append(required(f"spec.ports[{index}].name"))
        if port.get("name") in names:
            problems.append(duplicate(f"spec.ports[{index}].name", port["name"]))
        names.add(port.get("name"))
        if port.get("protocol") not in (None, *PROTOCOLS):
            problems.append(not_supported(f"spec.ports[{index}].protocol", port["protocol"], PROTOCOLS))
    problems += _labels(spec.get("selector") or {}, "spec.selector")
    return problems


def _node(obj: dict) -> list[FieldError]:
    problems = []
    seen = set()
    for index, taint in enumerate((obj.get("spec") or {}).get("taints") or []):
        path = f"spec.taints[{index}]"
        if not taint.get("key"):
            problems.append(required(f"{path}.key"))
        else:
            problems += _qualified_name(taint["key"], f"{path}.key")
        if taint.get("effect") not in TAINT_EFFECTS:
            problems.append(not_supported(f"{path}.effect", taint.get("effect"), TAINT_EFFECTS))
        signature = (taint.get("key"), taint.get("effect"))
        if signature in seen:
            problems.append(duplicate(path, f"{taint.get('key')}:{taint.get('effect')}"))
        seen.add(signature)
    for group in ("capacity", "allocatable"):
        for resource, value in ((obj.get("status") or {}).get(group) or {}).items():
            try:
                parse_quantity(value)
            except QuantityError as error:
                problems.append(invalid(f"status.{group}[{resource}]", value, str(error)))
    return problems


def _data_keys(obj: dict) -> list[FieldError]:
    problems = []
    for field in ("data", "binaryData"):
        for key in obj.get(field) or {}:
            if len(key) > 253 or not _CONFIG_KEY.match(key):
                problems.append(
                    invalid(
                        f"{field}[{key}]",
                        key,
                        "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
                    )
                )
    return problems


def _immutable(kind: Kind, old: dict, new: dict) -> list[FieldError]:
    problems = []
    if old.get("immutable") and kind.kind in ("Secret", "ConfigMap"):
        for field in ("data", "binaryData", "immutable"):
            if old.get(field) != new.get(field):
                problems.append(forbidden(field, "field is immutable when `immutable` is set"))
    if kind.kind in ("Deployment", "ReplicaSet"):
        selector = (new.get("spec") or {}).get("selector")
        if selector != (old.get("spec") or {}).get("selector"):
            problems.append(invalid("spec.selector", selector, "field is immutable"))
    if kind.kind == "Service":
        old_ip, new_ip = (old.get("spec") or {}).get("clusterIP"), (new.get("spec") or {}).get("clusterIP")
        if old_ip and new_ip != old_ip:
            problems.append(invalid("spec.clusterIP", new_ip, "field is immutable"))
    if kind.kind == "Pod" and not _pod_update_allowed(old.get("spec") or {}, new.get("spec") or {}):
        problems.append(forbidden("spec", POD_UPDATE_MESSAGE))
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
    "Pod": _pod,
    "Deployment": _workload,
    "ReplicaSet": _workload,
    "Service": _service,
    "Node": _node,
    "ConfigMap": _data_keys,
    "Secret": _data_keys,
}
