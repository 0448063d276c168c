"""The kubectl command line each kind of edit is explained with, quoted as a shell reads it."""

import json
import shlex

from lab import kubectl_equivalents as kubectl


def test_scale_cordon_and_annotate_read_as_kubectl_is_typed():
    assert kubectl.scale("Deployment", "default", "web", 5) == "kubectl scale deployment web --replicas=5 -n default"
    assert kubectl.cordon("worker-2") == "kubectl cordon worker-2"
    assert kubectl.uncordon("worker-2") == "kubectl uncordon worker-2"
    assert (
        kubectl.annotate("Node", None, ["worker-1"], "kubelab.io/power", "off")
        == "kubectl annotate node worker-1 kubelab.io/power=off --overwrite"
    )
    assert (
        kubectl.annotate("Pod", "default", ["p"], "kubelab.io/crash", None)
        == "kubectl annotate pod p kubelab.io/crash- -n default"
    )


def test_a_cluster_scoped_kind_gets_no_namespace_flag():
    assert kubectl.delete("Node", "default", "worker-3") == "kubectl delete node worker-3"


def test_drain_asks_for_the_flags_the_evicted_pods_need():
    owned = {"metadata": {"ownerReferences": [{"kind": "ReplicaSet", "controller": True}]}, "spec": {}}
    bare = {"metadata": {}, "spec": {"volumes": [{"name": "scratch", "emptyDir": {}}]}}
    assert kubectl.drain("worker-1", [owned]) == "kubectl drain worker-1 --ignore-daemonsets"
    assert kubectl.drain("worker-1", [owned, bare]) == (
        "kubectl drain worker-1 --ignore-daemonsets --delete-emptydir-data --force"
    )


def test_an_edit_is_the_merge_patch_from_before_to_after_quoted_for_the_shell():
    before = {
        "metadata": {"name": "web", "resourceVersion": "3", "labels": {"app": "web", "tier": "x"}},
        "spec": {"replicas": 3, "paused": False},
    }
    after = {
        "metadata": {"name": "web", "resourceVersion": "3", "labels": {"app": "web's"}},
        "spec": {"replicas": 3, "paused": False},
    }
    command = kubectl.patch("Deployment", "default", "web", before, after)
    words = shlex.split(command)
    assert words[:5] == ["kubectl", "patch", "deployment", "web", "--type=merge"]
    assert json.loads(words[6]) == {"metadata": {"labels": {"tier": None, "app": "web's"}}}
    assert words[7:] == ["-n", "default"]
    assert kubectl.patch("Deployment", "default", "web", before, before) is None


def test_a_secret_patch_never_spells_out_a_value():
    before = {"metadata": {"name": "db"}, "data": {"pw": "b2xk"}}
    after = {"metadata": {"name": "db"}, "data": {"pw": "bmV3"}}
    command = kubectl.patch("Secret", "default", "db", before, after)
    assert "bmV3" not in command and '"pw":"***"' in command


def test_a_create_carries_its_manifest_in_a_quoted_here_document():
    command = kubectl.create(
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "$HOME"}, "data": {"a": "b"}}
    )
    first, *body, end = command.splitlines()
    assert first == "kubectl create -f - <<'EOF'"
    assert body == ["apiVersion: v1", "kind: ConfigMap", "metadata:", "  name: $HOME", "data:", "  a: b"]
    assert end == "EOF"


def test_a_lesson_patch_sends_its_own_body_with_its_own_type():
    command = kubectl.patch_with("Deployment", "default", "web", {"spec": {"paused": True}}, "strategic")
    assert shlex.split(command) == [
        "kubectl",
        "patch",
        "deployment",
        "web",
        "--type=strategic",
        "-p",
        '{"spec":{"paused":true}}',
        "-n",
        "default",
    ]
    secret = kubectl.patch_with("Secret", "default", "db", {"data": {"pw": "bmV3"}})
    assert "bmV3" not in secret and '"pw":"***"' in secret


def test_rollout_undo_and_force_delete():
    assert kubectl.rollout_undo("Deployment", "default", "web") == "kubectl rollout undo deployment/web -n default"
    assert (
        kubectl.force_delete("Pod", "default", "db-0") == "kubectl delete pod db-0 --grace-period=0 --force -n default"
    )
