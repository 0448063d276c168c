"""A pod as the scheduler sees it: its spec parsed once into what filters and scores read.

Upstream keeps the same precomputed view (framework.PodInfo plus each plugin's PreFilter state) so that
checking thousands of nodes never re-parses quantities, selectors or affinity terms.
"""

from dataclasses import dataclass

from ..api.labels import SelectorError, matches, requirements_from_expressions, requirements_from_selector
from ..api.quantity import cpu_millis, to_int

# upstream: pkg/scheduler/util DefaultMilliCPURequest and DefaultMemoryRequest, used for scoring only
DEFAULT_MILLI_CPU_REQUEST = 100
DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024

Requirements = tuple[tuple[str, str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class AffinityTerm:
    """A pod (anti-)affinity term: which pods (namespaces and selector) and across which topology key.

    `namespaces` None means every namespace (an empty namespaceSelector); `namespace_selector` is kept for a
    non-empty namespaceSelector and checked against the namespace's labels.
    """

    namespaces: frozenset | None
    namespace_selector: Requirements | None
    selector: Requirements | None  # None: an invalid selector, which matches no pod
    topology_key: str

    def matches(self, namespace: str, labels: dict, namespace_labels: dict | None = None) -> bool:
        if self.selector is None:
            return False
        in_namespace = self.namespaces is None or namespace in self.namespaces
        if not in_namespace and self.namespace_selector is not None:
            in_namespace = matches(self.namespace_selector, (namespace_labels or {}).get(namespace, {}))
        return in_namespace and matches(self.selector, labels)

    @property
    def pod_matcher(self) -> tuple:
        """The part that decides which pods match, without the topology key: the key of a pod count index."""
        return (self.namespaces, self.namespace_selector, self.selector)


@dataclass(frozen=True)
class SpreadConstraint:
    max_skew: int
    topology_key: str
    when_unsatisfiable: str
    selector: Requirements | None
    min_domains: int = 1
    honor_node_affinity: bool = True  # upstream: nodeAffinityPolicy defaults to Honor
    honor_node_taints: bool = False  # upstream: nodeTaintsPolicy defaults to Ignore


@dataclass
class PodInfo:
    pod: dict
    key: str
    uid: str
    name: str
    namespace: str
    labels: dict
    priority: int
    node_name: str
    terminating: bool
    cpu: int = 0
    memory: int = 0
    nonzero_cpu: int = 0
    nonzero_memory: int = 0
    host_ports: tuple = ()
    tolerations: tuple = ()  # (key, operator, value, effect)
    node_selector: Requirements = ()
    required_node_terms: tuple | None = None  # None: no required node affinity
    preferred_node_terms: tuple = ()  # (weight, term)
    required_affinity: tuple = ()
    required_anti_affinity: tuple = ()
    preferred_affinity: tuple = ()  # (weight, AffinityTerm)
    preferred_anti_affinity: tuple = ()
    spread_constraints: tuple = ()
    images: tuple = ()
    containers: int = 0
    preemption_policy: str = "PreemptLowerPriority"
    owner: dict | None = None

    @property
    def has_affinity(self) -> bool:
        """Upstream's NodeInfo.PodsWithAffinity membership: any pod (anti-)affinity at all."""
        return bool(
            self.required_affinity
            or self.required_anti_affinity
            or self.preferred_affinity
            or self.preferred_anti_affinity
        )

    @property
    def is_best_effort(self) -> bool:
        return self.cpu == 0 and self.memory == 0


def pod_info(pod: dict) -> PodInfo:
    """Parse a pod dict into the scheduler's view of it."""
    metadata, spec = pod.get("metadata") or {}, pod.get("spec") or {}
    namespace = metadata.get("namespace") or "default"
    labels = metadata.get("labels") or {}
    info = PodInfo(
        pod=pod,
        key=f"{namespace}/{metadata.get('name', '')}",
        uid=metadata.get("uid") or f"{namespace}/{metadata.get('name', '')}",
        name=metadata.get("name", ""),
        namespace=namespace,
        labels=labels,
        priority=int(spec.get("priority") or 0),
        node_name=spec.get("nodeName") or "",
        terminating=bool(metadata.get("deletionTimestamp")),
        preemption_policy=spec.get("preemptionPolicy") or "PreemptLowerPriority",
    )
    owners = [ref for ref in metadata.get("ownerReferences") or [] if ref.get("controller")]
    info.owner = owners[0] if owners else None
    _parse_resources(info, spec)
    info.host_ports = _host_ports(spec)
    info.tolerations = tuple(
        (item.get("key") or "", item.get("operator") or "Equal", item.get("value") or "", item.get("effect") or "")
        for item in spec.get("tolerations") or []
    )
    info.images = tuple(
        normalized_image_name(container.get("image") or "")
        for container in (spec.get("initContainers") or []) + (spec.get("containers") or [])
    )
    info.containers = len(spec.get("containers") or []) + len(spec.get("initContainers") or [])
    _parse_node_affinity(info, spec)
    _parse_pod_affinity(info, spec, namespace)
    info.spread_constraints = spread_constraints(spec.get("topologySpreadConstraints") or [], labels)
    return info


def _parse_resources(info: PodInfo, spec: dict) -> None:
    """Pod requests as upstream computes them: the sum over containers, at least the largest init container."""
    totals = [0, 0, 0, 0]  # cpu, memory, non-zero cpu, non-zero memory
    for container in spec.get("containers") or []:
        for index, value in enumerate(_container_requests(container)):
            totals[index] += value
    for container in spec.get("initContainers") or []:
        for index, value in enumerate(_container_requests(container)):
            totals[index] = max(totals[index], value)
    overhead = spec.get("overhead") or {}
    extra_cpu = cpu_millis(overhead["cpu"]) if "cpu" in overhead else 0
    extra_memory = to_int(overhead["memory"]) if "memory" in overhead else 0
    info.cpu, info.memory = totals[0] + extra_cpu, totals[1] + extra_memory
    info.nonzero_cpu, info.nonzero_memory = totals[2] + extra_cpu, totals[3] + extra_memory


def _container_requests(container: dict) -> tuple[int, int, int, int]:
    requests = (container.get("resources") or {}).get("requests") or {}
    cpu = cpu_millis(requests["cpu"]) if "cpu" in requests else None
    memory = to_int(requests["memory"]) if "memory" in requests else None
    return (
        cpu or 0,
        memory or 0,
        DEFAULT_MILLI_CPU_REQUEST if cpu is None else cpu,
        DEFAULT_MEMORY_REQUEST if memory is None else memory,
    )


def _host_ports(spec: dict) -> tuple:
    ports = []
    for container in (spec.get("initContainers") or []) + (spec.get("containers") or []):
        for port in container.get("ports") or []:
            if port.get("hostPort"):
                ports.append((port.get("hostIP") or "0.0.0.0", port.get("protocol") or "TCP", int(port["hostPort"])))
    return tuple(ports)


def normalized_image_name(name: str) -> str:
    """Upstream's normalizedImageName: an image without tag or digest means `:latest`."""
    if name.rfind(":") <= name.rfind("/"):
        return name + ":latest"
    return name


def node_selector_term(term: dict):
    """A NodeSelectorTerm as (label requirements, field requirements); None if it can never match."""
    try:
        label_requirements = tuple(requirements_from_expressions(term.get("matchExpressions") or []))
        field_requirements = tuple(requirements_from_expressions(term.get("matchFields") or []))
    except SelectorError:
        return None
    if not label_requirements and not field_requirements:
        return None  # upstream: an empty term matches no objects
    return (label_requirements, field_requirements)


def _parse_node_affinity(info: PodInfo, spec: dict) -> None:
    info.node_selector = tuple((key, "In", (value,)) for key, value in sorted((spec.get("nodeSelector") or {}).items()))
    node_affinity = (spec.get("affinity") or {}).get("nodeAffinity") or {}
    required = node_affinity.get("requiredDuringSchedulingIgnoredDuringExecution")
    if required is not None:
        info.required_node_terms = tuple(node_selector_term(term) for term in required.get("nodeSelectorTerms") or [])
    preferred = []
    for item in node_affinity.get("preferredDuringSchedulingIgnoredDuringExecution") or []:
        term = node_selector_term(item.get("preference") or {})
        if term is not None and item.get("weight"):
            preferred.append((int(item["weight"]), term))
    info.preferred_node_terms = tuple(preferred)


def affinity_term(term: dict, namespace: str) -> AffinityTerm:
    try:
        # upstream: a missing selector matches no pod, an empty one every pod
        selector = (
            tuple(requirements_from_selector(term["labelSelector"])) if term.get("labelSelector") is not None else None
        )
    except SelectorError:
        selector = None
    namespace_selector = term.get("namespaceSelector")
    names = term.get("namespaces") or []
    namespaces: frozenset | None
    requirements = None
    if not names and namespace_selector is None:
        namespaces = frozenset((namespace,))
    elif (
        namespace_selector is not None
        and not namespace_selector.get("matchLabels")
        and not namespace_selector.get("matchExpressions")
    ):
        namespaces = None  # an empty namespaceSelector selects every namespace
    else:
        namespaces = frozenset(names)
        if namespace_selector is not None:
            try:
                requirements = tuple(requirements_from_selector(namespace_selector))
            except SelectorError:
                requirements = None
    return AffinityTerm(namespaces, requirements, selector, term.get("topologyKey") or "")


def _parse_pod_affinity(info: PodInfo, spec: dict, namespace: str) -> None:
    affinity = spec.get("affinity") or {}
    for field_prefix, section in (("affinity", "podAffinity"), ("anti_affinity", "podAntiAffinity")):
        block = affinity.get(section) or {}
        required = tuple(
            affinity_term(term, namespace) for term in block.get("requiredDuringSchedulingIgnoredDuringExecution") or []
        )
        preferred = tuple(
            (int(item.get("weight") or 0), affinity_term(item.get("podAffinityTerm") or {}, namespace))
            for item in block.get("preferredDuringSchedulingIgnoredDuringExecution") or []
        )
        setattr(info, f"required_{field_prefix}", required)
        setattr(info, f"preferred_{field_prefix}", preferred)


def spread_constraints(items: list, labels: dict) -> tuple:
    constraints = []
    for item in items:
        try:
            has_selector = item.get("labelSelector") is not None
            selector = list(requirements_from_selector(item["labelSelector"])) if has_selector else None
        except SelectorError:
            selector = None
        if selector is not None:
            # upstream: matchLabelKeys adds `key in (pod's value)` for each key the pod carries
            for key in item.get("matchLabelKeys") or []:
                if key in labels:
                    selector.append((key, "In", (labels[key],)))
        constraints.append(
            SpreadConstraint(
                max_skew=int(item.get("maxSkew") or 1),
                topology_key=item.get("topologyKey") or "",
                when_unsatisfiable=item.get("whenUnsatisfiable") or "DoNotSchedule",
                selector=tuple(selector) if selector is not None else None,
                min_domains=int(item.get("minDomains") or 1),
                honor_node_affinity=(item.get("nodeAffinityPolicy") or "Honor") == "Honor",
                honor_node_taints=(item.get("nodeTaintsPolicy") or "Ignore") == "Honor",
            )
        )
    return tuple(constraints)
