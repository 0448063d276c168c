"""The command the page's "What this did" panel shows really does what the click did: each page action runs on one
cluster through the page's WebSocket, the command it is explained with runs in a shell with the real kubectl
against a second, identical cluster, and the object ends up the same in both."""

import json
import os
import re
import ssl
import subprocess
import time
import urllib.request

import pytest
import websocket

from lab import kubectl_equivalents

TWINS = ("twin-a", "twin-b")
SETTLE_SECONDS = 60  # wall seconds for both control planes to converge (simulated minutes at the lab's speed)
POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: explained
  namespace: default
spec:
  nodeName: worker-3
  containers:
  - name: app
    image: nginx:1.27
"""


def _insecure() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the lab's own self-signed certificate, on loopback
    return context


class PageSocket:
    """The cluster page's WebSocket, as the browser opens it (same origin), on the lab's TLS port."""

    def __init__(self, lab, cluster: str):
        with urllib.request.urlopen(f"{lab.base}/clusters/{cluster}/", context=_insecure()) as page:
            cluster_id = re.search(r'data-cluster-id="(\d+)"', page.read().decode()).group(1)
        url = f"wss://127.0.0.1:{lab.port}/ws/clusters/{cluster_id}/"
        # Daphne tells the application a WebSocket's scheme is "ws" even over TLS, so the page's origin reads http.
        origin = f"http://127.0.0.1:{lab.port}"
        self.socket = websocket.create_connection(url, sslopt={"cert_reqs": ssl.CERT_NONE}, origin=origin)
        self.next_id = 1

    def act(self, **request) -> dict:
        """Send a click's request; returns the explanation its result carries."""
        request_id, self.next_id = self.next_id, self.next_id + 1
        self.socket.send(json.dumps({"id": request_id, **request}))
        while True:
            frame = json.loads(self.socket.recv())
            for message in frame if isinstance(frame, list) else [frame]:
                if message.get("id") == request_id:
                    assert message["type"] == "result", message
                    return message["explanation"]


@pytest.fixture(scope="session")
def twins(lab, kubectl):
    """Two clusters seeded alike, each with the web Deployment rolled out and a bare pod on worker-3."""
    for name in TWINS:
        lab.manage("seed_demo", "--name", name)
    for name in TWINS:
        config = lab.kubeconfig(name)
        rolled = kubectl("rollout", "status", "deployment/web", "--timeout=90s", config=config)
        assert rolled.returncode == 0, rolled.stderr
        created = kubectl("apply", "-f", "-", config=config, stdin=POD)
        assert created.returncode == 0, created.stderr
    page = PageSocket(lab, TWINS[0])
    yield page
    page.socket.close()


def view(kubectl, config, resource: str, namespace: str | None) -> dict | None:
    """What an edit can change of the object, without what differs between two clusters by nature (uids, times,
    resourceVersions, status): None once it is gone."""
    scope = ["-n", namespace] if namespace else []
    got = kubectl("get", resource, *scope, "-o", "json", "--ignore-not-found", config=config)
    assert got.returncode == 0, got.stderr
    if not got.stdout.strip():
        return None
    obj = json.loads(got.stdout)
    metadata = obj["metadata"]
    for taint in obj.get("spec", {}).get("taints") or []:
        taint.pop("timeAdded", None)
    return {
        "labels": metadata.get("labels"),
        "annotations": metadata.get("annotations"),
        "terminating": "deletionTimestamp" in metadata,
        "spec": obj.get("spec"),
        "data": obj.get("data"),
    }


def run_in_shell(command: str, kubectl_binary, config) -> subprocess.CompletedProcess:
    """The command exactly as the panel shows it, pasted into bash, with this kubectl first on the PATH."""
    env = {**os.environ, "KUBECONFIG": str(config), "PATH": f"{kubectl_binary.parent}:{os.environ['PATH']}"}
    return subprocess.run(["bash", "-c", command], env=env, capture_output=True, text=True, timeout=120)


