"""The traffic model on the demo cluster: where requests go, when they fail, and that a seed replays it exactly."""

from cluster_engine.traffic.clients import client_configmap
from cluster_engine.traffic.kube_proxy import MIN_SYNC_PERIOD
from cluster_engine.traffic.load_balancer import PROBE_INTERVAL, PROBE_THRESHOLD

from .helpers import cluster, failures, power_off, ready_since, record, web_pods

ROLLOUT = {"spec": {"template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:1.28"}]}}}}


def shutdown_in(sim, seconds: str) -> None:
    """Give the web pods' containers this long to exit after SIGTERM (a rollout of its own, left to finish)."""
    body = {"spec": {"template": {"metadata": {"annotations": {"kubelab.io/shutdown-seconds": seconds}}}}}
    sim.client.patch("Deployment", "default", "web", body)
    sim.run_for(60)


def test_a_healthy_service_answers_every_request_spread_evenly_over_its_pods():
    sim, traffic = cluster(rate=300, via="LoadBalancer")
    seconds = record(sim, traffic, 10)
    assert all(second["sent"] == 300 and second["successRate"] == 1.0 for second in seconds)
    pods = {pod["metadata"]["namespace"] + "/" + pod["metadata"]["name"] for pod in web_pods(sim)}
    for second in seconds:
        assert set(second["pods"]) == pods
        assert all(90 <= count <= 110 for count in second["pods"].values())
        assert 9.0 < second["latencyMs"] < 11.0  # served (8 ms), the load balancer (1.5 ms), a hop for most


def test_the_same_seed_replays_the_same_traffic_and_another_seed_differs():
    def run(seed):
        sim, traffic = cluster(seed=seed, rate=50, via="NodePort")
        record(sim, traffic, 5)
        return traffic.state()

    assert run(3) == run(3)
    assert run(3) != run(4)


def test_a_service_that_does_not_exist_does_not_resolve():
    sim, traffic = cluster(rate=20, service="nothing")
    seconds = record(sim, traffic, 3)
    assert [second["failed"] for second in seconds] == [{"unresolved": 20}] * len(seconds)
    assert traffic.state()["clients"][0]["dnsName"] == "nothing.default.svc.cluster.local"


def test_a_node_failure_times_out_requests_until_the_node_controller_marks_its_pods_not_ready():
    sim, traffic = cluster(rate=90, via="ClusterIP")
    victim = next(pod for pod in web_pods(sim) if pod["spec"]["nodeName"] != traffic.client_node())
    node = victim["spec"]["nodeName"]
    off_at = int(sim.now)
    power_off(sim, node)
    seconds = record(sim, traffic, 80)
    failed = failures(seconds)
    marked = next(second["at"] for second in seconds if second["at"] > off_at and not failed.get(second["at"]))
    pod = sim.get("Pod", f"default/{victim['metadata']['name']}")
    assert ready_since(pod)[0] == "False"
    marked_at = sim.clock.seconds_since_epoch(ready_since(pod)[1])
    # Every second from the power cut until the pod was marked not ready (50 s grace, then the endpoints and each
    # node's rules follow) lost about a third of its requests, all timeouts; none after.
    assert set(failed) == set(range(off_at, marked))
    assert all(set(reasons) == {"timeout"} for reasons in failed.values())
    whole = [failed[at]["timeout"] for at in range(off_at + 1, marked - 2)]  # seconds the failure spans entirely
    assert whole and all(20 <= count <= 40 for count in whole)
    assert marked_at - off_at >= 50
    assert marked <= marked_at + MIN_SYNC_PERIOD + 1


def test_a_load_balancer_stops_sending_to_a_dead_node_after_its_health_probes():
    sim, traffic = cluster(rate=60, via="LoadBalancer")
    client = traffic.state()["clients"][0]
    assert client["loadBalancer"]["backends"] == ["worker-1", "worker-2", "worker-3"]
    power_off(sim, "worker-1")
    sim.run_for(PROBE_INTERVAL * (PROBE_THRESHOLD + 1))
    assert traffic.state()["clients"][0]["loadBalancer"]["backends"] == ["worker-2", "worker-3"]


