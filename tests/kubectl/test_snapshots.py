"""A snapshot is a file the real kubectl accepts: it reads it as a List, checks every item against the server's
OpenAPI v2 document (its field-validation verifier never hands a List to the server) and applies it to a fresh lab
cluster."""

import yaml


def test_a_snapshot_applies_with_kubectl_to_a_fresh_cluster(kubectl, lab):
    snapshot = lab.var_dir / "demo-snapshot.yaml"
    lab.manage("export_cluster", "demo", "-o", str(snapshot))
    lab.manage("seed_demo", "--name", "fresh-for-snapshot")
    fresh = lab.kubeconfig("fresh-for-snapshot")
    items = yaml.safe_load(snapshot.read_text())["items"]

    applied = kubectl("apply", "--dry-run=client", "-f", str(snapshot), config=fresh)
    assert applied.returncode == 0, applied.stderr
    lines = applied.stdout.splitlines()
    assert len(lines) == len(items) and all(line.endswith(" (dry run)") for line in lines)
    assert lines[0] == "configmap/kubelab-snapshot created (dry run)"
    assert "deployment.apps/web configured (dry run)" in lines
    assert "controlplanecomponent.kubelab.io/etcd-control-plane-1 configured (dry run)" in lines
