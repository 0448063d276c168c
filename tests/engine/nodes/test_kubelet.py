"""The kubelet on the simulated clock: heartbeats, starting pods, probes, restarts, termination, power faults."""

from cluster_engine import openapi
from cluster_engine.nodes.kubelet import Kubelets

from .cluster import annotate, cluster, condition, container_status, events, pod_manifest, run_pod, step_until

HTTP_PROBE = {"httpGet": {"path": "/", "port": 80}}


def kubelets(sim) -> Kubelets:
    return next(component for component in sim.control_plane.components if isinstance(component, Kubelets))


def state(sim, pod="web"):
    return next(iter(container_status(sim, pod)["state"]))


def test_lease_is_renewed_every_10_seconds_and_unchanged_status_is_reported_every_5_minutes():
    sim = cluster([Kubelets])
    lease = sim.get("Lease", "kube-node-lease/worker-1")
    assert lease["spec"] == {
        "holderIdentity": "worker-1",
        "leaseDurationSeconds": 40,
        "renewTime": "2026-01-01T00:00:00.000000Z",
    }
    assert lease["metadata"]["ownerReferences"][0]["name"] == "worker-1"
    ready = condition(sim.get("Node", "worker-1"), "Ready")
    assert (ready["status"], ready["reason"], ready["message"]) == (
        "True",
        "KubeletReady",
        "kubelet is posting ready status",
    )
    node_version = sim.get("Node", "worker-1")["metadata"]["resourceVersion"]
    sim.run_until(290)
    assert sim.get("Lease", "kube-node-lease/worker-1")["spec"]["renewTime"] == "2026-01-01T00:04:50.000000Z"
    assert sim.get("Node", "worker-1")["metadata"]["resourceVersion"] == node_version  # nothing changed, nothing sent
    sim.run_until(300)
    assert condition(sim.get("Node", "worker-1"), "Ready")["lastHeartbeatTime"] == "2026-01-01T00:05:00Z"
    assert condition(sim.get("Node", "worker-1"), "Ready")["lastTransitionTime"] == "2026-01-01T00:00:00Z"


def test_a_pod_goes_container_creating_then_running_with_an_address_from_the_node_cidr():
    sim = cluster([Kubelets])
    run_pod(sim, pod_manifest("web"))
    sim.run_until(0)
    pod = sim.get("Pod", "default/web")
    assert pod["status"]["phase"] == "Pending"
    assert container_status(sim, "web")["state"] == {"waiting": {"reason": "ContainerCreating"}}
    assert condition(pod, "Ready")["message"] == "containers with unready status: [nginx]"
    started = step_until(sim, lambda: state(sim) == "running")
    pod = sim.get("Pod", "default/web")
    assert pod["status"]["phase"] == "Running"
    assert (pod["status"]["podIP"], pod["status"]["hostIP"]) == ("10.244.1.2", "10.224.0.5")
    status = container_status(sim, "web")
    assert (status["ready"], status["restartCount"], status["image"]) == (True, 0, "docker.io/library/nginx:1.27")
    assert status["containerID"].startswith("containerd://")
    assert [condition(pod, kind)["status"] for kind in ("PodReadyToStartContainers", "Initialized", "Ready")] == [
        "True",
        "True",
        "True",
    ]
    kinds = [(e["reason"], e["source"]["host"]) for e in sim.objects("Event") if e["involvedObject"]["name"] == "web"]
    assert kinds == [("Pulling", "worker-1"), ("Pulled", "worker-1"), ("Created", "worker-1"), ("Started", "worker-1")]
    assert events(sim, "Created")[0]["message"] == "Created container: nginx"
    # A second pod finds the image on the node: no pull, a faster start.
    run_pod(sim, pod_manifest("web2"))
    created = sim.now
    second = step_until(sim, lambda: state(sim, "web2") == "running")
    assert second - created < started
    assert events(sim, "Pulled", "web2")[0]["message"] == 'Container image "nginx:1.27" already present on machine'
    assert sim.get("Pod", "default/web2")["status"]["podIP"] == "10.244.1.3"


