"""Scale-out: PostgreSQL, the Redis channel layer and separate control-plane worker processes.

Two workers run; one holds the worker lease and drives the demo cluster through a node failure; when it is killed
mid-work, the standby takes over within a lease duration and converges with no duplicate or lost object.
"""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.scaleout

STATE = """
import json
from lab.models import Cluster, WorkerLease
from lab.models import proxy_for
cluster = Cluster.objects.get(name="demo")
pods = [
    {"name": p.name, "node": p.manifest["spec"].get("nodeName"), "phase": p.manifest.get("status", {}).get("phase"),
     "terminating": p.deletion_timestamp is not None,
     "ready": any(c["type"] == "Ready" and c["status"] == "True"
                  for c in p.manifest.get("status", {}).get("conditions") or [])}
    for p in proxy_for("Pod").objects.filter(cluster=cluster, namespace="default")
]
lease = WorkerLease.objects.filter(name="control-plane").values("holder", "transitions").first()
print(json.dumps({"now": cluster.now, "pods": pods, "lease": lease}))
"""


def operator_patch(manage, kind, namespace, name, patch, operator=True):
    script = (
        "from lab.models import Cluster; from lab.apiserver import api_server_for; "
        f"api_server_for(Cluster.objects.get(name='demo'), operator={operator}).patch("
        f"{kind!r}, {namespace!r}, {name!r}, {patch!r})"
    )
    manage("shell", "-c", script)


def wait_for(manage, predicate, seconds=90):
    deadline = time.monotonic() + seconds
    state = None
    while time.monotonic() < deadline:
        state = json.loads(manage("shell", "-c", STATE).strip().splitlines()[-1])
        if predicate(state):
            return state
        time.sleep(1)  # polls another process's database; there is no event to wait on across processes
    raise AssertionError(f"not reached within {seconds} s; last state: {json.dumps(state, indent=1)}")


def holder_pid(state) -> int | None:
    """The process id in the worker lease's holder identity (`<host>_<pid>_<random>`), if it names one."""
    parts = (state["lease"]["holder"] or "").split("_")
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None


def running_web(state):
    return [p for p in state["pods"] if p["phase"] == "Running" and p["ready"] and not p["terminating"]]


def start_worker(env, log):
    """A worker writing to a file: a pipe nobody reads would fill and block the worker mid-write."""
    with log.open("w") as output:
        return subprocess.Popen(
            [sys.executable, "manage.py", "controlplane"],
            cwd=ROOT,
            env={**env, "PYTHONFAULTHANDLER": "1"},
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def test_workers_drive_a_node_failure_and_a_standby_takes_over(manage, scaleout_env, tmp_path):
    manage("seed_demo")
    manage("shell", "-c", "from lab.models import Cluster; Cluster.objects.filter(name='demo').update(speed=100)")
    logs = [tmp_path / f"worker-{n}.log" for n in range(2)]
    workers = [start_worker(scaleout_env, log) for log in logs]
    try:
        state = wait_for(manage, lambda s: len(running_web(s)) == 3)
        assert state["lease"]["holder"]
        failed_node = running_web(state)[0]["node"]
        operator_patch(manage, "Node", None, failed_node, {"metadata": {"annotations": {"kubelab.io/power": "off"}}})
        # 50 s grace + 300 s toleration at 100x: a few wall seconds, then three Running pods elsewhere
        state = wait_for(manage, lambda s: len([p for p in running_web(s) if p["node"] != failed_node]) == 3)
        assert all(p["node"].startswith("worker-") for p in running_web(state))

        leader_pid = holder_pid(state)
        leader = next(worker for worker in workers if worker.pid == leader_pid)
        operator_patch(manage, "Deployment", "default", "web", {"spec": {"replicas": 5}}, operator=False)
        transitions = state["lease"]["transitions"]
        os.kill(leader.pid, signal.SIGKILL)  # mid-work: the scale-up may be half done
        leader.wait(10)
        # The dead leader may have finished the scale-up itself; what counts is that the standby takes the lease.
        state = wait_for(
            manage,
            lambda s: (
                s["lease"]["transitions"] > transitions
                and holder_pid(s) not in (None, leader_pid)
                and len([p for p in running_web(s) if p["node"] != failed_node]) == 5
            ),
        )
        assert holder_pid(state) in {worker.pid for worker in workers if worker is not leader}
        names = [p["name"] for p in state["pods"] if not p["terminating"]]
        assert len(names) == len(set(names)) == 5
    finally:
        for worker, log in zip(workers, logs, strict=True):
            if worker.poll() is None:
                stop_worker(worker, log)


def stop_worker(worker: subprocess.Popen, log) -> None:
    """SIGTERM, as a service manager stops it: the worker must exit promptly. One that hangs is made to print every
    thread's stack (faulthandler on SIGABRT), and the test fails with it."""
    worker.terminate()
    try:
        worker.wait(10)
    except subprocess.TimeoutExpired:
        worker.send_signal(signal.SIGABRT)
        worker.wait(10)
        raise AssertionError(f"the worker did not stop on SIGTERM:\n{log.read_text()}") from None
