"""`kubectl logs -f` against a live lab: lines the simulated kubelet writes arrive while kubectl follows, and the
stream ends when the container stops."""

import subprocess
import threading

import yaml


def nginx_pod(name: str, probe: dict | None = None) -> str:
    container = {"name": "nginx", "image": "nginx:1.27"}
    if probe:
        container["readinessProbe"] = probe
    return yaml.safe_dump(
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": {"containers": [container]}}
    )


def start_pod(kubectl, manifest: str, name: str) -> None:
    assert kubectl("apply", "-f", "-", stdin=manifest).returncode == 0
    ready = kubectl("wait", "--for=condition=Ready", f"pod/{name}", "--timeout=60s")
    assert ready.returncode == 0, ready.stderr


def follower(lab, kubectl_binary, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [str(kubectl_binary), "--kubeconfig", str(lab.kubeconfig()), "logs", "-f", *args],
        stdout=subprocess.PIPE,
        text=True,
    )


def test_follow_streams_new_probe_lines_after_the_tail(kubectl, lab, kubectl_binary):
    probe = {"httpGet": {"path": "/healthz", "port": 80}, "periodSeconds": 10}
    start_pod(kubectl, nginx_pod("follow-probed", probe), "follow-probed")
    watcher = follower(lab, kubectl_binary, "follow-probed", "--tail=1")
    guard = threading.Timer(60, watcher.kill)
    guard.start()
    try:
        lines = [watcher.stdout.readline() for _ in range(4)]
    finally:
        guard.cancel()
        watcher.kill()
        watcher.wait()
    assert all('"GET /healthz HTTP/1.1" 200 615 "-" "kube-probe/1.37" "-"' in line for line in lines), lines
    assert len(set(lines)) == 4  # each a fresh line (their timestamps differ by the 10 s period), none repeated
    kubectl("delete", "pod", "follow-probed", "--wait=false")


def test_follow_sends_the_crash_then_ends_and_previous_keeps_it(kubectl, lab, kubectl_binary):
    start_pod(kubectl, nginx_pod("follow-crash"), "follow-crash")
    watcher = follower(lab, kubectl_binary, "follow-crash")
    guard = threading.Timer(60, watcher.kill)
    guard.start()
    try:
        started = [watcher.stdout.readline() for _ in range(5)]
        assert started[1] == "/docker-entrypoint.sh: Configuration complete; ready for start up\n"
        assert kubectl("annotate", "pod", "follow-crash", "kubelab.io/crash=nginx").returncode == 0
        rest = watcher.stdout.read()  # until kubectl exits: the stream ended with the container
        assert watcher.wait() == 0
    finally:
        guard.cancel()
        watcher.kill()
        watcher.wait()
    assert rest.splitlines()[-1].endswith("fatal error, exiting with code 1"), rest
    previous = kubectl("logs", "follow-crash", "--previous")
    assert previous.returncode == 0, previous.stderr
    assert previous.stdout.splitlines() == [line.rstrip("\n") for line in started] + rest.splitlines()
    kubectl("delete", "pod", "follow-crash", "--wait=false")


def test_previous_without_a_terminated_container_is_refused(kubectl):
    start_pod(kubectl, nginx_pod("never-crashed"), "never-crashed")
    refused = kubectl("logs", "never-crashed", "--previous")
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        'Error from server (BadRequest): previous terminated container "nginx" in pod "never-crashed" not found'
    )
    kubectl("delete", "pod", "never-crashed", "--wait=false")
