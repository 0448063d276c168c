"""EndpointSlice and HorizontalPodAutoscaler validation and defaults: 422s worded as upstream's, writing nothing."""

import copy

import pytest

from .manifests import endpoint_slice, horizontal_pod_autoscaler
from .test_validation import _refusal, _update_refusal, _with

HPA = 'HorizontalPodAutoscaler.autoscaling "web" is invalid: '
SLICE = 'EndpointSlice.discovery.k8s.io "web-abc12" is invalid: '

CASES = [
    ("EndpointSlice", _with(endpoint_slice(), "addressType", ...), SLICE + "addressType: Required value"),
    (
        "EndpointSlice",
        _with(endpoint_slice(), "addressType", "IP"),
        SLICE + 'addressType: Unsupported value: "IP": supported values: "FQDN", "IPv4", "IPv6"',
    ),
    (
        "EndpointSlice",
        _with(endpoint_slice(), "endpoints.0.addresses", []),
        SLICE + "endpoints[0].addresses: Required value: must contain at least 1 address",
    ),
    (
        "EndpointSlice",
        _with(endpoint_slice(), "endpoints.0.addresses.0", "fd00::1"),
        SLICE + 'endpoints[0].addresses[0]: Invalid value: "fd00::1": must be a valid IPv4 address',
    ),
    (
        "EndpointSlice",
        _with(endpoint_slice(), "endpoints.0.addresses.0", "127.0.0.1"),
        SLICE + 'endpoints[0].addresses[0]: Invalid value: "127.0.0.1": may not be in the loopback range '
        "(127.0.0.0/8, ::1/128)",
    ),
    (
        "EndpointSlice",
        _with(endpoint_slice(), "endpoints", [{"addresses": ["10.0.0.1"]}] * 1001),
        SLICE + "endpoints: Too many: 1001: must have at most 1000 items",
    ),
    (
        "EndpointSlice",
        _with(endpoint_slice(), "ports.0.protocol", "HTTP"),
        SLICE + 'ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
    ),
    (
        "HorizontalPodAutoscaler",
        _with(horizontal_pod_autoscaler(), "spec.minReplicas", 0),
        HPA + "spec.minReplicas: Invalid value: 0: must be greater than or equal to 1",
    ),
    (
        "HorizontalPodAutoscaler",
        _with(horizontal_pod_autoscaler(), "spec.maxReplicas", 0),
        HPA + "[spec.maxReplicas: Invalid value: 0: must be greater than 0, spec.maxReplicas: Invalid value: 0: "
        "must be greater than or equal to `minReplicas`]",
    ),
    (
        "HorizontalPodAutoscaler",
        _with(horizontal_pod_autoscaler(), "spec.scaleTargetRef.name", "a/b"),
        HPA + "spec.scaleTargetRef.name: Invalid value: \"a/b\": may not contain '/'",
    ),
    (
        "HorizontalPodAutoscaler",
        _with(horizontal_pod_autoscaler(), "spec.metrics.0.resource.target.averageUtilization", 0),
        HPA + "spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0",
    ),
    (
        "HorizontalPodAutoscaler",
        _with(horizontal_pod_autoscaler(), "spec.metrics.0.type", "Pods"),
        HPA + "spec.metrics[0].pods: Required value: must populate information for the given metric source",
    ),
    (
        "HorizontalPodAutoscaler",
        _with(
            horizontal_pod_autoscaler(),
            "spec.metrics.0",
            {"type": "Pods", "pods": {"metric": {"name": "a/b"}, "target": {"type": "Value", "value": "1"}}},
        ),
        HPA + "[spec.metrics[0].pods.metric.name: Invalid value: \"a/b\": may not contain '/', "
        "spec.metrics[0].pods.target.averageValue: Required value: must specify a positive target averageValue]",
    ),
    (
        "HorizontalPodAutoscaler",
        _with(
            horizontal_pod_autoscaler(),
            "spec.metrics.0",
            {
                "type": "ContainerResource",
                "containerResource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 50}},
            },
        ),
        HPA + "spec.metrics[0].containerResource.container: Required value: must specify a container",
    ),
    (
        "HorizontalPodAutoscaler",
        _with(horizontal_pod_autoscaler(), "spec.behavior", {"scaleDown": {"stabilizationWindowSeconds": 3601}}),
        HPA + "spec.behavior.scaleDown.stabilizationWindowSeconds: Invalid value: 3601: must be less than or equal "
        "to 3600",
    ),
]


@pytest.mark.parametrize(("kind", "body", "message"), CASES, ids=[f"{i}-{case[0]}" for i, case in enumerate(CASES)])
def test_each_validation_path_is_a_422_that_writes_nothing(server, kind, body, message):
    error = _refusal(server, kind, copy.deepcopy(body))
    assert (error.code, error.reason) == (422, "Invalid")
    assert error.message == message


def test_an_endpoint_slice_address_type_is_immutable(server):
    created = server.create("EndpointSlice", endpoint_slice())
    error = _update_refusal(
        server, "EndpointSlice", created, lambda obj: {**obj, "addressType": "IPv6", "endpoints": []}
    )
    assert error.message == SLICE + 'addressType: Invalid value: "IPv6": field is immutable'


def test_an_endpoint_port_defaults_its_name_and_protocol(server):
    created = server.create("EndpointSlice", _with(endpoint_slice(), "ports", [{"port": 80}]))
    assert created["ports"] == [{"name": "", "port": 80, "protocol": "TCP"}]


def test_an_autoscaler_defaults_as_upstream_v2_does(server):
    bare = _with(_with(horizontal_pod_autoscaler(), "spec.minReplicas", ...), "spec.metrics", ...)
    created = server.create("HorizontalPodAutoscaler", bare)
    assert created["spec"]["minReplicas"] == 1
    assert created["spec"]["metrics"] == [
        {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}}
    ]
    assert "behavior" not in created["spec"]  # upstream fills in a behavior only when one is given
    given = _with(horizontal_pod_autoscaler("api"), "spec.behavior", {"scaleDown": {"stabilizationWindowSeconds": 60}})
    behavior = server.create("HorizontalPodAutoscaler", given)["spec"]["behavior"]
    assert behavior["scaleDown"] == {
        "stabilizationWindowSeconds": 60,
        "selectPolicy": "Max",
        "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}],
    }
    assert behavior["scaleUp"]["policies"] == [
        {"type": "Pods", "value": 4, "periodSeconds": 15},
        {"type": "Percent", "value": 100, "periodSeconds": 15},
    ]
