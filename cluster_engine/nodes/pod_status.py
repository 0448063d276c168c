"""The status a kubelet reports for a pod, computed from what runs on its machine (kubelet's generateAPIPodStatus).

Phase follows upstream getPhase; conditions PodReadyToStartContainers, Initialized, ContainersReady and Ready follow
the kubelet's status generators; conditions other components own (PodScheduled, DisruptionTarget) are kept.
"""

import hashlib

from ..api.admission import set_condition
from ..api.clone import clone

KUBELET_CONDITIONS = ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady")


def image_reference(image: str) -> str:
    """docker.io/library/nginx:1.27, the fully qualified name the runtime reports for `nginx:1.27`."""
    name = image
    last = name.rsplit("/", 1)[-1]
    if ":" not in last and "@" not in last:
        name += ":latest"
    first = name.split("/", 1)[0]
    if "/" not in name:
        return f"docker.io/library/{name}"
    if "." not in first and ":" not in first and first != "localhost":
        return f"docker.io/{name}"
    return name


def image_id(image: str) -> str:
    repository = image_reference(image).rsplit(":", 1)[0]
    return f"{repository}@sha256:{hashlib.sha256(image_reference(image).encode()).hexdigest()}"


def phase(containers, restart_policy: str, terminal: bool) -> str:
    """upstream getPhase for regular containers."""
    running = waiting = stopped = succeeded = 0
    for container in containers:
        if container.state == "running":
            running += 1
        elif container.state == "terminated":
            stopped += 1
            succeeded += container.exit_code == 0
        elif container.last_terminated is not None:
            stopped += 1
        else:
            waiting += 1
    if waiting:
        return "Pending"
    if running:
        return "Running"
    if stopped:
        if terminal or restart_policy == "Never":
            return "Succeeded" if stopped == succeeded else "Failed"
        if restart_policy == "OnFailure":
            return "Succeeded" if stopped == succeeded else "Running"
        return "Running"
    return "Pending"


def container_status(container, timestamp) -> dict:
    status = {
        "name": container.name,
        "state": _state(container, timestamp),
        "lastState": {"terminated": dict(container.last_terminated)} if container.last_terminated else {},
        "ready": container.ready,
        "restartCount": container.restart_count,
        "image": image_reference(container.image),
        "imageID": image_id(container.image) if container.container_id else "",
        "started": container.state == "running",
    }
    if container.container_id:
        status["containerID"] = container.container_id
    return status


def _state(container, timestamp) -> dict:
    if container.state == "running":
        return {"running": {"startedAt": timestamp(container.started_at)}}
    if container.state == "terminated":
        return {"terminated": container.terminated_record(timestamp)}
    waiting = {"reason": container.reason}
    if container.message:
        waiting["message"] = container.message
    return {"waiting": waiting}


def pod_status(pod: dict, runtime, now: str, timestamp) -> dict:
    """The pod's new status; `timestamp(seconds)` renders a simulated second as an object timestamp."""
    status = clone(pod.get("status") or {})
    containers = runtime.ordered_containers()
    status["phase"] = phase(containers, pod["spec"].get("restartPolicy", "Always"), runtime.terminal)
    status["hostIP"] = runtime.host_ip
    status["hostIPs"] = [{"ip": runtime.host_ip}]
    if runtime.pod_ip:
        status["podIP"] = runtime.pod_ip
        status["podIPs"] = [{"ip": runtime.pod_ip}]
    status["startTime"] = runtime.start_time
    finished = status["phase"] in ("Succeeded", "Failed")
    holder = {"kind": "Pod", "status": status}
    sandbox = "True" if runtime.sandbox_ready and not finished else "False"
    set_condition(holder, "PodReadyToStartContainers", sandbox, now)
    set_condition(holder, "Initialized", "True", now)
    unready = [container.name for container in containers if not container.ready]
    if finished:
        reason, message = "PodCompleted", ""
    elif unready:
        reason, message = "ContainersNotReady", f"containers with unready status: [{' '.join(unready)}]"
    else:
        reason = message = ""
    ready = "False" if finished or unready else "True"
    set_condition(holder, "Ready", ready, now, reason, message)
    set_condition(holder, "ContainersReady", ready, now, reason, message)
    status["containerStatuses"] = [container_status(container, timestamp) for container in containers]
    return status
