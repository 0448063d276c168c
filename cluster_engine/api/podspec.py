"""Pod spec validation (pkg/apis/core/validation ValidatePodSpec), shared by pods and every pod template.

Covers what a learner's manifest can get wrong: containers and their names, ports, resources and probes,
tolerations, node and pod affinity, topology spread constraints; with upstream's field paths and messages.
"""

import re
from functools import cache

from .. import openapi
from . import names
from .errors import FieldError, duplicate, forbidden, invalid, not_supported, required
from .quantity import parse_quantity

RESTART_POLICIES = ("Always", "OnFailure", "Never")
DNS_POLICIES = ("ClusterFirst", "ClusterFirstWithHostNet", "Default", "None")
PULL_POLICIES = ("Always", "IfNotPresent", "Never")
PROTOCOLS = ("SCTP", "TCP", "UDP")
TAINT_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")
HTTP_SCHEMES = ("HTTP", "HTTPS")
WHEN_UNSATISFIABLE = ("DoNotSchedule", "ScheduleAnyway")
# upstream: the resources a container may request without a domain prefix (IsStandardContainerResourceName)
CONTAINER_RESOURCES = ("cpu", "memory", "ephemeral-storage")
# upstream standardResources: names that are standard but not for containers (quota names and the like)
OTHER_STANDARD_RESOURCES = (
    "pods",
    "services",
    "replicationcontrollers",
    "resourcequotas",
    "secrets",
    "configmaps",
    "persistentvolumeclaims",
    "storage",
    "requests.cpu",
    "requests.memory",
    "requests.ephemeral-storage",
    "requests.storage",
    "limits.cpu",
    "limits.memory",
    "limits.ephemeral-storage",
    "services.nodeports",
    "services.loadbalancers",
)
NOT_POSITIVE = "must be greater than zero"
NEGATIVE = "must be greater than or equal to 0"
PORT_RANGE = "must be between 1 and 65535, inclusive"
_PORT_NAME_CHARSET = re.compile(r"^[-a-z0-9]+$")
_HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc")
VOLUME = openapi.REF_PREFIX + "io.k8s.api.core.v1.Volume"


def pod_spec(spec: dict, path: str) -> list[FieldError]:
    problems = []
    if not spec.get("containers"):
        problems.append(required(f"{path}.containers"))
    seen: set[str] = set()
    for group in ("initContainers", "containers"):
        for index, container in enumerate(spec.get(group) or []):
            problems += _container(container, f"{path}.{group}[{index}]", seen, group == "containers")
    problems += _volumes(spec.get("volumes") or [], f"{path}.volumes")
    problems += _choice(spec, "restartPolicy", RESTART_POLICIES, path)
    problems += _choice(spec, "dnsPolicy", DNS_POLICIES, path)
    problems += non_negative(spec.get("terminationGracePeriodSeconds"), f"{path}.terminationGracePeriodSeconds")
    deadline = spec.get("activeDeadlineSeconds")
    if deadline is not None and not 1 <= deadline <= 2**31 - 1:
        problems.append(
            invalid(f"{path}.activeDeadlineSeconds", deadline, "must be between 1 and 2147483647, inclusive")
        )
    for index, toleration in enumerate(spec.get("tolerations") or []):
        problems += _toleration(toleration, f"{path}.tolerations[{index}]")
    problems += names.labels(spec.get("nodeSelector") or {}, f"{path}.nodeSelector")
    for field in ("serviceAccountName", "nodeName", "priorityClassName"):
        if spec.get(field):
            problems += names.dns1123_subdomain(spec[field], f"{path}.{field}")
    for field in ("hostname", "subdomain"):
        if spec.get(field):
            problems += names.dns1123_label(spec[field], f"{path}.{field}")
    problems += _affinity(spec.get("affinity") or {}, f"{path}.affinity")
    problems += _topology_spread(spec.get("topologySpreadConstraints") or [], f"{path}.topologySpreadConstraints")
    return problems


