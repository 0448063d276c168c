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
from lab.lessons.f_rolling_update import LESSON as ROLLING_UPDATE

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


def replay_on_twin(command: str, kubectl_binary, twin_config, views, what: str) -> list:
    """Paste `command` into a shell against the twin, then wait until views() of both clusters agree. Both control
    planes go on acting on the object (taints, podCIDRs, pods leaving); each read is a kubectl round trip, and the
    two agree once both have settled. Returns the agreed views."""
    ran = run_in_shell(command, kubectl_binary, twin_config)
    assert ran.returncode == 0, f"{command}\n{ran.stderr}"
    deadline = time.monotonic() + SETTLE_SECONDS
    while (current := views())[0] != current[1]:
        assert time.monotonic() < deadline, f"{command} left {current[1]}, {what} {current[0]}"
    return current


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

    replay_on_twin(explanation["command"], kubectl_binary, configs[1], views, "the click")


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
    current = replay_on_twin(
        command,
        kubectl_binary,
        configs[1],
        lambda: [view(kubectl, c, "deployment/web", "default") for c in configs],
        "the form",
    )
    assert (current[1]["labels"], current[1]["annotations"]["note"]) == ({"tier": "front"}, 'it\'s "$HOME"')


RUN_STEP = """\
import json, sys
from lab import explained_lesson_actions
from lab.models import Cluster
action = json.loads(sys.argv[-1])
print(json.dumps(explained_lesson_actions.run(Cluster.objects.get(name={cluster!r}), action, "ada")["explanation"]))
"""
SITE = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "site", "namespace": "default"}}
# (lesson step action, the object it changes, its namespace), in the order a lesson might run them.
STEPS = [
    ({"action": "apply", "objects": [{**SITE, "data": {"color": "blue"}}]}, "configmap/site", "default"),
    ({"action": "apply", "objects": [{**SITE, "data": {"color": "red", "size": "2"}}]}, "configmap/site", "default"),
]


def run_step(lab, cluster: str, action: dict) -> dict:
    """Run a lesson step's action on `cluster` through the function the classroom calls, on the lab's database."""
    script = RUN_STEP.format(cluster=cluster)
    out = lab.manage("shell", "-c", f"import sys; sys.argv.append({json.dumps(action)!r}); exec({script!r})")
    return json.loads(out.strip().splitlines()[-1])


@pytest.mark.parametrize(("action", "resource", "namespace"), STEPS, ids=[s[0]["action"] for s in STEPS])
def test_a_lesson_steps_explained_command_makes_the_same_change(
    twins, lab, kubectl, kubectl_binary, action, resource, namespace
):
    configs = [lab.kubeconfig(name) for name in TWINS]

    def views():
        return [view(kubectl, config, resource, namespace) for config in configs]

    explanation = run_step(lab, TWINS[0], action)
    assert explanation["diff"], "the step changed nothing visible"
    stepped, twin = views()
    assert stepped != twin, f"{action} left {resource} as it was: the comparison would prove nothing"

    replay_on_twin(explanation["command"], kubectl_binary, configs[1], views, "the step")


OPEN_CLASS = """\
import json
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import User
from lab.classroom.clusters import open_sandbox, start_demo
from lab.classroom.models import Classroom, Student
from lab.lessons import lesson_for
user = User.objects.create_superuser("sensei", password="Teach-a-class-42!")
classroom = Classroom.objects.create(name="twins", instructor=user)
lesson = lesson_for("rolling-update")
demo = start_demo(classroom, lesson)
sandbox = open_sandbox(Student.objects.create(classroom=classroom, session_key="x", display_name="twin"), lesson)
session = import_module(settings.SESSION_ENGINE).SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(json.dumps([classroom.join_code, demo.name, sandbox.name, settings.SESSION_COOKIE_NAME, session.session_key]))
"""


class InstructorSocket(PageSocket):
    """The instructor's classroom WebSocket, signed in, on a classroom whose demo and student's sandbox start alike
    from the rolling-update lesson: the instructor runs each step on the demo, kubectl runs its command on the
    sandbox."""

    def __init__(self, lab):
        code, self.demo, self.sandbox, cookie, key = json.loads(lab.manage("shell", "-c", OPEN_CLASS).splitlines()[-1])
        url = f"wss://127.0.0.1:{lab.port}/ws/classrooms/{code}/"
        self.socket = websocket.create_connection(
            url,
            sslopt={"cert_reqs": ssl.CERT_NONE},
            origin=f"http://127.0.0.1:{lab.port}",
            cookie=f"{cookie}={key}",
        )
        self.next_id = 1

    def request(self, **request) -> dict:
        request_id, self.next_id = self.next_id, self.next_id + 1
        self.socket.send(json.dumps({"id": request_id, **request}))
        while True:
            frame = json.loads(self.socket.recv())
            for message in frame if isinstance(frame, list) else [frame]:
                if message.get("id") == request_id:
                    assert message["type"] == "result", message
                    return message


@pytest.fixture(scope="session")
def classroom(lab):
    socket = InstructorSocket(lab)
    yield socket
    socket.socket.close()


@pytest.mark.parametrize("step_action", ["patch", "undo"])
def test_a_classroom_steps_explained_command_makes_the_same_change(
    classroom, lab, kubectl, kubectl_binary, step_action
):
    """The instructor runs the rolling-update lesson's step on the class cluster; the command its explanation shows
    runs in a shell on the student's identical sandbox, and web ends up the same in both."""
    configs = [lab.kubeconfig(name) for name in (classroom.demo, classroom.sandbox)]
    for config in configs:  # an undo needs the rollout before it recorded as a revision on both clusters
        rolled = kubectl("rollout", "status", "deployment/web", "--timeout=90s", config=config)
        assert rolled.returncode == 0, rolled.stderr

    def views():
        return [view(kubectl, config, "deployment/web", "default") for config in configs]

    step = next(i for i, s in enumerate(ROLLING_UPDATE.steps) if s.action and s.action["action"] == step_action)
    classroom.request(action="goto", step=step)
    explanation = classroom.request(action="run")["explanation"]
    assert explanation["diff"] and explanation["actor"] == "sensei"
    stepped, twin = views()
    assert stepped != twin, f"{step_action} left web as it was: the comparison would prove nothing"

    replay_on_twin(explanation["command"], kubectl_binary, configs[1], views, "the step")
