"""Every validation refusal: the exact upstream Status, and storage left exactly as it was."""

import base64

import pytest

from cluster_engine.api.errors import ApiError

from .conftest import snapshot
from .manifests import (
    config_map,
    control_plane_component,
    deployment,
    endpoints,
    event,
    lease,
    namespace,
    node,
    pod,
    replication_controller,
    secret,
    service,
)

SUBDOMAIN = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start "
    "and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
LABEL = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end "
    "with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)
DNS1035 = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic "
    "character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation "
    "is '[a-z]([-a-z0-9]*[a-z0-9])?')"
)
NAME_PART = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
    "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)


def _refusal(server, kind, body) -> ApiError:
    before = snapshot(server.storage)
    published = []
    server.storage.subscribers.append(published.append)
    with pytest.raises(ApiError) as refused:
        server.create(kind, body)
    assert snapshot(server.storage) == before
    assert published == []
    return refused.value


def _with(manifest: dict, path: str, value) -> dict:
    """The manifest with the value at a dotted path (list indexes as numbers) set, or removed when value is ..."""
    parts = [int(part) if part.isdigit() else part for part in path.split(".")]
    node_ = manifest
    for part in parts[:-1]:
        node_ = node_[part]
    if value is ...:
        del node_[parts[-1]]
    else:
        node_[parts[-1]] = value
    return manifest


def test_a_422_carries_kind_name_and_causes(server):
    body = _with(pod(), "metadata.name", "Web_1")
    error = _refusal(server, "Pod", body)
    assert error.status() == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": f'Pod "Web_1" is invalid: metadata.name: Invalid value: "Web_1": {SUBDOMAIN}',
        "reason": "Invalid",
        "code": 422,
        "details": {
            "name": "Web_1",
            "kind": "Pod",
            "causes": [
                {
                    "reason": "FieldValueInvalid",
                    "message": f'Invalid value: "Web_1": {SUBDOMAIN}',
                    "field": "metadata.name",
                }
            ],
        },
    }


def test_several_causes_are_listed_in_brackets(server):
    body = _with(pod(), "spec.containers.0.name", "")
    _with(body, "spec.containers.0.image", "")
    error = _refusal(server, "Pod", body)
    assert error.message == (
        'Pod "web-1" is invalid: [spec.containers[0].name: Required value, spec.containers[0].image: Required value]'
    )
    assert [cause["field"] for cause in error.causes] == ["spec.containers[0].name", "spec.containers[0].image"]