# (page request, the object it changes, its namespace), in the order a class might click them.
CLICKS = [
    ({"action": "scale", "namespace": "default", "name": "web", "replicas": 5}, "deployment/web", "default"),
    ({"action": "cordon", "node": "worker-2", "unschedulable": True}, "node/worker-2", None),
    ({"action": "cordon", "node": "worker-2", "unschedulable": False}, "node/worker-2", None),
    ({"action": "power", "node": "worker-2", "state": "off"}, "node/worker-2", None),
    ({"action": "power", "node": "worker-2", "state": "on"}, "node/worker-2", None),
    ({"action": "crash", "namespace": "default", "name": "explained"}, "pod/explained", "default"),
    ({"action": "delete-pod", "namespace": "default", "name": "explained"}, "pod/explained", "default"),
    ({"action": "drain", "node": "worker-1"}, "node/worker-1", None),
    ({"action": "add-node"}, "node/worker-4", None),
    ({"action": "component", "component": "kube-scheduler", "state": "down"}, "controlplanecomponents", None),
    ({"action": "component", "component": "kube-scheduler", "state": "up"}, "controlplanecomponents", None),
    ({"action": "traffic", "service": "web", "rate": 50, "via": "ClusterIP"}, "configmaps", "default"),
    ({"action": "traffic", "service": "web", "rate": 80, "via": "ClusterIP"}, "configmaps", "default"),
    ({"action": "traffic", "service": "web", "rate": 0, "via": "ClusterIP"}, "configmaps", "default"),
]


def _view_of_list(kubectl, config, resource, namespace):
    scope = ["-n", namespace] if namespace else []
    got = kubectl("get", resource, *scope, "-o", "json", config=config)
    assert got.returncode == 0, got.stderr
    items = json.loads(got.stdout)["items"]
    return sorted(
        (item["metadata"]["name"], item["metadata"].get("annotations"), item.get("data"), item.get("spec"))
        for item in items
        if resource != "configmaps" or (item["metadata"].get("labels") or {}).get("kubelab.io/traffic")
    )


@pytest.mark.parametrize(("request_body", "resource", "namespace"), CLICKS, ids=[str(c[0]) for c in CLICKS])
def test_the_explained_command_makes_the_same_change(
    twins, lab, kubectl, kubectl_binary, request_body, resource, namespace
):
    configs = [lab.kubeconfig(name) for name in TWINS]

    def views():
        if "/" in resource:
            return [view(kubectl, config, resource, namespace) for config in configs]
        return [_view_of_list(kubectl, config, resource, namespace) for config in configs]

    explanation = twins.act(**request_body)
    assert explanation["diff"], "the click changed nothing visible"
    clicked, twin = views()
    assert clicked != twin, f"{request_body} left {resource} as it was: the comparison would prove nothing"

    ran = run_in_shell(explanation["command"], kubectl_binary, configs[1])
    assert ran.returncode == 0, f"{explanation['command']}\n{ran.stderr}"

    # Both control planes go on acting on the object (taints, podCIDRs, pods leaving); each read is a kubectl round
    # trip, and the two agree once both have settled.
    deadline = time.monotonic() + SETTLE_SECONDS
    while (current := views())[0] != current[1]:
        assert time.monotonic() < deadline, f"{explanation['command']} left {current[1]}, the click {current[0]}"


def test_an_admin_edits_merge_patch_does_in_kubectl_what_the_form_did(twins, lab, kubectl, kubectl_binary):
    """The admin's form writes the whole object (a PUT, as `kubectl replace`); its explanation is the merge patch of
    what changed. Quotes, a dollar sign and a removed label survive the shell and kubectl alike."""
    configs = [lab.kubeconfig(name) for name in TWINS]
    got = kubectl("get", "deployment/web", "-n", "default", "-o", "json", config=configs[0])
    before = json.loads(got.stdout)
    edited = json.loads(got.stdout)
    edited["metadata"]["labels"] = {"tier": "front"}
    edited["metadata"]["annotations"]["note"] = 'it\'s "$HOME"'
    edited["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.28"
    replaced = kubectl("replace", "-f", "-", config=configs[0], stdin=json.dumps(edited))
    assert replaced.returncode == 0, replaced.stderr

    command = kubectl_equivalents.patch("Deployment", "default", "web", before, edited)
    ran = run_in_shell(command, kubectl_binary, configs[1])
    assert ran.returncode == 0, f"{command}\n{ran.stderr}"
    deadline = time.monotonic() + SETTLE_SECONDS
    while (current := [view(kubectl, config, "deployment/web", "default") for config in configs])[0] != current[1]:
        assert time.monotonic() < deadline, f"{command} left {current[1]}, the form {current[0]}"
    assert (current[1]["labels"], current[1]["annotations"]["note"]) == ({"tier": "front"}, 'it\'s "$HOME"')