def test_readiness_probe_gates_ready_and_three_failures_take_it_away():
    sim = cluster([Kubelets])
    run_pod(sim, pod_manifest("web", readinessProbe={**HTTP_PROBE, "initialDelaySeconds": 5}))
    started = step_until(sim, lambda: state(sim) == "running")
    assert container_status(sim, "web")["ready"] is False
    ready_at = step_until(sim, lambda: container_status(sim, "web")["ready"])
    assert round(ready_at - started, 6) == 5.0  # initialDelaySeconds, then a probe every 10 s
    annotate(sim, "Pod", "default/web", {"kubelab.io/fail-probe": "readiness"})
    unready_at = step_until(sim, lambda: not container_status(sim, "web")["ready"])
    assert round(unready_at - started, 6) == 35.0  # failures at +15, +25, +35: failureThreshold 3
    assert condition(sim.get("Pod", "default/web"), "Ready")["status"] == "False"
    unhealthy = events(sim, "Unhealthy", "web")
    assert (unhealthy[0]["message"], unhealthy[0]["count"]) == (
        "Readiness probe failed: HTTP probe failed with statuscode: 500",
        3,
    )
    annotate(sim, "Pod", "default/web", {"kubelab.io/fail-probe": None})
    back_at = step_until(sim, lambda: container_status(sim, "web")["ready"])
    assert round(back_at - started, 6) == 45.0  # successThreshold 1
    assert container_status(sim, "web")["restartCount"] == 0


def test_liveness_failures_restart_the_container():
    sim = cluster([Kubelets])
    manifest = pod_manifest("web", livenessProbe=dict(HTTP_PROBE), annotations={"kubelab.io/shutdown-seconds": "2"})
    run_pod(sim, manifest)
    started = step_until(sim, lambda: state(sim) == "running")
    annotate(sim, "Pod", "default/web", {"kubelab.io/fail-probe": "liveness"})
    restarted = step_until(sim, lambda: container_status(sim, "web")["restartCount"] == 1)
    # probes at +0 (passing), +10, +20, +30 fail; killed at +30, exits 2 s later, restarts at once (first restart)
    assert round(restarted - started, 6) == 32.0
    assert events(sim, "Killing", "web")[0]["message"] == "Container nginx failed liveness probe, will be restarted"
    assert (
        events(sim, "Unhealthy", "web")[0]["message"] == "Liveness probe failed: HTTP probe failed with statuscode: 500"
    )
    last = container_status(sim, "web")["lastState"]["terminated"]
    assert (last["exitCode"], last["reason"]) == (0, "Completed")
    assert state(sim) == "running"


def test_crash_loop_back_off_waits_10_20_40_80_160_300_300_seconds():
    sim = cluster([Kubelets])
    run_pod(sim, pod_manifest("web", annotations={"kubelab.io/run-seconds": "5", "kubelab.io/exit-code": "1"}))
    starts = [step_until(sim, lambda: state(sim) == "running")]
    for restarts in range(1, 9):
        starts.append(step_until(sim, lambda n=restarts: container_status(sim, "web")["restartCount"] == n))
    waits = [round(later - earlier - 5, 6) for earlier, later in zip(starts, starts[1:], strict=False)]
    assert waits == [0.0, 10.0, 20.0, 40.0, 80.0, 160.0, 300.0, 300.0]
    sim.run_for(5)  # the ninth instance exits: back-off 5m0s
    status = container_status(sim, "web")
    uid = sim.get("Pod", "default/web")["metadata"]["uid"]
    assert status["state"]["waiting"] == {
        "reason": "CrashLoopBackOff",
        "message": f"back-off 5m0s restarting failed container=nginx pod=web_default({uid})",
    }
    assert (status["lastState"]["terminated"]["exitCode"], status["lastState"]["terminated"]["reason"]) == (1, "Error")
    assert sim.get("Pod", "default/web")["status"]["phase"] == "Running"
    backoff = events(sim, "BackOff", "web")[0]
    assert backoff["message"] == f"Back-off restarting failed container nginx in pod web_default({uid})"
    assert backoff["type"] == "Warning"


def test_back_off_resets_after_ten_minutes_of_running():
    sim = cluster([Kubelets])
    run_pod(sim, pod_manifest("web", annotations={"kubelab.io/run-seconds": "5", "kubelab.io/exit-code": "1"}))
    step_until(sim, lambda: container_status(sim, "web")["restartCount"] == 3)  # now in the 20 s back-off tier
    annotate(sim, "Pod", "default/web", {"kubelab.io/run-seconds": "700"})
    fourth = step_until(sim, lambda: container_status(sim, "web")["restartCount"] == 4)
    annotate(sim, "Pod", "default/web", {"kubelab.io/run-seconds": "5"})  # read by the next instance
    fifth = step_until(sim, lambda: container_status(sim, "web")["restartCount"] == 5)
    assert round(fifth - fourth, 6) == 700.0  # ran > 10 min: restarted at once, the back-off starts over
    sixth = step_until(sim, lambda: container_status(sim, "web")["restartCount"] == 6)
    assert round(sixth - fifth, 6) == 15.0  # runs 5 s, then waits the initial 10 s again


