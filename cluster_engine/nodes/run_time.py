"""How long a container runs and how it exits, when the pod says so.

A server runs until it is stopped; a batch container (a pod with restartPolicy Never or OnFailure, as every Job's
pods have) runs its command and ends. The simulated kubelet reads the length and the outcome from the pod's
`kubelab.io/run-seconds` and `kubelab.io/exit-code` annotations, else from the command itself: `sleep 30` runs 30 s,
`exit 3` ends with code 3, and anything else a batch container does takes DEFAULT_BATCH_SECONDS and succeeds. So
`kubectl create job fail --image=busybox -- sh -c "sleep 5; exit 1"` fails as it would on a real cluster.
"""

import re

from . import faults

# How long a batch container whose command says nothing about time takes (echo, a short script).
DEFAULT_BATCH_SECONDS = 5.0
_SLEEP = re.compile(r"(?:^|[\s;&|(])sleep\s+(\d+(?:\.\d+)?)")
_EXIT = re.compile(r"(?:^|[\s;&|(])exit\s+(\d+)")


def _command_text(container: dict) -> str:
    return " ".join(str(part) for part in (container.get("command") or []) + (container.get("args") or []))


def run_seconds(pod: dict, container: dict) -> float | None:
    """Seconds until the container ends on its own; None for one that runs until stopped."""
    annotated = faults.seconds(pod, faults.RUN_SECONDS)
    if annotated is not None:
        return annotated
    if pod["spec"].get("restartPolicy", "Always") == "Always":
        return None
    sleeps = _SLEEP.findall(_command_text(container))
    return sum(float(value) for value in sleeps) if sleeps else DEFAULT_BATCH_SECONDS


def exit_code(pod: dict, container: dict) -> int:
    if faults.EXIT_CODE in faults.annotations(pod):
        return faults.exit_code(pod)
    found = _EXIT.search(_command_text(container))
    return int(found.group(1)) if found else 0
