"""kubectl with DaemonSets and PodDisruptionBudgets: a DaemonSet's rollout (status, history, undo), the cluster's
own node agents, and `kubectl drain` held by a budget until the budget allows the eviction."""

import subprocess
import threading

import yaml

AGENT = {
    "apiVersion": "apps/v1",
    "kind": "DaemonSet",
    "metadata": {"name": "log-agent", "namespace": "default"},
    "spec": {
        "selector": {"matchLabels": {"app": "log-agent"}},
        "template": {
            "metadata": {"labels": {"app": "log-agent"}},
            "spec": {"containers": [{"name": "agent", "image": "fluent/fluent-bit:3.2"}]},
        },
    },
}
VIOLATION = "Cannot evict pod as it would violate the pod's disruption budget."


def rows(output: str) -> list[list[str]]:
    return [line.split() for line in output.strip().splitlines()]


def test_every_node_runs_the_clusters_node_agents(kubectl):
    listed = rows(kubectl("get", "daemonsets", "-n", "kube-system").stdout)
    assert listed[0] == ["NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE", "SELECTOR", "AGE"]
    by_name = {row[0]: row for row in listed[1:]}
    assert sorted(by_name) == ["azure-cns", "kube-proxy"]
    # the agents select Linux nodes (a node applied by hand in another test may carry no such label)
    nodes = len(kubectl("get", "nodes", "-l", "kubernetes.io/os=linux", "-o", "name").stdout.split())
    for row in by_name.values():
        assert row[1] == str(nodes) and row[6] == "kubernetes.io/os=linux"
    proxies = rows(kubectl("get", "pods", "-n", "kube-system", "-l", "component=kube-proxy", "-o", "wide").stdout)
    assert len({row[6] for row in proxies[1:]}) == nodes  # one per node, the control plane's included


def test_rollout_of_a_daemon_set_status_history_and_undo(kubectl):
    created = kubectl("apply", "-f", "-", stdin=yaml.safe_dump(AGENT))
    assert created.stdout.strip() == "daemonset.apps/log-agent created", created.stderr
    status = kubectl("rollout", "status", "daemonset/log-agent", "--timeout=90s")
    assert status.stdout.strip().splitlines()[-1] == 'daemon set "log-agent" successfully rolled out', status.stderr
    updated = kubectl("set", "image", "daemonset/log-agent", "agent=fluent/fluent-bit:3.3")
    assert updated.stdout.strip() == "daemonset.apps/log-agent image updated"
    status = kubectl("rollout", "status", "daemonset/log-agent", "--timeout=90s")
    assert status.stdout.strip().splitlines()[-1] == 'daemon set "log-agent" successfully rolled out', status.stderr
    history = rows(kubectl("rollout", "history", "daemonset/log-agent").stdout)
    assert history[1] == ["REVISION", "CHANGE-CAUSE"]
    assert [row[0] for row in history[2:]] == ["1", "2"]
    undone = kubectl("rollout", "undo", "daemonset/log-agent")
    assert undone.stdout.strip() == "daemonset.apps/log-agent rolled back", undone.stderr
    kubectl("rollout", "status", "daemonset/log-agent", "--timeout=90s")
    images = kubectl("get", "pods", "-l", "app=log-agent", "-o", "jsonpath={.items[*].spec.containers[0].image}")
    assert set(images.stdout.split()) == {"fluent/fluent-bit:3.2"}
    history = rows(kubectl("rollout", "history", "daemonset/log-agent").stdout)
    assert [row[0] for row in history[2:]] == ["2", "3"]
    listed = rows(kubectl("get", "controllerrevisions", "-l", "app=log-agent").stdout)
    assert listed[0] == ["NAME", "CONTROLLER", "REVISION", "AGE"]
    assert sorted(row[1] for row in listed[1:]) == ["daemonset.apps/log-agent"] * 2
    assert kubectl("delete", "daemonset", "log-agent").returncode == 0