CASES = [
    # names and metadata
    (
        "Namespace",
        namespace("Team.A"),
        f'Namespace "Team.A" is invalid: metadata.name: Invalid value: "Team.A": {LABEL}',
    ),
    ("Service", service("1web"), f'Service "1web" is invalid: metadata.name: Invalid value: "1web": {DNS1035}'),
    (
        "ConfigMap",
        _with(config_map(), "metadata.name", ...),
        'ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required',
    ),
    (
        "ConfigMap",
        _with(config_map(), "metadata.name", "a" * 254),
        f'ConfigMap "{"a" * 254}" is invalid: metadata.name: Invalid value: "{"a" * 254}": must be no more than 253 characters',
    ),
    (
        "ConfigMap",
        _with(config_map(), "metadata.labels", {"app": "-web"}),
        'ConfigMap "settings" is invalid: metadata.labels: Invalid value: "-web": a valid label must be an empty '
        "string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
        "character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is "
        "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    ),
    (
        "ConfigMap",
        _with(config_map(), "metadata.labels", {"Example.com/app": "web"}),
        f'ConfigMap "settings" is invalid: metadata.labels: Invalid value: "Example.com/app": prefix part {SUBDOMAIN}',
    ),
    (
        "ConfigMap",
        _with(config_map(), "metadata.annotations", {"a/b/c": "x"}),
        'ConfigMap "settings" is invalid: metadata.annotations: Invalid value: "a/b/c": a qualified name must consist '
        "of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. "
        "'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ),
    (
        "ConfigMap",
        _with(config_map(), "metadata.annotations", {"big": "x" * 262142}),
        'ConfigMap "settings" is invalid: metadata.annotations: Too long: must have at most 262144 bytes',
    ),
    (
        "ConfigMap",
        _with(
            config_map(), "metadata.ownerReferences", [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "rs"}]
        ),
        'ConfigMap "settings" is invalid: metadata.ownerReferences.uid: Invalid value: "": must not be empty',
    ),
    (
        "ConfigMap",
        _with(
            config_map(),
            "metadata.ownerReferences",
            [
                {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "a", "uid": "1", "controller": True},
                {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "b", "uid": "2", "controller": True},
            ],
        ),
        'ConfigMap "settings" is invalid: metadata.ownerReferences: Invalid value: [{"apiVersion":"apps/v1","kind":'
        '"ReplicaSet","name":"a","uid":"1","controller":true},{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"b",'
        '"uid":"2","controller":true}]: Only one reference can have Controller set to true. Found "true" in references '
        "for ReplicaSet/a and ReplicaSet/b",
    ),
    (
        "ConfigMap",
        _with(config_map(), "metadata.finalizers", ["keep"]),
        'ConfigMap "settings" is invalid: metadata.finalizers: Invalid value: "keep": name is neither a standard '
        "finalizer name nor is it fully qualified",
    ),
    (
        "ConfigMap",
        _with(config_map(), "metadata.finalizers", ["orphan", "foregroundDeletion"]),
        'ConfigMap "settings" is invalid: metadata.finalizers: Invalid value: ["orphan","foregroundDeletion"]: '
        "finalizer orphan and foregroundDeletion cannot be both set",
    ),
    # pods
    ("Pod", _with(pod(), "spec.containers", []), 'Pod "web-1" is invalid: spec.containers: Required value'),
    (
        "Pod",
        _with(pod(), "spec.containers", [{"name": "a", "image": "x"}, {"name": "a", "image": "y"}]),
        'Pod "web-1" is invalid: spec.containers[1].name: Duplicate value: "a"',
    ),
    (
        "Pod",
        _with(pod(), "spec.restartPolicy", "Sometimes"),
        'Pod "web-1" is invalid: spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
    ),
    (
        "Pod",
        _with(pod(), "spec.containers.0.ports", [{"containerPort": 70000}]),
        'Pod "web-1" is invalid: spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    ),
    (
        "Pod",
        _with(pod(), "spec.containers.0.ports", [{"containerPort": 80, "name": "web_port"}]),
        'Pod "web-1" is invalid: spec.containers[0].ports[0].name: Invalid value: "web_port": must contain only '
        "alpha-numeric characters (a-z, 0-9), and hyphens (-)",
    ),
    (
        "Pod",
        _with(pod(), "spec.containers.0.resources", {"requests": {"cpu": "2"}, "limits": {"cpu": "1"}}),
        'Pod "web-1" is invalid: spec.containers[0].resources.requests[cpu]: Invalid value: "2": must be less than or equal to cpu limit of 1',
    ),
    (
        "Pod",
        _with(pod(), "spec.containers.0.resources", {"requests": {"cpu": "-1"}}),
        'Pod "web-1" is invalid: spec.containers[0].resources.requests[cpu]: Invalid value: "-1": must be greater than or equal to 0',
    ),
    (
        "Pod",
        _with(pod(), "spec.containers.0.resources", {"limits": {"gpu": "1"}}),
        'Pod "web-1" is invalid: spec.containers[0].resources.limits[gpu]: Invalid value: "gpu": must be a standard resource type or fully qualified',
    ),
    (
        "Pod",
        _with(pod(), "spec.containers.0.resources", {"limits": {"pods": "1"}}),
        'Pod "web-1" is invalid: spec.containers[0].resources.limits[pods]: Invalid value: "pods": must be a standard resource for containers',
    ),
    (
        "Pod",
        _with(pod(), "spec.containers.0.livenessProbe", {"httpGet": {"port": 80}, "tcpSocket": {"port": 80}}),
        'Pod "web-1" is invalid: spec.containers[0].livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type',
    ),
    (
        "Pod",
        _with(pod(), "spec.containers.0.readinessProbe", {"periodSeconds": 5}),
        'Pod "web-1" is invalid: spec.containers[0].readinessProbe: Required value: must specify a handler type',
    ),
    (
        "Pod",
        _with(pod(), "spec.containers.0.livenessProbe", {"exec": {"command": ["true"]}, "successThreshold": 2}),
        'Pod "web-1" is invalid: spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1',
    ),
    (
        "Pod",
        _with(pod(), "spec.containers.0.readinessProbe", {"httpGet": {"port": "web--port"}}),
        'Pod "web-1" is invalid: spec.containers[0].readinessProbe.httpGet.port: Invalid value: "web--port": must not contain consecutive hyphens',
    ),
    (
        "Pod",
        _with(pod(), "spec.tolerations", [{"key": "a", "operator": "Exists", "value": "b"}]),
        'Pod "web-1" is invalid: spec.tolerations[0].operator: Invalid value: {"key":"a","operator":"Exists","value":"b"}: '
        "value must be empty when `operator` is 'Exists'",
    ),
    (
        "Pod",
        _with(pod(), "spec.tolerations", [{"value": "b"}]),
        'Pod "web-1" is invalid: spec.tolerations[0].operator: Invalid value: "": operator must be Exists when `key` '
        'is empty, which means "match all values and all keys"',
    ),
    (
        "Pod",
        _with(pod(), "spec.tolerations", [{"key": "a", "effect": "NoSchedule", "tolerationSeconds": 5}]),
        'Pod "web-1" is invalid: spec.tolerations[0].effect: Invalid value: "NoSchedule": effect must be '
        "'NoExecute' when `tolerationSeconds` is set",
    ),
    (
        "Pod",
        _with(
            pod(),
            "spec.affinity",
            {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": []}}},
        ),
        'Pod "web-1" is invalid: spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: '
        "Required value: must have at least one node selector term",
    ),
    (
        "Pod",
        _with(
            pod(),
            "spec.affinity",
            {
                "podAntiAffinity": {
                    "requiredDuringSchedulingIgnoredDuringExecution": [
                        {
                            "labelSelector": {"matchExpressions": [{"key": "app", "operator": "Is"}]},
                            "topologyKey": "kubernetes.io/hostname",
                        }
                    ]
                }
            },
        ),
        'Pod "web-1" is invalid: spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].'
        'labelSelector.matchExpressions[0].operator: Invalid value: "Is": not a valid selector operator',
    ),
    (
        "Pod",
        _with(
            pod(),
            "spec.affinity",
            {
                "podAffinity": {
                    "preferredDuringSchedulingIgnoredDuringExecution": [
                        {"weight": 0, "podAffinityTerm": {"topologyKey": "zone"}}
                    ]
                }
            },
        ),
        'Pod "web-1" is invalid: spec.affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: '
        "Invalid value: 0: must be in the range 1-100",
    ),
    (
        "Pod",
        _with(
            pod(),
            "spec.topologySpreadConstraints",
            [{"maxSkew": 0, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule"}],
        ),
        'Pod "web-1" is invalid: spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero',
    ),
    (
        "Pod",
        _with(
            pod(),
            "spec.topologySpreadConstraints",
            [{"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "Maybe"}],
        ),
        'Pod "web-1" is invalid: spec.topologySpreadConstraints[0].whenUnsatisfiable: Unsupported value: "Maybe": '
        'supported values: "DoNotSchedule", "ScheduleAnyway"',
    ),
    # workloads
    (
        "Deployment",
        _with(deployment(), "spec.replicas", -1),
        'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    ),
    (
        "Deployment",
        _with(deployment(), "spec.replicas", 501),
        'Deployment.apps "web" is invalid: spec.replicas: Invalid value: 501: must be less than or equal to 500 in this simulated cluster',
    ),
    (
        "Deployment",
        _with(deployment(), "spec.selector", {"matchLabels": {"app": "other"}}),
        'Deployment.apps "web" is invalid: spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`',
    ),
    (
        "Deployment",
        _with(deployment(), "spec.selector", {"matchExpressions": [{"key": "app", "operator": "In"}]}),
        'Deployment.apps "web" is invalid: spec.selector.matchExpressions[0].values: Required value: must be '
        "specified when `operator` is 'In' or 'NotIn'",
    ),
    (
        "Deployment",
        _with(deployment(), "spec.selector", ...),
        'Deployment.apps "web" is invalid: spec.selector: Required value',
    ),
    (
        "Deployment",
        _with(deployment(), "spec.strategy", {"rollingUpdate": {"maxSurge": 0, "maxUnavailable": 0}}),
        'Deployment.apps "web" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0',
    ),
    (
        "Deployment",
        _with(deployment(), "spec.template.spec.restartPolicy", "Never"),
        'Deployment.apps "web" is invalid: spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    ),
    # replication controllers: a map selector, required (or defaulted from the template), and matched by it
    (
        "ReplicationController",
        _with(replication_controller(), "spec.selector", {"app": "other"}),
        'ReplicationController "web" is invalid: spec.template.metadata.labels: Invalid value: {"app":"web"}: '
        "`selector` does not match template `labels`",
    ),
    (
        "ReplicationController",
        _with(_with(replication_controller(), "spec.selector", ...), "spec.template.metadata", {}),
        'ReplicationController "web" is invalid: spec.selector: Required value',
    ),
    (
        "ReplicationController",
        _with(replication_controller(), "spec.template", ...),
        'ReplicationController "web" is invalid: spec.template: Required value',
    ),
    (
        "ReplicationController",
        _with(replication_controller(), "spec.template", {}),
        'ReplicationController "web" is invalid: [spec.template.metadata.labels: Invalid value: {}: `selector` does '
        "not match template `labels`, spec.template.spec.containers: Required value]",
    ),
    (
        "ReplicationController",
        _with(replication_controller(), "spec.replicas", -1),
        'ReplicationController "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    ),
    (
        "ReplicationController",
        _with(replication_controller(), "spec.minReadySeconds", -5),
        'ReplicationController "web" is invalid: spec.minReadySeconds: Invalid value: -5: must be greater than or '
        "equal to 0",
    ),
    (
        "ReplicationController",
        _with(replication_controller(), "spec.template.spec.restartPolicy", "OnFailure"),
        'ReplicationController "web" is invalid: spec.template.spec.restartPolicy: Unsupported value: "OnFailure": '
        'supported values: "Always"',
    ),
    (
        "ReplicationController",
        _with(replication_controller(), "spec.template.spec.activeDeadlineSeconds", 30),
        'ReplicationController "web" is invalid: spec.template.spec.activeDeadlineSeconds: Forbidden: '
        "activeDeadlineSeconds in ReplicationController is not Supported",
    ),
    # services
    (
        "Service",
        service(service_type="Balanced"),
        'Service "web" is invalid: spec.type: Unsupported value: "Balanced": supported values: "ClusterIP", '
        '"ExternalName", "LoadBalancer", "NodePort"',
    ),
    ("Service", service(ports=[]), 'Service "web" is invalid: spec.ports: Required value'),
    (
        "Service",
        service(ports=[{"port": 80, "targetPort": 0}]),
        'Service "web" is invalid: spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive',
    ),
    (
        "Service",
        service(ports=[{"port": 80, "name": "a"}, {"port": 80, "name": "b"}]),
        'Service "web" is invalid: spec.ports[1]: Duplicate value: {"port":80,"protocol":"TCP"}',
    ),
    (
        "Service",
        service(ports=[{"port": 80}, {"port": 81}]),
        'Service "web" is invalid: [spec.ports[0].name: Required value, spec.ports[1].name: Required value]',
    ),
    (
        "Service",
        service(service_type="NodePort", ports=[{"port": 80, "nodePort": 80}]),
        'Service "web" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid '
        "range. The range of valid ports is 30000-32767",
    ),
    (
        "Service",
        service(ports=[{"port": 80, "nodePort": 30080}]),
        "Service \"web\" is invalid: spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
    ),
    (
        "Service",
        service(
            service_type="NodePort",
            ports=[{"port": 80, "name": "a", "nodePort": 30080}, {"port": 81, "name": "b", "nodePort": 30080}],
        ),
        # upstream allocates node ports (BeginCreate) before validating, so the second claim finds the port taken
        'Service "web" is invalid: spec.ports[1].nodePort: Invalid value: 30080: provided port is already allocated',
    ),
    (
        "Service",
        service(clusterIP="10.9.0.1"),
        'Service "web" is invalid: spec.clusterIPs: Invalid value: ["10.9.0.1"]: failed to allocate IP 10.9.0.1: the '
        "provided IP (10.9.0.1) is not in the valid range. The range of valid IPs is 10.0.0.0/16",
    ),
    (
        "Service",
        service(service_type="ExternalName", ports=[]),
        f'Service "web" is invalid: spec.externalName: Invalid value: "": {SUBDOMAIN}',
    ),
    # nodes
    (
        "Node",
        _with(node(), "spec.taints", [{"key": "a", "effect": "Sometimes"}]),
        'Node "worker-1" is invalid: spec.taints[0].effect: Unsupported value: "Sometimes": supported values: '
        '"NoSchedule", "PreferNoSchedule", "NoExecute"',
    ),
    (
        "Node",
        _with(node(), "spec.podCIDRs", ["10.244.1.0/33"]),
        'Node "worker-1" is invalid: spec.podCIDRs[0]: Invalid value: "10.244.1.0/33": must be a valid CIDR value, '
        "(e.g. 10.9.8.0/24 or 2001:db8::/64)",
    ),
    # configuration
    (
        "ConfigMap",
        config_map(data={"bad key": "x"}),
        'ConfigMap "settings" is invalid: data[bad key]: Invalid value: "bad key": a valid config key must consist of '
        "alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for "
        "validation is '[-._a-zA-Z0-9]+')",
    ),
    (
        "ConfigMap",
        config_map(data={"..x": "y"}),
        'ConfigMap "settings" is invalid: data[..x]: Invalid value: "..x": must not start with \'..\'',
    ),
    (
        "ConfigMap",
        config_map(data={"a": "x" * (1024 * 1024), "b": "y"}),
        'ConfigMap "settings" is invalid: : Too long: must have at most 1048576 bytes',
    ),
    (
        "Secret",
        secret(data={"big": base64.b64encode(b"x" * (1024 * 1024 + 1)).decode()}),
        'Secret "token" is invalid: data: Too long: must have at most 1048576 bytes',
    ),
    (
        "Secret",
        secret(type="kubernetes.io/tls", data={"tls.crt": "eA=="}),
        'Secret "token" is invalid: data[tls.key]: Required value',
    ),
    # events and leases
    (
        "Event",
        event(involvedObject={"kind": "Pod", "namespace": "kube-system", "name": "x"}),
        'Event "web-1.17f0" is invalid: involvedObject.namespace: Invalid value: "kube-system": does not match event.namespace',
    ),
    (
        "Event",
        event(eventTime="2026-01-01T00:00:00.000000Z", reason=""),
        'Event "web-1.17f0" is invalid: [reportingComponent: Required value, reportingInstance: Required value, '
        "action: Required value, reason: Required value]",
    ),
    (
        "Lease",
        lease(leaseDurationSeconds=0),
        'Lease.coordination.k8s.io "worker-1" is invalid: spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0',
    ),
    (
        "Endpoints",
        _with(endpoints(), "subsets.0.addresses.0.ip", "10.244.1"),
        'Endpoints "web" is invalid: subsets[0].addresses[0].ip: Invalid value: "10.244.1": must be a valid IP '
        "address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
    ),
]


@pytest.mark.parametrize(("kind", "body", "message"), CASES, ids=[f"{i}-{case[0]}" for i, case in enumerate(CASES)])
def test_each_validation_path_is_a_422_that_writes_nothing(server, kind, body, message):
    error = _refusal(server, kind, body)
    assert (error.code, error.reason) == (422, "Invalid")
    assert error.message == message


DECODE_CASES = [
    (
        "Pod",
        _with(pod(), "spec.containers.0.resources", {"limits": {"cpu": "lots"}}),
        "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    ),
    ("Pod", _with(pod(), "spec.replicas", 3), 'strict decoding error: unknown field "spec.replicas"'),
    (
        "Deployment",
        _with(deployment(), "spec.replicas", "3"),
        "json: cannot unmarshal string into Go struct field spec.replicas of type int32",
    ),
    (
        "Deployment",
        _with(deployment(), "spec.replicas", 2**31),
        "json: cannot unmarshal number 2147483648 into Go struct field spec.replicas of type int32",
    ),
    ("Secret", secret(data={"p": "not base64!"}), "illegal base64 data at input byte 3 (field data.p)"),
    ("ConfigMap", _with(config_map(), "metadata", []), "metadata must be an object"),
    (
        "Pod",
        _with(pod(), "spec.terminationGracePeriodSeconds", 2**63),
        "json: cannot unmarshal number 9223372036854775808 into Go struct field spec.terminationGracePeriodSeconds "
        "of type int64",
    ),
    (
        "Pod",
        _with(pod(), "metadata.creationTimestamp", "yesterday"),
        'parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"',
    ),
    (
        "Pod",
        _with(pod(), "metadata.creationTimestamp", 1767225600),
        "json: cannot unmarshal number into Go struct field metadata.creationTimestamp of type string",
    ),
    (
        "Pod",
        _with(pod(), "metadata.creationTimestamp", "2026-02-30T00:00:00Z"),
        'parsing time "2026-02-30T00:00:00Z": day out of range',
    ),
    (  # metav1.MicroTime reads exactly six fractional digits
        "Lease",
        lease(renewTime="2026-01-01T00:00:00Z"),
        'parsing time "2026-01-01T00:00:00Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "Z" as ".000000"',
    ),
    (  # fields the simulation never reads are typed as upstream types them
        "Pod",
        _with(pod(), "spec.dnsConfig", {"nameservers": "1.1.1.1"}),
        "json: cannot unmarshal string into Go struct field spec.dnsConfig.nameservers of type []",
    ),
    (
        "Pod",
        _with(pod(), "spec.volumes", [{"name": "token", "projected": {"sources": [{"secret": {"nme": "x"}}]}}]),
        'strict decoding error: unknown field "spec.volumes[0].projected.sources[0].secret.nme"',
    ),
    (
        "ControlPlaneComponent",
        _with(control_plane_component(), "spec.replicas", 3),
        'strict decoding error: unknown field "spec.replicas"',
    ),
]


@pytest.mark.parametrize(("kind", "body", "problem"), DECODE_CASES)
def test_undecodable_bodies_are_400(server, kind, body, problem):
    error = _refusal(server, kind, body)
    spec = {"ControlPlaneComponent": "v1alpha1"}.get(kind, "v1")
    assert (error.code, error.reason) == (400, "BadRequest")
    assert error.message == f'{kind} in version "{spec}" cannot be handled as a {kind}: {problem}'


def test_json_nulls_decode_like_go(server):
    body = pod()
    body["spec"]["nodeSelector"] = {"disk": None}
    body["spec"]["activeDeadlineSeconds"] = None
    body["metadata"]["labels"]["tier"] = None
    created = server.create("Pod", body)
    assert created["spec"]["nodeSelector"] == {"disk": ""}
    assert "activeDeadlineSeconds" not in created["spec"]
    assert created["metadata"]["labels"] == {"app": "web", "tier": ""}


def test_fields_upstream_declares_are_accepted_even_where_the_simulation_does_not_look(server):
    body = _with(pod(), "spec.volumes", [{"name": "token", "projected": {"sources": [{"serviceAccountToken": {}}]}}])
    body["spec"]["volumes"][0]["projected"]["sources"][0]["serviceAccountToken"] = {
        "path": "token",
        "expirationSeconds": 3600,
    }
    body["spec"]["dnsConfig"] = {"nameservers": ["1.1.1.1"], "options": [{"name": "ndots", "value": "2"}]}
    created = server.create("Pod", body)
    assert created["spec"]["dnsConfig"]["options"] == [{"name": "ndots", "value": "2"}]


def test_decoding_leaves_required_fields_to_validation(server):
    """Upstream's decoder ignores the OpenAPI `required` list (a Deployment's selector is required there): a missing
    field is a 422 from validation, never a 400 from decoding."""
    error = _refusal(server, "Deployment", _with(deployment(), "spec.selector", ...))
    assert (error.code, error.reason) == (422, "Invalid")


def test_wrong_kind_or_api_version_is_400(server):
    error = _refusal(server, "Pod", {**pod(), "apiVersion": "apps/v1"})
    assert error.message == "the API version in the data (apps/v1) does not match the expected API version (v1)"
    error = _refusal(server, "Pod", {**pod(), "kind": "Service"})
    assert error.message == 'Pod in version "v1" cannot be handled as a Pod: the kind in the body (Service) is not Pod'
    error = _refusal(server, "Pod", ["not", "an", "object"])
    assert error.message == 'Pod in version "v1" cannot be handled as a Pod: the body must be a JSON object'


# ---- updates: immutable fields --------------------------------------------------------------------------------
def _update_refusal(server, kind, created, change) -> ApiError:
    body = change(created)
    before = snapshot(server.storage)
    with pytest.raises(ApiError) as refused:
        server.update(kind, body)
    assert snapshot(server.storage) == before
    return refused.value


def test_pod_spec_is_immutable_except_images_and_added_tolerations(server):
    created = server.create("Pod", pod())
    error = _update_refusal(server, "Pod", created, lambda p: {**p, "spec": {**p["spec"], "restartPolicy": "Never"}})
    assert error.message.startswith(
        'Pod "web-1" is invalid: spec: Forbidden: pod updates may not change fields other than'
    )
    image = {**created["spec"]["containers"][0], "image": "nginx:1.28"}
    updated = server.update("Pod", {**created, "spec": {**created["spec"], "containers": [image]}})
    assert updated["spec"]["containers"][0]["image"] == "nginx:1.28"


def test_workload_selector_is_immutable(server):
    created = server.create("Deployment", deployment())
    selector = {"matchLabels": {"app": "web", "v": "2"}}

    def change(d):
        template = {**d["spec"]["template"], "metadata": {"labels": {"app": "web", "v": "2"}}}
        return {**d, "spec": {**d["spec"], "selector": selector, "template": template}}

    error = _update_refusal(server, "Deployment", created, change)
    assert error.message == (
        'Deployment.apps "web" is invalid: spec.selector: Invalid value: {"matchLabels":{"app":"web","v":"2"}}: field is immutable'
    )


def test_replication_controller_selector_labels_and_replicas_default_from_the_template(server):
    body = replication_controller()
    del body["spec"]["selector"], body["spec"]["replicas"], body["metadata"]["labels"]
    created = server.create("ReplicationController", body)
    assert created["spec"]["selector"] == {"app": "web"}
    assert created["metadata"]["labels"] == {"app": "web"}
    assert created["spec"]["replicas"] == 1
    assert created["status"] == {"replicas": 0}  # required in the API, so present before the first sync
    assert created["metadata"]["generation"] == 1
    assert created["spec"]["template"]["spec"]["restartPolicy"] == "Always"


def test_replication_controller_selector_may_change_unlike_a_replica_set(server):
    created = server.create("ReplicationController", replication_controller())
    template = {**created["spec"]["template"], "metadata": {"labels": {"app": "web", "v": "2"}}}
    spec = {**created["spec"], "selector": {"app": "web", "v": "2"}, "template": template}
    updated = server.update("ReplicationController", {**created, "spec": spec})
    assert updated["spec"]["selector"] == {"app": "web", "v": "2"}
    assert updated["metadata"]["generation"] == 2


def test_service_cluster_ip_is_immutable_but_external_name_drops_it(server):
    created = server.create("Service", service())
    error = _update_refusal(
        server,
        "Service",
        created,
        lambda s: {**s, "spec": {**s["spec"], "clusterIP": "10.0.0.99", "clusterIPs": ["10.0.0.99"]}},
    )
    assert (
        error.message
        == 'Service "web" is invalid: spec.clusterIPs[0]: Invalid value: "10.0.0.99": may not change once set'
    )
    external = server.update(
        "Service",
        {
            **created,
            "spec": {"type": "ExternalName", "externalName": "db.example.com", "ports": created["spec"]["ports"]},
        },
    )
    assert "clusterIP" not in external["spec"]
    back = server.update("Service", {**external, "spec": {**external["spec"], "type": "ClusterIP"}})
    assert back["spec"]["clusterIP"] == "10.0.0.11"


def test_a_taken_node_port_is_refused(server):
    server.create("Service", service("a", "NodePort", ports=[{"port": 80, "nodePort": 30080}]))
    error = _refusal(server, "Service", service("b", "NodePort", ports=[{"port": 80, "nodePort": 30080}]))
    assert (
        error.message
        == 'Service "b" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated'
    )


def test_secret_type_and_immutable_data(server):
    created = server.create("Secret", secret(immutable=True))
    error = _update_refusal(server, "Secret", created, lambda s: {**s, "type": "kubernetes.io/basic-auth"})
    assert (
        error.message
        == 'Secret "token" is invalid: type: Invalid value: "kubernetes.io/basic-auth": field is immutable'
    )
    error = _update_refusal(server, "Secret", created, lambda s: {**s, "data": {"password": "eA=="}})
    assert error.message == 'Secret "token" is invalid: data: Forbidden: field is immutable when `immutable` is set'


def test_node_pod_cidr_cannot_change_once_set(server):
    created = server.create("Node", node())
    assert created["spec"]["podCIDR"] == created["spec"]["podCIDRs"][0] == "10.244.1.0/24"
    error = _update_refusal(
        server,
        "Node",
        created,
        lambda n: {**n, "spec": {**n["spec"], "podCIDR": "10.244.9.0/24", "podCIDRs": ["10.244.9.0/24"]}},
    )
    assert (
        error.message
        == 'Node "worker-1" is invalid: spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid'
    )
