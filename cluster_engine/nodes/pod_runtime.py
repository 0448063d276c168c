"""One pod as it runs on a machine: sandbox, image pulls, containers, probes, restarts and graceful stop.

Everything happens on the simulated clock. Each state change rewrites the pod's status through the node's kubelet,
the way the kubelet's status manager reports what the container runtime tells it. Delays are upstream's where
upstream has a number (probe periods, back-off, grace periods) and short seeded jitter where the real world does
(pulling an image, creating a container), so a lesson replays identically for the same seed.
"""

from dataclasses import dataclass, field

from ..api.errors import ApiError
from . import faults, run_time
from .backoff import go_duration

SANDBOX_SECONDS = (0.5, 1.5)  # pause container and CNI set-up
PULL_SECONDS = (2.0, 6.0)  # an image the node does not have yet
REPULL_SECONDS = (0.3, 1.0)  # imagePullPolicy Always with the layers already on disk: a registry round trip
CREATE_SECONDS = (0.2, 0.6)  # create and start the container
SHUTDOWN_SECONDS = (0.5, 2.0)  # how long a process takes to exit after SIGTERM unless the pod says otherwise
SIGKILL_EXIT_CODE = 137
KILLED_BY_POWER_LOSS = {"exitCode": 255, "reason": "Unknown"}  # what containerd reports after a reboot


def jitter(rng, bounds: tuple[float, float]) -> float:
    return round(rng.uniform(*bounds), 1)


def go_seconds(seconds: float) -> str:
    """Go's Duration String() for a pull time: 500ms, 3.2s."""
    if seconds < 1:
        return f"{int(round(seconds * 1000))}ms"
    return f"{seconds:.3f}".rstrip("0").rstrip(".") + "s"


@dataclass
class ContainerRuntime:
    """One container of the pod and the instance of it currently known to the runtime."""

    spec: dict
    restart_count: int = 0
    state: str = "waiting"  # waiting | running | terminated
    reason: str = "ContainerCreating"
    message: str = ""
    container_id: str = ""
    started_at: float | None = None
    finished_at: float | None = None
    exit_code: int | None = None
    exit_reason: str = ""
    last_terminated: dict | None = None
    ready: bool = False
    stopping: bool = False
    probe_successes: dict = field(default_factory=dict)
    probe_failures: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.spec["name"]

    @property
    def image(self) -> str:
        return self.spec.get("image", "")

    def terminated_record(self, timestamp) -> dict:
        record = {
            "exitCode": self.exit_code,
            "reason": self.exit_reason,
            "startedAt": timestamp(self.started_at),
            "finishedAt": timestamp(self.finished_at),
        }
        if self.container_id:
            record["containerID"] = self.container_id
        return record


