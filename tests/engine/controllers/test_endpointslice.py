"""EndpointSlice controller and mirroring: cases after upstream's reconciler_test and endpointslicemirroring tests."""

from cluster_engine.controllers import slice_placement
from cluster_engine.controllers.endpoints import EndpointsController
from cluster_engine.controllers.endpointslice import EndpointSliceController
from cluster_engine.controllers.endpointslice_mirroring import EndpointSliceMirroringController
from cluster_engine.controllers.garbagecollector import GarbageCollector
from cluster_engine.controllers.replicaset import ReplicaSetController

from .helpers import replica_set, simulation
from .test_endpoints import service, started

MANAGED = "endpointslice.kubernetes.io/managed-by"


def slices(sim, managed_by="endpointslice-controller.k8s.io"):
    found = [s for s in sim.objects("EndpointSlice", "default") if s["metadata"]["labels"][MANAGED] == managed_by]
    return sorted(found, key=lambda s: s["metadata"]["name"])


def endpoint(ip, name="pod"):
    return {"addresses": [ip], "conditions": {"ready": True}, "targetRef": {"namespace": "default", "name": name}}


def test_a_service_without_pods_has_one_placeholder_slice_owned_by_it():
    sim = simulation([EndpointSliceController], [service()])
    sim.run_for(0)
    [placeholder] = slices(sim)
    svc = sim.get("Service", "default/web")
    assert placeholder["metadata"]["name"].startswith("web-") and len(placeholder["metadata"]["name"]) == 9
    assert placeholder["metadata"]["labels"] == {
        "tier": "front",
        "kubernetes.io/service-name": "web",
        MANAGED: "endpointslice-controller.k8s.io",
    }
    assert placeholder["metadata"]["ownerReferences"][0]["uid"] == svc["metadata"]["uid"]
    assert placeholder["addressType"] == "IPv4" and placeholder["endpoints"] == []
    sim.run_for(60)
    assert [s["metadata"]["name"] for s in slices(sim)] == [placeholder["metadata"]["name"]]  # kept, not replaced


def test_pods_fill_the_placeholder_with_conditions_node_and_ports():
    sim = simulation([ReplicaSetController, EndpointSliceController], [replica_set(replicas=3), service()])
    sim.run_for(0)
    [placeholder] = slices(sim)
    first, second, third = started(sim, [True, False, True])
    [filled] = slices(sim)
    assert filled["metadata"]["name"] == placeholder["metadata"]["name"]  # upstream reuses the placeholder
    assert filled["ports"] == [{"name": "web", "port": 8080, "protocol": "TCP"}]
    by_pod = {e["targetRef"]["name"]: e for e in filled["endpoints"]}
    assert by_pod[second["metadata"]["name"]]["conditions"] == {"ready": False, "serving": False, "terminating": False}
    assert by_pod[first["metadata"]["name"]]["conditions"] == {"ready": True, "serving": True, "terminating": False}
    assert by_pod[first["metadata"]["name"]]["nodeName"] == "worker-1"
    sim.operator.delete("Pod", "default", first["metadata"]["name"])  # graceful: stays, terminating
    sim.run_for(0)
    by_pod = {e["targetRef"]["name"]: e for e in slices(sim)[0]["endpoints"]}
    assert by_pod[first["metadata"]["name"]]["conditions"] == {"ready": False, "serving": True, "terminating": True}


def test_placement_fills_slices_being_updated_before_creating_new_ones():
    """reconciler_test "Adding endpoints to existing slices": a slice already changing takes the new endpoints."""
    existing = [{"endpoints": [endpoint(f"10.0.0.{i}") for i in range(3)]}]
    desired = [endpoint(f"10.0.0.{i}") for i in range(1, 6)]
    plan = slice_placement.place(existing, desired, [], 4).finalize()
    assert plan.create == [([endpoint("10.0.0.5")], [])] and plan.delete == []
    [(_, endpoints, _)] = plan.update
    assert [e["addresses"][0] for e in endpoints] == ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"]


def test_placement_puts_a_small_remainder_into_an_unchanged_slice_with_room():
    existing = [{"endpoints": [endpoint("10.0.0.1")]}, {"endpoints": [endpoint("10.0.0.2"), endpoint("10.0.0.3")]}]
    desired = [endpoint(f"10.0.0.{i}") for i in range(1, 5)]
    plan = slice_placement.place(existing, desired, [], 3).finalize()
    assert plan.create == [] and plan.delete == []
    [(target, endpoints, _)] = plan.update
    assert target is existing[1] and len(endpoints) == 3


def test_placement_splits_at_the_maximum_and_reuses_a_slice_to_delete():
    existing = [{"endpoints": [endpoint("10.9.9.9")]}]
    desired = [endpoint(f"10.0.1.{i}") for i in range(250)]
    plan = slice_placement.place(existing, desired, [], slice_placement.MAX_ENDPOINTS_PER_SLICE).finalize()
    assert [len(e) for e, _ in plan.create] == [100, 50] and plan.delete == []
    [(reused, endpoints, _)] = plan.update
    assert reused is existing[0] and len(endpoints) == 100


def test_many_pods_spread_over_slices_of_at_most_one_hundred():
    sim = simulation([ReplicaSetController, EndpointSliceController], [replica_set(replicas=150), service()])
    started(sim, [True] * 150)
    assert sorted(len(s["endpoints"]) for s in slices(sim)) == [50, 100]


def test_endpoints_of_a_service_without_selector_are_mirrored():
    selectorless = service(selector={})
    del selectorless["spec"]["selector"]
    manual = {
        "apiVersion": "v1",
        "kind": "Endpoints",
        "metadata": {"name": "web", "namespace": "default", "labels": {"team": "db"}},
        "subsets": [
            {
                "addresses": [{"ip": "10.1.2.3", "hostname": "db-0"}],
                "notReadyAddresses": [{"ip": "10.1.2.4"}],
                "ports": [{"name": "sql", "port": 5432}],
            }
        ],
    }
    sim = simulation(
        [EndpointsController, EndpointSliceController, EndpointSliceMirroringController], [selectorless, manual]
    )
    sim.run_for(0)
    assert slices(sim) == []  # the EndpointSlice controller leaves a selector-less Service alone
    [mirrored] = slices(sim, "endpointslicemirroring-controller.k8s.io")
    assert mirrored["metadata"]["labels"] == {
        "team": "db",
        "kubernetes.io/service-name": "web",
        MANAGED: "endpointslicemirroring-controller.k8s.io",
    }
    assert mirrored["metadata"]["ownerReferences"][0]["kind"] == "Endpoints"
    assert mirrored["endpoints"] == [
        {"addresses": ["10.1.2.3"], "conditions": {"ready": True}, "hostname": "db-0"},
        {"addresses": ["10.1.2.4"], "conditions": {"ready": False}},
    ]
    assert mirrored["ports"] == [{"name": "sql", "port": 5432, "protocol": "TCP"}]
    sim.operator.patch(
        "Endpoints", "default", "web", {"metadata": {"labels": {"endpointslice.kubernetes.io/skip-mirror": "true"}}}
    )
    sim.run_for(0)
    assert slices(sim, "endpointslicemirroring-controller.k8s.io") == []


def test_deleting_the_service_lets_the_garbage_collector_remove_its_slices():
    sim = simulation([EndpointSliceController, GarbageCollector], [service()])
    sim.run_for(0)
    assert len(slices(sim)) == 1
    sim.operator.delete("Service", "default", "web")
    sim.run_for(1)
    assert slices(sim) == []
