"""The real kubectl, as a student types it, against a live lab: its output and the state it leaves."""

import json
import subprocess
import threading

import yaml

DOCS_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deployment
  labels:
    app: nginx
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.14.2
        ports:
        - containerPort: 80
"""


def rows(output: str) -> list[list[str]]:
    return [line.split() for line in output.strip().splitlines()]


def jsonpath(kubectl, *args: str) -> str:
    done = kubectl("get", *args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_get_nodes_prints_the_upstream_columns(kubectl):
    done = kubectl("get", "nodes")
    table = rows(done.stdout)
    assert table[0] == ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]
    by_name = {row[0]: row for row in table[1:]}
    assert by_name["control-plane-1"][1:3] == ["Ready", "control-plane"]
    assert by_name["control-plane-1"][4] == "v1.37.0"
    assert by_name["worker-1"][1:3] == ["Ready", "<none>"]


def test_get_pods_wide_adds_ip_and_node(kubectl):
    done = kubectl("get", "pods", "-l", "app=web", "-o", "wide")
    table = rows(done.stdout)
    assert done.stdout.splitlines()[0].split() == [
        "NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED", "NODE", "READINESS", "GATES",
    ]  # fmt: skip
    assert len(table) == 4
    # the lab is shared by the kubectl tests: others add worker nodes, so web's pods may run on any worker
    workers = kubectl("get", "nodes", "-l", "!node-role.kubernetes.io/control-plane", "-o", "name").stdout.split()
    for row in table[1:]:
        assert row[0].startswith("web-")
        assert f"node/{row[6]}" in workers
        assert row[5].startswith("10.244.")


def test_get_yaml_all_namespaces_and_other_kinds(kubectl):
    deployment = yaml.safe_load(kubectl("get", "deployment", "web", "-o", "yaml").stdout)
    assert (deployment["kind"], deployment["metadata"]["name"], deployment["spec"]["replicas"]) == (
        "Deployment",
        "web",
        3,
    )
    namespaces = [row[0] for row in rows(kubectl("get", "namespaces").stdout)]
    assert {"NAME", "default", "kube-node-lease", "kube-public", "kube-system"} <= set(namespaces)
    pods = kubectl("get", "pods", "-A")
    assert rows(pods.stdout)[0][:2] == ["NAMESPACE", "NAME"]
    others = kubectl("get", "replicasets,services,endpoints,serviceaccounts")
    assert others.returncode == 0, others.stderr
    assert "service/web" in others.stdout and "endpoints/web" in others.stdout
    assert "serviceaccount/default" in others.stdout
    events = kubectl("get", "events")
    assert rows(events.stdout)[0] == ["LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]


def test_apply_a_manifest_from_the_kubernetes_documentation(kubectl):
    created = kubectl("apply", "-f", "-", stdin=DOCS_DEPLOYMENT.format(replicas=3))
    assert created.stdout.strip() == "deployment.apps/nginx-deployment created", created.stderr
    again = kubectl("apply", "-f", "-", stdin=DOCS_DEPLOYMENT.format(replicas=3))
    assert again.stdout.strip() == "deployment.apps/nginx-deployment unchanged"
    changed = kubectl("apply", "-f", "-", stdin=DOCS_DEPLOYMENT.format(replicas=2))
    assert changed.stdout.strip() == "deployment.apps/nginx-deployment configured"
    assert jsonpath(kubectl, "deployment", "nginx-deployment", "-o", "jsonpath={.spec.replicas}") == "2"
    annotations = json.loads(
        jsonpath(kubectl, "deployment", "nginx-deployment", "-o", "jsonpath={.metadata.annotations}")
    )
    assert json.loads(annotations["kubectl.kubernetes.io/last-applied-configuration"])["spec"]["replicas"] == 2


def test_create_scale_set_image_and_roll_back(kubectl):
    assert (
        kubectl("create", "deployment", "lesson", "--image=nginx:1.27").stdout.strip()
        == "deployment.apps/lesson created"
    )
    assert kubectl("scale", "deployment", "lesson", "--replicas=3").stdout.strip() == "deployment.apps/lesson scaled"
    assert jsonpath(kubectl, "deployment", "lesson", "-o", "jsonpath={.spec.replicas}") == "3"
    status = kubectl("rollout", "status", "deployment/lesson", "--timeout=90s")
    assert status.stdout.strip().splitlines()[-1] == 'deployment "lesson" successfully rolled out'
    updated = kubectl("set", "image", "deployment/lesson", "nginx=nginx:1.28")
    assert updated.stdout.strip() == "deployment.apps/lesson image updated"
    status = kubectl("rollout", "status", "deployment/lesson", "--timeout=90s")
    assert status.stdout.strip().splitlines()[-1] == 'deployment "lesson" successfully rolled out'
    history = rows(kubectl("rollout", "history", "deployment/lesson").stdout)
    assert history[1] == ["REVISION", "CHANGE-CAUSE"]
    assert [row[0] for row in history[2:]] == ["1", "2"]
    undone = kubectl("rollout", "undo", "deployment/lesson")
    assert undone.stdout.strip() == "deployment.apps/lesson rolled back"
    assert (
        jsonpath(kubectl, "deployment", "lesson", "-o", "jsonpath={.spec.template.spec.containers[0].image}")
        == "nginx:1.27"
    )
    kubectl("rollout", "status", "deployment/lesson", "--timeout=90s")
    # the first revision's ReplicaSet is revived as revision 3; no third set appears
    history = rows(kubectl("rollout", "history", "deployment/lesson").stdout)
    assert [row[0] for row in history[2:]] == ["2", "3"]
    sets = kubectl("get", "rs", "-l", "app=lesson", "-o", "name").stdout.split()
    assert len(sets) == 2


def test_delete_a_deployment(kubectl):
    kubectl("create", "deployment", "doomed", "--image=nginx:1.27")
    deleted = kubectl("delete", "deployment", "doomed")
    assert deleted.stdout.strip() == 'deployment.apps "doomed" deleted from default namespace'  # kubectl 1.36+ names it
    gone = kubectl("get", "deployment", "doomed")
    assert gone.stderr.strip() == 'Error from server (NotFound): deployments.apps "doomed" not found'


def test_server_dry_run_changes_nothing_and_warn_validation_warns(kubectl):
    kubectl("create", "deployment", "rehearsal", "--image=nginx:1.27")
    scaled = kubectl("scale", "deployment", "rehearsal", "--replicas=9", "--dry-run=server")
    assert scaled.stdout.strip() == "deployment.apps/rehearsal scaled (server dry run)"
    deleted = kubectl("delete", "deployment", "rehearsal", "--dry-run=server")
    assert deleted.stdout.strip() == 'deployment.apps "rehearsal" deleted from default namespace (server dry run)'
    kept = kubectl("get", "deployment", "rehearsal", "-o", "jsonpath={.spec.replicas}")
    assert kept.stdout == "1"
    manifest = DOCS_DEPLOYMENT.format(replicas=1).replace("  replicas:", "  bogus: 1\n  replicas:")
    warned = kubectl("apply", "--validate=warn", "-f", "-", stdin=manifest.replace("nginx-deployment", "warned"))
    assert warned.returncode == 0
    assert 'Warning: unknown field "spec.bogus"' in warned.stderr


def test_expose_a_deployment(kubectl):
    exposed = kubectl("expose", "deployment", "web", "--name=web-internal", "--port=8080", "--target-port=80")
    assert exposed.stdout.strip() == "service/web-internal exposed"
    service = json.loads(jsonpath(kubectl, "service", "web-internal", "-o", "json"))
    assert service["spec"]["ports"][0]["port"] == 8080
    assert service["spec"]["selector"] == {"app": "web"}


def test_create_namespace_secret_and_configmap(kubectl):
    assert kubectl("create", "namespace", "dev").stdout.strip() == "namespace/dev created"
    assert jsonpath(kubectl, "namespace", "dev", "-o", "jsonpath={.status.phase}") == "Active"
    secret = kubectl("create", "secret", "generic", "db", "--from-literal=password=s3cret", "-n", "dev")
    assert secret.stdout.strip() == "secret/db created"
    assert jsonpath(kubectl, "secret", "db", "-n", "dev", "-o", "jsonpath={.data.password}") == "czNjcmV0"
    config = kubectl("create", "configmap", "settings", "--from-literal=mode=demo", "-n", "dev")
    assert config.stdout.strip() == "configmap/settings created"
    assert jsonpath(kubectl, "configmap", "settings", "-n", "dev", "-o", "jsonpath={.data.mode}") == "demo"


def test_logs_of_a_running_pod(kubectl):
    logs = kubectl("logs", "deployment/web", "--tail=1")
    assert logs.returncode == 0, logs.stderr
    assert len(logs.stdout.splitlines()) == 1


def test_auth_can_i_answers_from_the_token_role(kubectl, lab):
    assert kubectl("auth", "can-i", "delete", "nodes").stdout.strip() == "yes"
    viewer = lab.kubeconfig(role="view")
    assert kubectl("auth", "can-i", "list", "pods", config=viewer).stdout.strip() == "yes"
    refused = kubectl("auth", "can-i", "delete", "pods", config=viewer)
    assert (refused.stdout.strip(), refused.returncode) == ("no", 1)
    assert kubectl("auth", "can-i", "get", "secrets", config=viewer).stdout.strip() == "no"


def test_a_read_only_token_cannot_change_anything(kubectl, lab):
    viewer = lab.kubeconfig(role="view")
    refused = kubectl("scale", "deployment", "web", "--replicas=5", config=viewer)
    assert refused.stderr.strip() == (
        'Error from server (Forbidden): deployments.apps "web" is forbidden: User '
        '"system:serviceaccount:default:kubelab-student" cannot patch resource "deployments/scale" in API group '
        '"apps" in the namespace "default"'
    )
    assert jsonpath(kubectl, "deployment", "web", "-o", "jsonpath={.spec.replicas}") == "3"


def test_another_clusters_token_is_unauthorized(kubectl, lab):
    lab.manage("seed_demo", "--name", "other")
    foreign = yaml.safe_load(lab.kubeconfig("other").read_text())
    foreign["clusters"][0]["cluster"]["server"] = f"{lab.base}/k8s/clusters/demo"
    path = lab.var_dir / "foreign.kubeconfig"
    path.write_text(yaml.safe_dump(foreign))
    refused = kubectl("get", "pods", config=path)
    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines()[-1] == ("error: You must be logged in to the server (Unauthorized)")


def test_bad_manifests_get_upstream_errors_and_change_nothing(kubectl):
    unknown = kubectl(
        "apply",
        "-f",
        "-",
        stdin=DOCS_DEPLOYMENT.format(replicas=1)
        .replace("  replicas:", "  bogus: 1\n  replicas:")
        .replace("nginx-deployment", "bogus"),
    )
    assert unknown.stderr.strip() == (
        'Error from server (BadRequest): error when creating "STDIN": Deployment in version "v1" cannot be handled '
        'as a Deployment: strict decoding error: unknown field "spec.bogus"'
    )
    negative = kubectl(
        "apply", "-f", "-", stdin=DOCS_DEPLOYMENT.format(replicas=-1).replace("nginx-deployment", "negative")
    )
    assert negative.stderr.strip() == (
        'The Deployment "negative" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0'
    )
    missing = kubectl("get", "deployments", "bogus", "negative", "--ignore-not-found", "-o", "name")
    assert missing.stdout == ""


def test_describe_pod_and_node(kubectl):
    pod = kubectl("get", "pods", "-l", "app=web", "-o", "jsonpath={.items[0].metadata.name}").stdout
    described = kubectl("describe", "pod", pod)
    assert described.returncode == 0, described.stderr
    assert "Controlled By:  ReplicaSet/web-" in described.stdout
    assert "node.kubernetes.io/not-ready:NoExecute op=Exists for 300s" in described.stdout
    node = kubectl("describe", "node", "worker-1")
    assert "Non-terminated Pods:" in node.stdout
    assert "ProviderID:                   kubelab://nodepool1/worker-1" in node.stdout


def test_get_watch_streams_changes(kubectl, lab, kubectl_binary):
    watcher = subprocess.Popen(
        [str(kubectl_binary), "--kubeconfig", str(lab.kubeconfig()), "get", "deployment", "web", "-w"],
        stdout=subprocess.PIPE,
        text=True,
    )
    guard = threading.Timer(60, watcher.kill)
    guard.start()
    try:
        assert watcher.stdout.readline().split() == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
        assert watcher.stdout.readline().split()[:2] == ["web", "3/3"]
        kubectl("scale", "deployment", "web", "--replicas=4")
        seen = []
        while not seen or seen[-1][1] != "4/4":
            seen.append(watcher.stdout.readline().split())
        assert all(row[0] == "web" for row in seen)
        assert seen[0][1] == "3/4"
    finally:
        guard.cancel()
        watcher.kill()
        watcher.wait()
    kubectl("scale", "deployment", "web", "--replicas=3")


def test_applying_a_node_adds_a_simulated_node(kubectl):
    manifest = {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": "kwok-node-1", "labels": {"kubernetes.io/hostname": "kwok-node-1"}},
        "status": {"capacity": {"cpu": "4", "memory": "8Gi", "pods": "110"}},
    }
    assert kubectl("apply", "-f", "-", stdin=yaml.safe_dump(manifest)).stdout.strip() == "node/kwok-node-1 created"
    ready = kubectl("wait", "--for=condition=Ready", "node/kwok-node-1", "--timeout=60s")
    assert ready.stdout.strip() == "node/kwok-node-1 condition met"


def test_cordon_uncordon_and_drain(kubectl):
    assert kubectl("cordon", "worker-1").stdout.strip() == "node/worker-1 cordoned"
    assert rows(kubectl("get", "node", "worker-1").stdout)[1][1] == "Ready,SchedulingDisabled"
    assert kubectl("uncordon", "worker-1").stdout.strip() == "node/worker-1 uncordoned"
    assert jsonpath(kubectl, "node", "worker-1", "-o", "jsonpath={.spec.unschedulable}") == ""
    drained = kubectl("drain", "worker-3", "--ignore-daemonsets")
    assert drained.stdout.strip().splitlines()[-1] == "node/worker-3 drained", drained.stderr
    # only the node agents' DaemonSet pods stay (kube-proxy and azure-cns)
    left = kubectl("get", "pods", "-A", "--field-selector", "spec.nodeName=worker-3", "-o", "name")
    assert sorted(name.split("/")[1].rsplit("-", 1)[0] for name in left.stdout.split()) == ["azure-cns", "kube-proxy"]
    kubectl("uncordon", "worker-3")