def test_run_to_completion_pods_succeed_or_fail_by_exit_code():
    sim = cluster([Kubelets])
    run_pod(sim, pod_manifest("job", annotations={"kubelab.io/run-seconds": "30"}, restartPolicy="Never"))
    run_pod(
        sim,
        pod_manifest(
            "bad", annotations={"kubelab.io/run-seconds": "30", "kubelab.io/exit-code": "2"}, restartPolicy="Never"
        ),
    )
    started = step_until(sim, lambda: state(sim, "job") == "running")
    done = step_until(sim, lambda: sim.get("Pod", "default/job")["status"]["phase"] == "Succeeded")
    assert round(done - started, 6) == 30.0
    pod = sim.get("Pod", "default/job")
    terminated = container_status(sim, "job")["state"]["terminated"]
    assert (terminated["exitCode"], terminated["reason"]) == (0, "Completed")
    assert (condition(pod, "Ready")["status"], condition(pod, "Ready")["reason"]) == ("False", "PodCompleted")
    assert condition(pod, "PodReadyToStartContainers")["status"] == "False"
    step_until(sim, lambda: sim.get("Pod", "default/bad")["status"]["phase"] == "Failed")
    assert container_status(sim, "bad")["state"]["terminated"]["exitCode"] == 2
    sim.run_for(100)
    assert container_status(sim, "bad")["restartCount"] == 0


def test_on_failure_restarts_failed_containers_only():
    sim = cluster([Kubelets])
    annotations = {"kubelab.io/run-seconds": "5", "kubelab.io/exit-code": "1"}
    run_pod(sim, pod_manifest("retry", annotations=annotations, restartPolicy="OnFailure"))
    step_until(sim, lambda: container_status(sim, "retry")["restartCount"] == 1)
    annotate(sim, "Pod", "default/retry", {"kubelab.io/exit-code": "0"})
    step_until(sim, lambda: sim.get("Pod", "default/retry")["status"]["phase"] == "Succeeded")
    assert container_status(sim, "retry")["restartCount"] == 2


def test_the_crash_fault_crashes_once_per_value():
    sim = cluster([Kubelets])
    run_pod(sim, pod_manifest("web"))
    step_until(sim, lambda: state(sim) == "running")
    annotate(sim, "Pod", "default/web", {"kubelab.io/crash": "nginx"})
    sim.run_for(0)
    status = container_status(sim, "web")
    assert (status["restartCount"], status["lastState"]["terminated"]["exitCode"]) == (1, 1)
    annotate(sim, "Pod", "default/web", {"some": "other change"})
    sim.run_for(60)
    assert container_status(sim, "web")["restartCount"] == 1
    annotate(sim, "Pod", "default/web", {"kubelab.io/crash": None})
    sim.run_for(0)  # level-triggered: the kubelet must see the removal before the new value counts as a change
    annotate(sim, "Pod", "default/web", {"kubelab.io/crash": "nginx"})
    sim.run_for(0)
    assert container_status(sim, "web")["state"]["waiting"]["reason"] == "CrashLoopBackOff"
    sim.run_for(10)
    assert container_status(sim, "web")["restartCount"] == 2


def test_graceful_termination_confirms_after_the_30_second_grace_when_the_process_is_slow():
    sim = cluster([Kubelets])
    run_pod(sim, pod_manifest("web", annotations={"kubelab.io/shutdown-seconds": "60"}))
    step_until(sim, lambda: state(sim) == "running")
    deleted_at = sim.now
    sim.server.delete("Pod", "default", "web")
    sim.run_for(0)
    assert events(sim, "Killing", "web")[0]["message"] == "Stopping container nginx"
    gone = step_until(sim, lambda: sim.get("Pod", "default/web") is None)
    assert round(gone - deleted_at, 6) == 30.0


