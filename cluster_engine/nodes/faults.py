"""Faults an instructor injects through the API, as annotations, and what each one does to the simulation.

Every fault is an annotation, so it travels through the same API server as everything else (kubectl annotate, the
admin, a lesson step) and is visible on the object it affects.
"""

POWER = "kubelab.io/power"  # on the Node
CRASH = "kubelab.io/crash"  # on a Pod
FAIL_PROBE = "kubelab.io/fail-probe"  # on a Pod
RUN_SECONDS = "kubelab.io/run-seconds"  # on a Pod
EXIT_CODE = "kubelab.io/exit-code"  # on a Pod
SHUTDOWN_SECONDS = "kubelab.io/shutdown-seconds"  # on a Pod

FAULTS = {
    POWER: (
        "Node",
        '"off" cuts the machine\'s power: its kubelet stops renewing the lease and posting status, its containers '
        "stop, and the Node and Pod objects stay as they were until the control plane acts. "
        '"on" boots it again: the kubelet re-registers Ready and restarts its pods\' containers (restartCount + 1).',
    ),
    CRASH: (
        "Pod",
        "The named container exits with code 1, once per change of the value (remove it, then set it again to "
        "crash it again). The restart policy decides what happens next.",
    ),
    FAIL_PROBE: (
        "Pod",
        '"readiness", "liveness" or both (comma-separated): that probe fails until the annotation is removed.',
    ),
    RUN_SECONDS: (
        "Pod",
        "Each container exits this many seconds after it starts, a job's run time; restartPolicy decides whether "
        "the pod then goes Succeeded/Failed or the container restarts.",
    ),
    EXIT_CODE: ("Pod", f"The exit code of containers that finish because of {RUN_SECONDS} (default 0)."),
    SHUTDOWN_SECONDS: (
        "Pod",
        "How long containers take to stop after SIGTERM; past the grace period the kubelet kills them (exit 137).",
    ),
}


def annotations(obj: dict) -> dict:
    return obj["metadata"].get("annotations") or {}


def powered_on(node: dict) -> bool:
    return annotations(node).get(POWER, "on") != "off"


def failing_probes(pod: dict) -> set[str]:
    value = annotations(pod).get(FAIL_PROBE, "")
    return {part.strip() for part in value.split(",") if part.strip()}


def seconds(pod: dict, annotation: str) -> float | None:
    """A numeric annotation, or None when it is absent or not a number (a typo must not crash the kubelet)."""
    try:
        return max(0.0, float(annotations(pod)[annotation]))
    except (KeyError, ValueError):
        return None


def exit_code(pod: dict) -> int:
    try:
        return int(annotations(pod).get(EXIT_CODE, 0))
    except ValueError:
        return 1
