"""A ReplicationController, as the Kubernetes documentation's example walks through it, with the real kubectl."""

import json
import subprocess
import threading

import yaml

from .test_kubectl import rows

# the manifest of https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/
DOCS_RC = """\
apiVersion: v1
kind: ReplicationController
metadata:
  name: nginx
spec:
  replicas: 3
  selector:
    app: nginx
  template:
    metadata:
      name: nginx
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx
        ports:
        - containerPort: 80
"""


def pod_names(kubectl) -> set[str]:
    done = kubectl("get", "pods", "-l", "app=nginx", "-o", "jsonpath={.items[*].metadata.name}")
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


def follow(lab, kubectl_binary, args: list[str], done) -> list[str]:
    """Run `kubectl get ... -w` (a plain watch) and read its lines until `done(lines)` holds."""
    watcher = subprocess.Popen(
        [str(kubectl_binary), "--kubeconfig", str(lab.kubeconfig()), "get", *args, "-w"],
        stdout=subprocess.PIPE,
        text=True,
    )
    guard = threading.Timer(90, watcher.kill)
    guard.start()
    try:
        seen: list[str] = []
        while not done(seen):
            line = watcher.stdout.readline()
            assert line, f"the watch of {args} ended after {seen}"
            seen.append(line.strip())
        return seen
    finally:
        guard.cancel()
        watcher.kill()
        watcher.wait()


def wait_for(lab, kubectl_binary, field: str, value: int) -> None:
    """Until the RC's field reads the value."""
    output = f'jsonpath={{{field}}}{{"\\n"}}'
    follow(lab, kubectl_binary, ["rc", "nginx", "-o", output], lambda seen: seen and seen[-1] == str(value))


def wait_deleted(lab, kubectl_binary, names: set[str]) -> None:
    """Until a DELETED event has come for each of the pods (the EVENT column of `--output-watch-events`)."""
    args = ["pods", "-l", "app=nginx", "--output-watch-events"]
    deleted = {("DELETED", name) for name in names}
    follow(lab, kubectl_binary, args, lambda seen: deleted <= {tuple(line.split()[:2]) for line in seen})


def test_create_get_describe_scale_heal_and_delete_a_replication_controller(kubectl, lab, kubectl_binary):
    created = kubectl("create", "-f", "-", stdin=DOCS_RC)
    assert created.stdout.strip() == "replicationcontroller/nginx created", created.stderr
    wait_for(lab, kubectl_binary, ".status.readyReplicas", 3)

    table = rows(kubectl("get", "rc", "nginx").stdout)
    assert table[0] == ["NAME", "DESIRED", "CURRENT", "READY", "AGE"]
    assert table[1][:4] == ["nginx", "3", "3", "3"]
    wide = rows(kubectl("get", "replicationcontrollers", "-o", "wide").stdout)
    assert wide[0] == ["NAME", "DESIRED", "CURRENT", "READY", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"]
    assert [row for row in wide if row[0] == "nginx"][0][5:] == ["nginx", "nginx", "app=nginx"]
    stored = yaml.safe_load(kubectl("get", "rc", "nginx", "-o", "yaml").stdout)
    assert stored["metadata"]["labels"] == {"app": "nginx"}  # defaulted from the template

    described = kubectl("describe", "rc", "nginx")
    assert described.returncode == 0, described.stderr
    lines = described.stdout.splitlines()
    assert "Selector:     app=nginx" in lines
    assert "Replicas:     3 current / 3 desired" in lines
    assert "Pods Status:  3 Running / 0 Waiting / 0 Succeeded / 0 Failed" in lines
    created_events = [line for line in described.stdout.splitlines() if "SuccessfulCreate" in line]
    assert len(created_events) == 3
    assert all("replication-controller  Created pod: nginx-" in line for line in created_events)

    scaled = kubectl("scale", "rc/nginx", "--replicas=5")
    assert scaled.stdout.strip() == "replicationcontroller/nginx scaled", scaled.stderr
    wait_for(lab, kubectl_binary, ".status.readyReplicas", 5)
    before = pod_names(kubectl)
    assert len(before) == 5

    doomed = sorted(before)[0]
    assert kubectl("delete", "pod", doomed, "--wait=false").returncode == 0
    wait_deleted(lab, kubectl_binary, {doomed})
    wait_for(lab, kubectl_binary, ".status.readyReplicas", 5)
    after = pod_names(kubectl)
    assert len(after) == 5 and doomed not in after and len(after - before) == 1

    deleted = kubectl("delete", "rc", "nginx")
    # kubectl 1.37 adds " from default namespace"
    assert deleted.stdout.startswith('replicationcontroller "nginx" deleted'), deleted.stderr
    wait_deleted(lab, kubectl_binary, after)  # the garbage collector follows the pods' owner references
    assert pod_names(kubectl) == set()
    missing = kubectl("get", "rc", "nginx")
    assert missing.stderr.strip() == 'Error from server (NotFound): replicationcontrollers "nginx" not found'


def test_discovery_lists_replication_controllers_with_short_name_and_subresources(kubectl):
    listed = rows(kubectl("api-resources", "--api-group=", "-o", "wide").stdout)
    [row] = [row for row in listed if row[0] == "replicationcontrollers"]
    assert row[1:5] == ["rc", "v1", "true", "ReplicationController"]
    assert row[-1] == "all"
    assert kubectl("get", "--raw", "/api/v1/namespaces/default/replicationcontrollers").returncode == 0
    resources = json.loads(kubectl("get", "--raw", "/api/v1").stdout)["resources"]
    by_name = {resource["name"]: resource for resource in resources}
    assert by_name["replicationcontrollers/status"]["kind"] == "ReplicationController"
    scale = by_name["replicationcontrollers/scale"]
    assert (scale["group"], scale["version"], scale["kind"]) == ("autoscaling", "v1", "Scale")


def test_an_invalid_replication_controller_is_refused_as_upstream_does(kubectl):
    mismatched = DOCS_RC.replace("name: nginx\nspec", "name: mismatched\nspec").replace(
        "    app: nginx\n  template", "    app: other\n  template"
    )
    refused = kubectl("create", "-f", "-", stdin=mismatched)
    assert refused.stderr.strip() == (
        'The ReplicationController "mismatched" is invalid: spec.template.metadata.labels: Invalid value: '
        '{"app":"nginx"}: `selector` does not match template `labels`'
    )
    assert kubectl("get", "rc", "mismatched", "--ignore-not-found", "-o", "name").stdout == ""
