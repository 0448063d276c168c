"""kube-proxy's reading of EndpointSlices: merged per Service, one endpoint per address, ready first, else the
endpoints still serving while they terminate (upstream's endpointslicecache_test and topology_test cases)."""

from cluster_engine.traffic.slice_cache import Endpoint, endpoints_by_service, usable


def slice_(name: str, endpoints: list[dict], service: str = "web", ports=({"name": "", "port": 80},)) -> dict:
    return {
        "metadata": {"name": name, "namespace": "default", "labels": {"kubernetes.io/service-name": service}},
        "ports": [dict(port, protocol="TCP") for port in ports],
        "endpoints": endpoints,
    }


def endpoint(ip: str, pod: str, node: str = "worker-1", **conditions) -> dict:
    return {
        "addresses": [ip],
        "conditions": conditions,
        "nodeName": node,
        "targetRef": {"kind": "Pod", "namespace": "default", "name": pod},
    }


def test_the_slices_of_a_service_are_merged_and_an_address_listed_twice_counts_once():
    merged = endpoints_by_service(
        [
            slice_("web-b", [endpoint("10.0.0.3", "c", ready=True), endpoint("10.0.0.1", "a", ready=True)]),
            slice_("web-a", [endpoint("10.0.0.1", "a", ready=True), endpoint("10.0.0.2", "b", "worker-2")]),
            slice_("api-a", [endpoint("10.0.0.9", "z", ready=True)], service="api"),
        ]
    )
    assert [info.endpoint.ip for info in merged["default/web"]] == ["10.0.0.1", "10.0.0.2", "10.0.0.3"]
    assert usable(merged["default/web"]) == (
        Endpoint("10.0.0.1", "default/a", "worker-1"),
        Endpoint("10.0.0.2", "default/b", "worker-2"),  # no conditions at all: ready, as the API reads a nil
        Endpoint("10.0.0.3", "default/c", "worker-1"),
    )
    assert usable(merged["default/api"]) == (Endpoint("10.0.0.9", "default/z", "worker-1"),)


def test_endpoints_without_a_valid_port_a_pod_or_a_service_label_are_not_balanced_to():
    unlabelled = slice_("stray", [endpoint("10.0.0.5", "e", ready=True)])
    unlabelled["metadata"]["labels"] = {}
    typed = endpoint("10.0.0.6", "f", ready=True)
    del typed["targetRef"]
    merged = endpoints_by_service(
        [
            slice_("web-a", [endpoint("10.0.0.1", "a", ready=True)], ports=()),
            slice_("web-b", [typed]),
            unlabelled,
        ]
    )
    assert merged == {"default/web": []}
    assert usable(merged["default/web"]) == ()


def test_terminating_endpoints_are_used_only_while_no_endpoint_is_ready_and_only_if_still_serving():
    draining = endpoint("10.0.0.1", "old", ready=False, serving=True, terminating=True)
    stopped = endpoint("10.0.0.2", "gone", ready=False, serving=False, terminating=True)
    starting = endpoint("10.0.0.3", "new", ready=False, serving=False, terminating=False)
    up = endpoint("10.0.0.4", "up", ready=True, serving=True, terminating=False)

    def chosen(*endpoints):
        return [found.pod for found in usable(endpoints_by_service([slice_("web-a", list(endpoints))])["default/web"])]

    assert chosen(draining, stopped, starting) == ["default/old"]
    assert chosen(draining, stopped, starting, up) == ["default/up"]
    assert chosen(stopped, starting) == []