def non_negative(value, path: str) -> list[FieldError]:
    return [invalid(path, value, NEGATIVE)] if isinstance(value, int) and value < 0 else []


def _choice(obj: dict, field: str, supported, path: str) -> list[FieldError]:
    value = obj.get(field)
    return [not_supported(f"{path}.{field}", value, supported)] if value is not None and value not in supported else []


# ---- volumes --------------------------------------------------------------------------------------------------
@cache
def volume_sources() -> tuple[str, ...]:
    """The members of upstream's VolumeSource: every field of a Volume but its name."""
    return tuple(field for field in openapi.resolve({"$ref": VOLUME})["properties"] if field != "name")


def _volumes(volumes: list, path: str) -> list[FieldError]:
    """upstream ValidateVolumes: a name that is a DNS label, unique in the pod, and exactly one volume source."""
    problems, seen = [], set()
    sources = volume_sources()
    for index, volume in enumerate(volumes):
        volume_path = f"{path}[{index}]"
        found = []
        given = [source for source in sources if volume.get(source) is not None]
        if not given:
            found.append(required(volume_path, "must specify a volume type"))
        found += [
            forbidden(f"{volume_path}.{source}", "may not specify more than 1 volume type") for source in given[1:]
        ]
        name = volume.get("name") or ""
        if not name:
            found.append(required(f"{volume_path}.name"))
        else:
            found += names.dns1123_label(name, f"{volume_path}.name")
        if name in seen:
            found.append(duplicate(f"{volume_path}.name", name))
        if not found:
            seen.add(name)
        problems += found
    return problems


# ---- containers -----------------------------------------------------------------------------------------------
def _container(container: dict, path: str, seen: set, regular: bool) -> list[FieldError]:
    problems = []
    name = container.get("name")
    if not name:
        problems.append(required(f"{path}.name"))
    else:
        problems += names.dns1123_label(name, f"{path}.name")
        if name in seen:
            problems.append(duplicate(f"{path}.name", name))
        seen.add(name)
    if not container.get("image"):
        problems.append(required(f"{path}.image"))
    problems += _choice(container, "imagePullPolicy", PULL_POLICIES, path)
    problems += _container_ports(container.get("ports") or [], f"{path}.ports")
    problems += resources(container.get("resources") or {}, f"{path}.resources")
    for probe_name in ("livenessProbe", "readinessProbe", "startupProbe"):
        probe = container.get(probe_name)
        if probe is not None:
            problems += _probe(probe, f"{path}.{probe_name}", probe_name != "readinessProbe")
    if not regular:
        for probe_name in ("livenessProbe", "readinessProbe", "startupProbe"):
            if container.get(probe_name) is not None and container.get("restartPolicy") != "Always":
                problems.append(
                    forbidden(f"{path}.{probe_name}", "may not be set for init containers without restartPolicy=Always")
                )
    return problems


def _container_ports(ports: list, path: str) -> list[FieldError]:
    problems, port_names = [], set()
    for index, port in enumerate(ports):
        port_path = f"{path}[{index}]"
        if port.get("name"):
            problems += port_name(port["name"], f"{port_path}.name")
            if port["name"] in port_names:
                problems.append(duplicate(f"{port_path}.name", port["name"]))
            port_names.add(port["name"])
        number = port.get("containerPort")
        if not number:
            problems.append(required(f"{port_path}.containerPort"))
        elif not 1 <= number <= 65535:
            problems.append(invalid(f"{port_path}.containerPort", number, PORT_RANGE))
        host_port = port.get("hostPort")
        if host_port and not 1 <= host_port <= 65535:
            problems.append(invalid(f"{port_path}.hostPort", host_port, PORT_RANGE))
        problems += _choice(port, "protocol", PROTOCOLS, port_path)
    return problems