def test_a_node_port_client_keeps_timing_out_on_a_dead_node_after_its_pods_are_gone():
    sim, traffic = cluster(rate=90, via="NodePort")
    power_off(sim, "worker-1")
    sim.run_for(120)  # the pods there are long marked not ready: only the dead node itself fails now
    seconds = record(sim, traffic, 5)[-5:]
    assert all(set(second["failed"]) == {"timeout"} and 27 <= second["failed"]["timeout"] <= 33 for second in seconds)


def test_a_failing_readiness_probe_answers_errors_until_the_pod_leaves_the_endpoints():
    sim, traffic = cluster(rate=90, via="ClusterIP")
    pod = web_pods(sim)[0]
    name = pod["metadata"]["name"]
    start = int(sim.now)
    sim.client.patch("Pod", "default", name, {"metadata": {"annotations": {"kubelab.io/fail-probe": "readiness"}}})
    seconds = record(sim, traffic, 45)
    failed = failures(seconds)
    turned = sim.clock.seconds_since_epoch(ready_since(sim.get("Pod", f"default/{name}"))[1])
    # upstream probe defaults: periodSeconds 10, failureThreshold 3, so up to 30 s of 503s
    assert 20 <= turned - start <= 31
    assert set(failed) == set(range(start, max(failed) + 1))
    assert max(failed) <= turned + MIN_SYNC_PERIOD + 1
    assert all(set(reasons) == {"error"} for reasons in failed.values())
    assert all(f"default/{name}" not in second["pods"] for second in seconds[-5:])


def test_a_rolling_update_drops_requests_only_when_pods_exit_before_every_node_forgets_them():
    sim, traffic = cluster(seed=1, rate=200, via="ClusterIP")
    shutdown_in(sim, "0")  # the process exits the moment it gets SIGTERM
    sim.client.patch("Deployment", "default", "web", ROLLOUT)
    abrupt = failures(record(sim, traffic, 60))
    assert abrupt and all(set(reasons) == {"timeout"} for reasons in abrupt.values())

    sim, traffic = cluster(seed=1, rate=200, via="ClusterIP")
    shutdown_in(sim, "5")  # it keeps serving for 5 s after SIGTERM, longer than any node takes to update its rules
    sim.client.patch("Deployment", "default", "web", ROLLOUT)
    assert failures(record(sim, traffic, 60)) == {}


def test_stopping_the_client_stops_the_traffic_and_its_timers():
    sim, traffic = cluster(rate=10)
    sim.run_for(3)
    sim.operator.delete("ConfigMap", "default", "traffic-web")
    sim.run_for(1)
    assert traffic.state() == {"now": sim.now, "clients": []}
    sim.run_for(2)  # a kube-proxy sync already scheduled may still run once
    assert sim.clock.next_due() == sim.clock.next_due(background=False)  # no traffic, probe or sync timer left


def test_a_step_jumps_over_the_traffic_to_the_next_thing_that_happens_while_the_traffic_runs_meanwhile():
    sim, traffic = cluster(rate=40)
    sim.run_for(2.1)
    happening = sim.clock.next_due(background=False)
    assert sim.clock.next_due() < happening  # a traffic tick comes first
    meter = next(iter(traffic.runs.values())).meter
    sent = sum(second.sent for second in meter.seconds)
    ticks = int(happening / 0.25) - int(sim.now / 0.25)  # the traffic ticks up to the happening
    assert sim.step() == happening
    assert sum(second.sent for second in meter.seconds) - sent == ticks * 10


def test_unusable_client_settings_send_nothing():
    sim, traffic = cluster(rate=10)
    bad = client_configmap("default", "web", 10, "ClusterIP")
    bad["metadata"]["name"] = "traffic-typo"
    bad["data"]["rate"] = "ten"
    sim.apply([bad])
    sim.run_for(2)
    assert [client["name"] for client in traffic.state()["clients"]] == ["default/traffic-web"]


def test_node_port_requests_to_a_service_without_node_ports_are_refused_where_a_node_answers():
    sim, traffic = cluster(rate=90, via="NodePort", service="internal")
    internal = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "internal", "namespace": "default"},
        "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]},
    }
    sim.apply([internal])
    power_off(sim, "worker-2")
    seconds = record(sim, traffic, 4)[-3:]
    for second in seconds:
        assert second["ok"] == 0 and set(second["failed"]) == {"refused", "timeout"}
        assert 27 <= second["failed"]["timeout"] <= 33  # the one node of three that does not answer