GUARDED = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: guarded
spec:
  replicas: 1
  selector:
    matchLabels:
      app: guarded
  template:
    metadata:
      labels:
        app: guarded
    spec:
      nodeSelector:
        kubernetes.io/hostname: worker-2
      containers:
      - name: app
        image: nginx:1.27
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: guarded
spec:
  minAvailable: 1
  selector:
    matchLabels:
      app: guarded
"""


def test_drain_waits_for_the_budget_then_finishes(kubectl, lab, kubectl_binary):
    assert kubectl("apply", "-f", "-", stdin=GUARDED).returncode == 0
    kubectl("rollout", "status", "deployment/guarded", "--timeout=90s")
    waited = kubectl("wait", "pdb/guarded", "--for=jsonpath={.status.currentHealthy}=1", "--timeout=60s")
    assert waited.returncode == 0, waited.stderr
    header, row = rows(kubectl("get", "pdb", "guarded").stdout)
    assert header == ["NAME", "MIN", "AVAILABLE", "MAX", "UNAVAILABLE", "ALLOWED", "DISRUPTIONS", "AGE"]
    assert row[:4] == ["guarded", "1", "N/A", "0"]
    refused = kubectl("drain", "worker-2")
    assert refused.returncode != 0
    assert "cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore)" in refused.stderr
    drain = subprocess.Popen(
        [str(kubectl_binary), "--kubeconfig", str(lab.kubeconfig()), "drain", "worker-2", "--ignore-daemonsets"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    guard = threading.Timer(120, drain.kill)
    guard.start()
    try:
        line = drain.stderr.readline()
        while "will retry after 5s" not in line:
            assert line, "drain ended without waiting for the budget"
            line = drain.stderr.readline()
        assert line.startswith('error when evicting pods/"guarded-') and line.strip().endswith(VIOLATION)
        relaxed = kubectl("patch", "pdb", "guarded", "--type=merge", "-p", '{"spec":{"minAvailable":0}}')
        assert relaxed.returncode == 0, relaxed.stderr
        out, _ = drain.communicate()
    finally:
        guard.cancel()
        drain.kill()
        drain.wait()
    assert drain.returncode == 0
    lines = out.strip().splitlines()
    assert lines[-1] == "node/worker-2 drained"
    assert any(line.startswith("pod/guarded-") and line.endswith(" evicted") for line in lines)
    left = kubectl("get", "pods", "-A", "--field-selector", "spec.nodeName=worker-2", "-o", "name").stdout.split()
    owners = kubectl(
        "get",
        "pods",
        "-A",
        "--field-selector",
        "spec.nodeName=worker-2",
        "-o",
        "jsonpath={.items[*].metadata.ownerReferences[0].kind}",
    ).stdout.split()
    assert len(left) == 2 and owners == ["DaemonSet", "DaemonSet"]  # only the node agents stay
    kubectl("uncordon", "worker-2")
    kubectl("delete", "-f", "-", stdin=GUARDED)


def test_create_poddisruptionbudget_sends_protobuf_and_the_controller_fills_its_status(kubectl):
    created = kubectl("create", "pdb", "web-half", "--selector=app=web", "--min-available=50%")
    assert created.stdout.strip() == "poddisruptionbudget.policy/web-half created", created.stderr
    waited = kubectl("wait", "pdb/web-half", "--for=jsonpath={.status.expectedPods}=3", "--timeout=60s")
    assert waited.returncode == 0, waited.stderr
    header, row = rows(kubectl("get", "pdb", "web-half").stdout)
    assert header == ["NAME", "MIN", "AVAILABLE", "MAX", "UNAVAILABLE", "ALLOWED", "DISRUPTIONS", "AGE"]
    assert row[:4] == ["web-half", "50%", "N/A", "1"]  # 3 ready web pods, 50% of 3 rounds up to 2
    assert kubectl("delete", "pdb", "web-half").returncode == 0