def test_graceful_termination_confirms_as_soon_as_the_process_exits():
    sim = cluster([Kubelets])
    run_pod(sim, pod_manifest("web", annotations={"kubelab.io/shutdown-seconds": "3"}))
    step_until(sim, lambda: state(sim) == "running")
    deleted_at = sim.now
    sim.server.delete("Pod", "default", "web")
    gone = step_until(sim, lambda: sim.get("Pod", "default/web") is None)
    assert round(gone - deleted_at, 6) == 3.0


def test_power_cycle_restarts_containers_with_restart_count_plus_one():
    sim = cluster([Kubelets])
    run_pod(sim, pod_manifest("web"))
    sim.run_until(60)
    before = sim.get("Pod", "default/web")["metadata"]["resourceVersion"]
    annotate(sim, "Node", "worker-1", {"kubelab.io/power": "off"})
    sim.run_until(120)
    assert sim.get("Pod", "default/web")["metadata"]["resourceVersion"] == before  # nobody reports while off
    assert sim.get("Lease", "kube-node-lease/worker-1")["spec"]["renewTime"] == "2026-01-01T00:01:00.000000Z"
    annotate(sim, "Node", "worker-1", {"kubelab.io/power": "on"})
    step_until(sim, lambda: state(sim) == "running")
    status = container_status(sim, "web")
    assert status["restartCount"] == 1
    last = status["lastState"]["terminated"]
    assert (last["exitCode"], last["reason"], last["finishedAt"]) == (255, "Unknown", "2026-01-01T00:01:00Z")
    assert events(sim, "Rebooted")[0]["type"] == "Warning"
    assert events(sim, "Pulled", "web")[-1]["message"] == 'Container image "nginx:1.27" already present on machine'


def test_node_reports_its_machine_and_a_new_boot_id_after_each_power_cycle():
    sim = cluster([Kubelets], workers=2)
    sim.run_until(20)
    info = sim.get("Node", "worker-1")["status"]["nodeInfo"]
    assert set(openapi.definitions()["io.k8s.api.core.v1.NodeSystemInfo"]["required"]) <= set(info)
    assert (info["kubeletVersion"], info["kubeProxyVersion"], info["operatingSystem"]) == ("v1.37.0", "", "linux")
    assert info["containerRuntimeVersion"].startswith("containerd://")
    assert (
        len(info["machineID"]) == 32
        and info["machineID"] != sim.get("Node", "worker-2")["status"]["nodeInfo"]["machineID"]
    )
    assert not events(sim, "Rebooted")  # the machine was up before the simulation: the same boot goes on
    annotate(sim, "Node", "worker-1", {"kubelab.io/power": "off"})
    sim.run_until(60)
    annotate(sim, "Node", "worker-1", {"kubelab.io/power": "on"})
    rebooted = step_until(sim, lambda: sim.get("Node", "worker-1")["status"]["nodeInfo"]["bootID"] != info["bootID"])
    after = sim.get("Node", "worker-1")["status"]["nodeInfo"]
    assert rebooted and (after["machineID"], after["systemUUID"]) == (info["machineID"], info["systemUUID"])
    assert events(sim, "Rebooted")[0]["message"] == f"Node worker-1 has been rebooted, boot id: {after['bootID']}"


def test_container_logs_keep_the_current_and_previous_instance():
    sim = cluster([Kubelets])
    run_pod(sim, pod_manifest("web", annotations={"kubelab.io/shutdown-seconds": "1"}))
    step_until(sim, lambda: state(sim) == "running")
    lines = kubelets(sim).logs("default", "web", "nginx")
    assert lines[1] == "/docker-entrypoint.sh: Configuration complete; ready for start up"
    assert lines[3].endswith("[notice] 1#1: nginx/1.27")
    annotate(sim, "Pod", "default/web", {"kubelab.io/crash": "nginx"})
    sim.run_for(1)
    assert kubelets(sim).logs("default", "web", "nginx", previous=True)[-1].endswith("fatal error, exiting with code 1")
    assert len(kubelets(sim).logs("default", "web", "nginx")) == 5
    annotate(sim, "Node", "worker-1", {"kubelab.io/power": "off"})
    sim.run_for(0)
    try:
        kubelets(sim).logs("default", "web", "nginx")
    except LookupError as error:
        assert str(error).endswith("dial tcp 10.224.0.5:10250: connect: no route to host")
    else:
        raise AssertionError("a powered-off node's kubelet cannot serve logs")