class PodRuntime:
    def __init__(self, agent, pod: dict):
        metadata = pod["metadata"]
        self.agent = agent
        self.namespace = metadata.get("namespace", "default")
        self.name = metadata["name"]
        self.key = f"{self.namespace}/{self.name}"
        self.uid = metadata["uid"]
        self.containers = {spec["name"]: ContainerRuntime(spec) for spec in pod["spec"].get("containers") or []}
        self.host_ip = agent.host_ip
        self.host_network = bool(pod["spec"].get("hostNetwork"))  # upstream: such a pod's IP is its node's
        self.pod_ip: str | None = None
        self.start_time: str | None = None
        self.sandbox_ready = False
        self.deleting = False
        self.terminal = False
        self.dirty = False
        self.alive = True
        self.crash_seen: str | None = None
        self._timers = []

    # ---- plumbing ------------------------------------------------------------------------------------------
    @property
    def clock(self):
        return self.agent.clock

    def pod(self) -> dict | None:
        pod = self.agent.cached_pod(self.key)
        return pod if pod is not None and pod["metadata"]["uid"] == self.uid else None

    def ordered_containers(self) -> list[ContainerRuntime]:
        return list(self.containers.values())

    def later(self, delay: float, callback) -> None:
        def guarded():
            if self.alive:
                callback()

        if delay <= 0:
            guarded()
        else:
            self._timers.append(self.clock.call_later(delay, guarded, f"kubelet:{self.key}"))

    def halt(self) -> None:
        """The machine lost power or the pod is gone: nothing more happens here, nothing is reported."""
        self.alive = False
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()

    def report(self) -> None:
        self.agent.write_pod_status(self)

    def record(self, event_type: str, reason: str, message: str, explanation: str) -> None:
        pod = self.pod()
        if pod is not None:
            self.agent.record(pod, event_type, reason, message, explanation)

    def log(self, container: ContainerRuntime, lines: list[str]) -> None:
        for line in lines:
            self.agent.machine.logs.write(self.namespace, self.name, container.name, container.restart_count, line)

    # ---- start-up ------------------------------------------------------------------------------------------
    def admit(self, pod: dict, powered_off_at: float | None, machine_kept_running: bool = False) -> None:
        """Start the pod; one that ran here before a power loss comes back with restartCount + 1.

        When only the kubelet started afresh (the simulator itself restarted) on a machine that kept running, the
        containers it reported running are still running: the kubelet adopts them, as a restarted kubelet finds
        its containers in containerd, instead of counting a restart that never happened."""
        status = pod.get("status") or {}
        self.start_time = status.get("startTime") or self.clock.timestamp()
        previous = {item.get("name"): item for item in status.get("containerStatuses") or []}
        if machine_kept_running and self._adopt(status, previous):
            return
        for container in self.containers.values():
            before = previous.get(container.name)
            if before and ("running" in before.get("state", {}) or "terminated" in before.get("state", {})):
                state = before["state"]
                started = (state.get("running") or state.get("terminated") or {}).get("startedAt")
                finished = self.clock.timestamp(powered_off_at if powered_off_at is not None else self.clock.now)
                container.last_terminated = {**KILLED_BY_POWER_LOSS, "startedAt": started, "finishedAt": finished}
                container.restart_count = before.get("restartCount", 0) + 1
            elif before:
                container.restart_count = before.get("restartCount", 0)
                container.last_terminated = (before.get("lastState") or {}).get("terminated")
        self.report()
        self.agent.volumes.wait_for_attach_and_mount(
            self, lambda: self.later(jitter(self.agent.rng, SANDBOX_SECONDS), self._sandbox_created)
        )

    def _adopt(self, status: dict, previous: dict) -> bool:
        """Take over containers reported running; False (nothing changed) unless every one of them was."""
        running = [previous.get(name, {}).get("state", {}).get("running") for name in self.containers]
        if not status.get("podIP") or not all(running):
            return False
        self.pod_ip = self.agent.machine.ips[self.uid] = status["podIP"]
        self.sandbox_ready = True
        self.crash_seen = faults.annotations(self.pod() or {"metadata": {}}).get(faults.CRASH)
        for container in self.containers.values():
            before = previous[container.name]
            container.state, container.reason, container.message = "running", "", ""
            container.container_id = before.get("containerID", "")
            started = before["state"]["running"].get("startedAt")
            container.started_at = self.clock.seconds_since_epoch(started) if started else self.clock.now
            container.restart_count = before.get("restartCount", 0)
            container.last_terminated = (before.get("lastState") or {}).get("terminated")
            container.ready = bool(before.get("ready"))  # as last reported; the probes confirm from here on
            self._watch(container)
        self.agent.volumes.adopt(self)
        self.report()
        return True

    def _sandbox_created(self) -> None:
        self.pod_ip = self.host_ip if self.host_network and self.host_ip else self.agent.allocate_ip(self.uid)
        self.sandbox_ready = True
        self.report()
        self._start_from(0)

    def _start_from(self, index: int) -> None:
        """upstream SyncPod starts regular containers one after another: pull, create, start."""
        containers = self.ordered_containers()
        if index < len(containers) and not self.deleting:
            self._launch(containers[index], lambda: self._start_from(index + 1), restarting=False)

    def _launch(self, container: ContainerRuntime, then, restarting: bool) -> None:
        machine = self.agent.machine
        image = container.image
        policy = container.spec.get("imagePullPolicy", "IfNotPresent")
        present = machine.has_image(image)
        if present and policy != "Always":
            self.record(
                "Normal",
                "Pulled",
                f'Container image "{image}" already present on machine',
                "The node already has this image on disk, so the container can start without downloading it.",
            )
            pull = 0.0
        else:
            self.record(
                "Normal",
                "Pulling",
                f'Pulling image "{image}"',
                "The kubelet is downloading the container image from its registry.",
            )
            pull = jitter(self.agent.rng, REPULL_SECONDS if present else PULL_SECONDS)

        def pulled():
            if pull:
                size = machine.add_image(image)
                self.agent.node_images_changed()
                self.record(
                    "Normal",
                    "Pulled",
                    f'Successfully pulled image "{image}" in {go_seconds(pull)} ({go_seconds(pull)} including '
                    f"waiting). Image size: {size} bytes.",
                    "The image is now on the node's disk; later pods using it start faster.",
                )
            create = 0.0 if restarting else jitter(self.agent.rng, CREATE_SECONDS)
            self.later(create, lambda: self._started(container, then))

        self.later(pull, pulled)

    def _started(self, container: ContainerRuntime, then) -> None:
        if self.deleting:
            return
        self.record(
            "Normal",
            "Created",
            f"Created container: {container.name}",
            "The container runtime created the container from its image.",
        )
        self.record(
            "Normal",
            "Started",
            f"Started container {container.name}",
            "The container's process is running.",
        )
        container.state, container.reason, container.message = "running", "", ""
        container.container_id = f"containerd://{self.agent.rng.getrandbits(256):064x}"
        container.started_at = self.clock.now
        container.finished_at = container.exit_code = None
        container.probe_successes.clear()
        container.probe_failures.clear()
        container.ready = "readinessProbe" not in container.spec
        self.log(container, self.agent.machine.logs.started(container.image))
        self._watch(container)
        self.report()
        then()

    def _watch(self, container: ContainerRuntime) -> None:
        """Arm this container instance's probes, its simulated run time and any pending crash fault."""
        instance = container.container_id
        pod = self.pod() or {"metadata": {}}
        for kind in ("readiness", "liveness"):
            probe = container.spec.get(f"{kind}Probe")
            if probe:
                self.later(
                    probe.get("initialDelaySeconds", 0), lambda k=kind, p=probe: self._probe(container, instance, k, p)
                )
        run_seconds = run_time.run_seconds(pod, container.spec) if pod.get("spec") else None
        if run_seconds is not None:
            code = run_time.exit_code(pod, container.spec)
            self.later(run_seconds, lambda: self._finish_run(container, instance, code))
        self.crash_if_requested(pod)

    def _current(self, container: ContainerRuntime, instance: str) -> bool:
        return container.container_id == instance and container.state == "running" and not container.stopping

    # ---- probes --------------------------------------------------------------------------------------------
    def _probe(self, container: ContainerRuntime, instance: str, kind: str, probe: dict) -> None:
        """One probe run; upstream defaults period 10 s, success 1, failure 3 (filled in by admission)."""
        if not self._current(container, instance):
            return
        self.later(probe.get("periodSeconds", 10), lambda: self._probe(container, instance, kind, probe))
        pod = self.pod()
        if pod is None:
            return
        failing = kind in faults.failing_probes(pod)
        logs = self.agent.machine.logs
        self.log(container, logs.probed(container.image, probe, self.agent.host_ip, 500 if failing else 200))
        if not failing:
            container.probe_failures[kind] = 0
            container.probe_successes[kind] = container.probe_successes.get(kind, 0) + 1
            if kind == "readiness" and not container.ready:
                if container.probe_successes[kind] >= probe.get("successThreshold", 1):
                    container.ready = True
                    self.report()
            return
        container.probe_successes[kind] = 0
        container.probe_failures[kind] = container.probe_failures.get(kind, 0) + 1
        self.record(
            "Warning",
            "Unhealthy",
            f"{kind.capitalize()} probe failed: {self._probe_failure(probe, container)}",
            "The kubelet checked the container and it did not answer as healthy."
            if kind == "liveness"
            else "The container is not ready to receive traffic, so Services stop sending it requests.",
        )
        if container.probe_failures[kind] < probe.get("failureThreshold", 3):
            return
        if kind == "readiness":
            if container.ready:
                container.ready = False
                self.report()
            return
        self.record(
            "Normal",
            "Killing",
            f"Container {container.name} failed liveness probe, will be restarted",
            "The liveness probe failed too many times in a row, so the kubelet restarts the container.",
        )
        grace = probe.get("terminationGracePeriodSeconds", pod["spec"].get("terminationGracePeriodSeconds", 30))
        self._stop(container, grace)

    def _probe_failure(self, probe: dict, container: ContainerRuntime) -> str:
        if "httpGet" in probe:
            return "HTTP probe failed with statuscode: 500"
        if "tcpSocket" in probe:
            return f"dial tcp {self.pod_ip}:{probe['tcpSocket'].get('port')}: connect: connection refused"
        if "grpc" in probe:
            return f'timeout: failed to connect service ":{probe["grpc"].get("port")}" within 1s'
        return f"command {' '.join((probe.get('exec') or {}).get('command') or [])!r} exited with 1"

    # ---- exits and restarts -------------------------------------------------------------------------------
    def crash_if_requested(self, pod: dict) -> None:
        """The crash fault: each new value of the annotation makes the named running containers exit with 1."""
        value = faults.annotations(pod).get(faults.CRASH)
        if value is None:
            self.crash_seen = None
            return
        if value == self.crash_seen:
            return
        targets = [self.containers[name] for name in value.split(",") if name in self.containers]
        running = [container for container in targets if container.state == "running" and not container.stopping]
        if not running:
            return
        self.crash_seen = value
        for container in running:
            self.log(container, self.agent.machine.logs.exited(container.image, 1))
            self._exit(container, 1)

    def _finish_run(self, container: ContainerRuntime, instance: str, code: int) -> None:
        if self._current(container, instance):
            self.log(container, self.agent.machine.logs.exited(container.image, code))
            self._exit(container, code)

    def _stop(self, container: ContainerRuntime, grace: float) -> None:
        """SIGTERM, then SIGKILL once the grace period is over if the process has not exited by then."""
        container.stopping = True
        instance = container.container_id
        pod = self.pod() or {"metadata": {}}
        shutdown = faults.seconds(pod, faults.SHUTDOWN_SECONDS)
        if shutdown is None:
            shutdown = jitter(self.agent.rng, SHUTDOWN_SECONDS)
        self.log(container, self.agent.machine.logs.stopping(container.image))

        def stopped():
            if container.container_id == instance and container.state == "running":
                self._exit(container, 0 if shutdown <= grace else SIGKILL_EXIT_CODE)

        self.later(min(shutdown, grace), stopped)

    def _exit(self, container: ContainerRuntime, code: int) -> None:
        container.state = "terminated"
        container.exit_code = code
        container.exit_reason = "Completed" if code == 0 else "Error"
        container.finished_at = self.clock.now
        container.ready = container.stopping = False
        if self.deleting:
            self._finish_deletion_when_stopped()
            return
        policy = (self.pod() or {"spec": {}})["spec"].get("restartPolicy", "Always")
        if policy == "Always" or (policy == "OnFailure" and code != 0):
            self._restart_when_allowed(container)
        elif all(item.state == "terminated" for item in self.containers.values()):
            self.sandbox_ready = False
            self.report()
        else:
            self.report()

    def _restart_when_allowed(self, container: ContainerRuntime) -> None:
        """upstream doBackOff: restart now unless the container is inside its back-off window."""
        if self.deleting:
            return
        backoff = self.agent.backoff
        key = f"{self.uid}/{container.name}"
        now = self.clock.now
        if container.state == "terminated":
            container.last_terminated = container.terminated_record(self.clock.timestamp)
        if backoff.in_backoff_since(key, container.finished_at, now):
            delay = backoff.get(key)
            container.state, container.reason = "waiting", "CrashLoopBackOff"
            pod_ref = f"{self.name}_{self.namespace}({self.uid})"
            container.message = (
                f"back-off {go_duration(delay)} restarting failed container={container.name} pod={pod_ref}"
            )
            self.record(
                "Warning",
                "BackOff",
                f"Back-off restarting failed container {container.name} in pod {pod_ref}",
                "The container keeps exiting, so the kubelet waits longer before each restart (10 s doubling to 5 min).",
            )
            self.report()
            self.later(container.finished_at + delay - now, lambda: self._restart_when_allowed(container))
            return
        backoff.next(key, now)
        container.restart_count += 1
        container.state, container.reason, container.message = "waiting", "ContainerCreating", ""
        self._launch(container, lambda: None, restarting=True)

    # ---- the pod's own lifecycle ---------------------------------------------------------------------------
    def pod_updated(self, pod: dict) -> None:
        self.crash_if_requested(pod)

    def terminate(self, grace: float) -> None:
        """Graceful deletion: stop every running container, then confirm the deletion to the API server."""
        if self.deleting:
            return
        self.deleting = True
        running = [container for container in self.containers.values() if container.state == "running"]
        for container in running:
            self.record(
                "Normal",
                "Killing",
                f"Stopping container {container.name}",
                "The pod is being deleted: the kubelet asks the container to shut down within its grace period.",
            )
            self._stop(container, grace)
        self._finish_deletion_when_stopped()

    def _finish_deletion_when_stopped(self) -> None:
        if any(container.state == "running" for container in self.containers.values()):
            return
        self.terminal = True
        self.sandbox_ready = False
        self.report()
        self.agent.confirm_deletion(self)

    def delete_now(self) -> bool:
        """The kubelet's final word: delete with zero grace, only this pod (uid precondition)."""
        try:
            self.agent.client.delete(
                "Pod", self.namespace, self.name, grace_period_seconds=0, preconditions={"uid": self.uid}
            )
        except ApiError as error:
            return error.code in (404, 409)
        return True