def port_name(value: str, path: str) -> list[FieldError]:
    """upstream IsValidPortName: an IANA_SVC_NAME (at most 15 characters, lowercase, a letter, single hyphens)."""
    messages = []
    if len(value) > 15:
        messages.append("must be no more than 15 characters")
    if not _PORT_NAME_CHARSET.match(value):
        messages.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not re.search(r"[a-z]", value):
        messages.append("must contain at least one letter (a-z)")
    if "--" in value:
        messages.append("must not contain consecutive hyphens")
    if value and (value[0] == "-" or value[-1] == "-"):
        messages.append("must not begin or end with a hyphen")
    return [invalid(path, value, message) for message in messages]


def port_number_or_name(value, path: str) -> list[FieldError]:
    if isinstance(value, str):
        return port_name(value, path)
    return [] if 1 <= value <= 65535 else [invalid(path, value, PORT_RANGE)]


def resources(section: dict, path: str) -> list[FieldError]:
    """Resource names as upstream's validateContainerResourceName, amounts non-negative, requests within limits."""
    problems, parsed = [], {}
    for group in ("limits", "requests"):
        for resource, value in (section.get(group) or {}).items():
            field_path = f"{path}.{group}[{resource}]"
            problems += _resource_name(resource, field_path)
            amount = parse_quantity(value)  # decoding already refused anything that is not a quantity
            if amount < 0:
                problems.append(invalid(field_path, value, NEGATIVE))
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


def _resource_name(resource: str, path: str) -> list[FieldError]:
    problems = names.qualified_name(resource, path)
    if problems:
        return problems
    if "/" in resource:
        return []  # an extended resource (example.com/gpu) or a kubernetes.io-native one
    if resource in CONTAINER_RESOURCES or resource.startswith("hugepages-"):
        return []
    if resource in OTHER_STANDARD_RESOURCES:
        return [invalid(path, resource, "must be a standard resource for containers")]
    return [invalid(path, resource, "must be a standard resource type or fully qualified")]


def _probe(probe: dict, path: str, single_success: bool) -> list[FieldError]:
    """upstream validateProbe: exactly one handler, non-negative timings, successThreshold 1 except readiness."""
    problems = _handler(probe, path)
    for field in ("initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"):
        problems += non_negative(probe.get(field), f"{path}.{field}")
    if single_success and probe.get("successThreshold", 1) != 1:
        problems.append(invalid(f"{path}.successThreshold", probe["successThreshold"], "must be 1"))
    grace = probe.get("terminationGracePeriodSeconds")
    if grace is not None and grace <= 0:
        problems.append(invalid(f"{path}.terminationGracePeriodSeconds", grace, NOT_POSITIVE))
    return problems


def _handler(handler: dict, path: str) -> list[FieldError]:
    problems, found = [], 0
    for kind in _HANDLERS:
        action = handler.get(kind)
        if action is None:
            continue
        if found:
            problems.append(forbidden(f"{path}.{kind}", "may not specify more than 1 handler type"))
            continue
        found += 1
        action_path = f"{path}.{kind}"
        if kind == "exec" and not action.get("command"):
            problems.append(required(f"{action_path}.command"))
        if kind in ("httpGet", "tcpSocket"):
            if action.get("port") is None:
                problems.append(required(f"{action_path}.port"))
            else:
                problems += port_number_or_name(action["port"], f"{action_path}.port")
        if kind == "httpGet":
            problems += _choice(action, "scheme", HTTP_SCHEMES, action_path)
        if kind == "grpc" and not 1 <= action.get("port", 0) <= 65535:
            problems.append(invalid(f"{action_path}.port", action.get("port", 0), PORT_RANGE))
    if not found:
        problems.append(required(path, "must specify a handler type"))
    return problems


