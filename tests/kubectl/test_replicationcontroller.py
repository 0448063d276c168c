"""A ReplicationController, as the Kubernetes documentation's example walks through it, with the real kubectl."""

import json

import yaml

from .test_kubectl import rows

# the manifest of https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/, labelled
# `app: nginx-legacy` so its pods are told apart from the Deployment examples' `app: nginx` in the same namespace
DOCS_RC = """\
apiVersion: v1
kind: ReplicationController
metadata:
  name: nginx
spec:
  replicas: 3
  selector:
    app: nginx-legacy
  template:
    metadata:
      name: nginx
      labels:
        app: nginx-legacy
    spec:
      containers:
      - name: nginx
        image: nginx
        ports:
        - containerPort: 80
"""


def pod_names(kubectl) -> set[str]:
    done = kubectl("get", "pods", "-l", "app=nginx-legacy", "-o", "jsonpath={.items[*].metadata.name}")
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


def wait_for(kubectl, field: str, value: int) -> None:
    """Until the RC's field reads the value (`kubectl wait --for=jsonpath`, a streaming list then a watch)."""
    done = kubectl("wait", f"--for=jsonpath={{{field}}}={value}", "rc/nginx", "--timeout=90s")
    assert done.returncode == 0, done.stderr


def wait_deleted(kubectl, names: set[str]) -> None:
    """Until each of the pods is gone (`kubectl wait --for=delete`, which also counts one already gone)."""
    done = kubectl("wait", "--for=delete", "--timeout=90s", *(f"pod/{name}" for name in sorted(names)))
    assert done.returncode == 0, done.stderr


def test_create_get_describe_scale_heal_and_delete_a_replication_controller(kubectl):
    created = kubectl("create", "-f", "-", stdin=DOCS_RC)
    assert created.stdout.strip() == "replicationcontroller/nginx created", created.stderr
    wait_for(kubectl, ".status.readyReplicas", 3)

    table = rows(kubectl("get", "rc", "nginx").stdout)
    assert table[0] == ["NAME", "DESIRED", "CURRENT", "READY", "AGE"]
    assert table[1][:4] == ["nginx", "3", "3", "3"]
    wide = rows(kubectl("get", "replicationcontrollers", "-o", "wide").stdout)
    assert wide[0] == ["NAME", "DESIRED", "CURRENT", "READY", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"]
    assert [row for row in wide if row[0] == "nginx"][0][5:] == ["nginx", "nginx", "app=nginx-legacy"]
    stored = yaml.safe_load(kubectl("get", "rc", "nginx", "-o", "yaml").stdout)
    assert stored["metadata"]["labels"] == {"app": "nginx-legacy"}  # defaulted from the template

    described = kubectl("describe", "rc", "nginx")
    assert described.returncode == 0, described.stderr
    lines = described.stdout.splitlines()
    assert "Selector:     app=nginx-legacy" in lines
    assert "Replicas:     3 current / 3 desired" in lines
    assert "Pods Status:  3 Running / 0 Waiting / 0 Succeeded / 0 Failed" in lines
    created_events = [line for line in described.stdout.splitlines() if "SuccessfulCreate" in line]
    assert len(created_events) == 3
    assert all("replication-controller  Created pod: nginx-" in line for line in created_events)

    scaled = kubectl("scale", "rc/nginx", "--replicas=5")
    assert scaled.stdout.strip() == "replicationcontroller/nginx scaled", scaled.stderr
    wait_for(kubectl, ".status.readyReplicas", 5)
    before = pod_names(kubectl)
    assert len(before) == 5

    doomed = sorted(before)[0]
    assert kubectl("delete", "pod", doomed, "--wait=false").returncode == 0
    wait_deleted(kubectl, {doomed})
    wait_for(kubectl, ".status.readyReplicas", 5)
    after = pod_names(kubectl)
    assert len(after) == 5 and doomed not in after and len(after - before) == 1

    deleted = kubectl("delete", "rc", "nginx")
    # kubectl 1.37 adds " from default namespace"
    assert deleted.stdout.startswith('replicationcontroller "nginx" deleted'), deleted.stderr
    wait_deleted(kubectl, after)  # the garbage collector follows the pods' owner references
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
        "    app: nginx-legacy\n  template", "    app: other\n  template"
    )
    refused = kubectl("create", "-f", "-", stdin=mismatched)
    assert refused.stderr.strip() == (
        'The ReplicationController "mismatched" is invalid: spec.template.metadata.labels: Invalid value: '
        '{"app":"nginx-legacy"}: `selector` does not match template `labels`'
    )
    assert kubectl("get", "rc", "mismatched", "--ignore-not-found", "-o", "name").stdout == ""