# ---- tolerations ----------------------------------------------------------------------------------------------
def _toleration(toleration: dict, path: str) -> list[FieldError]:
    """upstream validateTolerations, in its order."""
    problems = []
    key, operator = toleration.get("key", ""), toleration.get("operator", "")
    if key:
        problems += names.qualified_name(key, f"{path}.key")
    if not key and operator != "Exists":
        problems.append(
            invalid(
                f"{path}.operator",
                operator,
                'operator must be Exists when `key` is empty, which means "match all values and all keys"',
            )
        )
    effect = toleration.get("effect", "")
    if toleration.get("tolerationSeconds") is not None and effect != "NoExecute":
        problems.append(invalid(f"{path}.effect", effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"))
    if operator in ("Equal", ""):
        messages = names.label_value_messages(toleration.get("value", ""))
        if messages:
            problems.append(invalid(f"{path}.operator", toleration.get("value", ""), ";".join(messages)))
    elif operator == "Exists":
        if toleration.get("value"):
            problems.append(invalid(f"{path}.operator", toleration, "value must be empty when `operator` is 'Exists'"))
    else:
        problems.append(not_supported(f"{path}.operator", operator, ("Equal", "Exists")))
    if effect and effect not in TAINT_EFFECTS:
        problems.append(not_supported(f"{path}.effect", effect, TAINT_EFFECTS))
    return problems


# ---- selectors, affinity, spread ------------------------------------------------------------------------------
def label_selector(selector: dict, path: str) -> list[FieldError]:
    """upstream ValidateLabelSelector (meta/v1/validation)."""
    problems = names.labels(selector.get("matchLabels") or {}, f"{path}.matchLabels")
    for index, expression in enumerate(selector.get("matchExpressions") or []):
        problems += _requirement(expression, f"{path}.matchExpressions[{index}]", node=False)
    return problems


def _requirement(requirement: dict, path: str, node: bool) -> list[FieldError]:
    problems = []
    operator, values = requirement.get("operator", ""), requirement.get("values") or []
    if operator in ("In", "NotIn"):
        if not values:
            problems.append(required(f"{path}.values", "must be specified when `operator` is 'In' or 'NotIn'"))
    elif operator in ("Exists", "DoesNotExist"):
        if values:
            problems.append(
                forbidden(f"{path}.values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'")
            )
    elif node and operator in ("Gt", "Lt"):
        if len(values) != 1:
            problems.append(
                required(f"{path}.values", "must be specified single value when `operator` is 'Lt' or 'Gt'")
            )
    else:
        problems.append(invalid(f"{path}.operator", operator, "not a valid selector operator"))
    problems += names.qualified_name(requirement.get("key", ""), f"{path}.key")
    if not node:
        for index, value in enumerate(values):
            problems += [
                invalid(f"{path}.values[{index}]", value, message) for message in names.label_value_messages(value)
            ]
    return problems


def _node_selector_term(term: dict, path: str) -> list[FieldError]:
    problems = []
    for index, requirement in enumerate(term.get("matchExpressions") or []):
        problems += _requirement(requirement, f"{path}.matchExpressions[{index}]", node=True)
    for index, requirement in enumerate(term.get("matchFields") or []):
        field_path = f"{path}.matchFields[{index}]"
        if requirement.get("key") != "metadata.name":
            problems.append(invalid(f"{field_path}.key", requirement.get("key", ""), "not a valid field selector key"))
        if requirement.get("operator") not in ("In", "NotIn"):
            problems.append(
                invalid(f"{field_path}.operator", requirement.get("operator", ""), "not a valid selector operator")
            )
        elif len(requirement.get("values") or []) != 1:
            problems.append(
                required(
                    f"{field_path}.values",
                    "must be only one value when `operator` is 'In' or 'NotIn' for node field selector",
                )
            )
    return problems


def _weight(value, path: str) -> list[FieldError]:
    return [] if 1 <= (value or 0) <= 100 else [invalid(path, value or 0, "must be in the range 1-100")]


def _affinity(affinity: dict, path: str) -> list[FieldError]:
    problems = []
    node = affinity.get("nodeAffinity") or {}
    node_path = f"{path}.nodeAffinity"
    required_terms = node.get("requiredDuringSchedulingIgnoredDuringExecution")
    if required_terms is not None:
        required_path = f"{node_path}.requiredDuringSchedulingIgnoredDuringExecution"
        terms = required_terms.get("nodeSelectorTerms") or []
        if not terms:
            problems.append(required(f"{required_path}.nodeSelectorTerms", "must have at least one node selector term"))
        for index, term in enumerate(terms):
            problems += _node_selector_term(term, f"{required_path}.nodeSelectorTerms[{index}]")
    for index, term in enumerate(node.get("preferredDuringSchedulingIgnoredDuringExecution") or []):
        term_path = f"{node_path}.preferredDuringSchedulingIgnoredDuringExecution[{index}]"
        problems += _weight(term.get("weight"), f"{term_path}.weight")
        problems += _node_selector_term(term.get("preference") or {}, f"{term_path}.preference")
    for kind in ("podAffinity", "podAntiAffinity"):
        pod_affinity = affinity.get(kind) or {}
        kind_path = f"{path}.{kind}"
        for index, term in enumerate(pod_affinity.get("requiredDuringSchedulingIgnoredDuringExecution") or []):
            problems += _pod_affinity_term(term, f"{kind_path}.requiredDuringSchedulingIgnoredDuringExecution[{index}]")
        for index, weighted in enumerate(pod_affinity.get("preferredDuringSchedulingIgnoredDuringExecution") or []):
            term_path = f"{kind_path}.preferredDuringSchedulingIgnoredDuringExecution[{index}]"
            problems += _weight(weighted.get("weight"), f"{term_path}.weight")
            problems += _pod_affinity_term(weighted.get("podAffinityTerm") or {}, f"{term_path}.podAffinityTerm")
    return problems


def _pod_affinity_term(term: dict, path: str) -> list[FieldError]:
    problems = label_selector(term.get("labelSelector") or {}, f"{path}.labelSelector")
    problems += label_selector(term.get("namespaceSelector") or {}, f"{path}.namespaceSelector")
    for index, namespace in enumerate(term.get("namespaces") or []):
        problems += names.dns1123_label(namespace, f"{path}.namespaces[{index}]")
    if not term.get("topologyKey"):
        problems.append(required(f"{path}.topologyKey", "can not be empty"))
    else:
        problems += names.qualified_name(term["topologyKey"], f"{path}.topologyKey")
    return problems


def _topology_spread(constraints: list, path: str) -> list[FieldError]:
    problems = []
    for index, constraint in enumerate(constraints):
        item = f"{path}[{index}]"
        skew = constraint.get("maxSkew", 0)
        if skew <= 0:
            problems.append(invalid(f"{item}.maxSkew", skew, NOT_POSITIVE))
        key = constraint.get("topologyKey", "")
        if not key:
            problems.append(required(f"{item}.topologyKey", "can not be empty"))
        else:
            problems += names.qualified_name(key, f"{item}.topologyKey")[:1]
        action = constraint.get("whenUnsatisfiable", "")
        if action not in WHEN_UNSATISFIABLE:
            problems.append(not_supported(f"{item}.whenUnsatisfiable", action, WHEN_UNSATISFIABLE))
        if any(
            (other.get("topologyKey", ""), other.get("whenUnsatisfiable", "")) == (key, action)
            for other in constraints[index + 1 :]
        ):
            problems.append(duplicate(f"{item}.{{topologyKey, whenUnsatisfiable}}", f"{{{key}, {action}}}"))
        min_domains = constraint.get("minDomains")
        if min_domains is not None:
            if min_domains <= 0:
                problems.append(invalid(f"{item}.minDomains", min_domains, NOT_POSITIVE))
            if action != "DoNotSchedule":
                problems.append(
                    invalid(
                        f"{item}.minDomains",
                        min_domains,
                        f"can only use minDomains if whenUnsatisfiable=DoNotSchedule, not {action}",
                    )
                )
        problems += label_selector(constraint.get("labelSelector") or {}, f"{item}.labelSelector")
    return problems
