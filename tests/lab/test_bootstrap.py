"""runlab's helpers: the admin login, the demo cluster, the clock speed; and the seed_demo command."""

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from lab import bootstrap
from lab.management.commands.runlab import Command as RunLab
from lab.models import Cluster, proxy_for

ControlPlaneComponent, Deployment, Node, PriorityClass, StorageClass = (
    proxy_for(kind) for kind in ("ControlPlaneComponent", "Deployment", "Node", "PriorityClass", "StorageClass")
)


@pytest.fixture
def var_dir(settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    monkeypatch.delenv(bootstrap.PASSWORD_ENVIRONMENT, raising=False)
    return tmp_path


def test_a_generated_password_is_shown_once_and_stored_privately(db, var_dir):
    first = bootstrap.ensure_admin()
    stored = (var_dir / "admin-password").read_text().strip()
    assert first.password == stored and len(stored) >= 16
    assert (var_dir / "admin-password").stat().st_mode & 0o777 == 0o600
    assert authenticate(username="admin", password=stored).is_superuser
    again = bootstrap.ensure_admin()
    assert (again.password, again.where) == (None, f"stored in {var_dir / 'admin-password'}")
    assert authenticate(username="admin", password=stored) is not None


def test_the_environment_password_is_applied_on_every_start(db, var_dir, monkeypatch):
    monkeypatch.setenv(bootstrap.PASSWORD_ENVIRONMENT, "first-secret-1")
    bootstrap.ensure_admin()
    monkeypatch.setenv(bootstrap.PASSWORD_ENVIRONMENT, "second-secret-2")
    login = bootstrap.ensure_admin()
    assert login.password is None and login.where == "from KUBELAB_ADMIN_PASSWORD"
    assert authenticate(username="admin", password="first-secret-1") is None
    assert authenticate(username="admin", password="second-secret-2") is not None
    assert not (var_dir / "admin-password").exists()


def test_a_password_the_validators_refuse_is_refused_with_their_messages(db, var_dir, monkeypatch):
    monkeypatch.setenv(bootstrap.PASSWORD_ENVIRONMENT, "admin")
    with pytest.raises(ValidationError) as refused:
        bootstrap.ensure_admin()
    assert "This password is too short. It must contain at least 8 characters." in refused.value.messages
    assert "This password is too common." in refused.value.messages
    assert not get_user_model().objects.exists()


@pytest.fixture
def runlab_without_serving(monkeypatch):
    monkeypatch.setattr(RunLab, "_serve", lambda self, host, port, kube_port: None)


def test_runlab_exits_on_a_refused_password(db, var_dir, monkeypatch, runlab_without_serving):
    monkeypatch.setenv(bootstrap.PASSWORD_ENVIRONMENT, "12345678")
    with pytest.raises(CommandError, match="KUBELAB_ADMIN_PASSWORD is refused: .*This password is entirely numeric"):
        call_command("runlab")
    assert not get_user_model().objects.exists()


def test_runlab_never_prints_a_password_from_the_environment(db, var_dir, monkeypatch, capsys, runlab_without_serving):
    monkeypatch.setenv(bootstrap.PASSWORD_ENVIRONMENT, "kept-off-screen-7")
    call_command("runlab")
    printed = capsys.readouterr().out
    assert "user admin  password (from KUBELAB_ADMIN_PASSWORD)" in printed
    assert "kept-off-screen-7" not in printed
    assert authenticate(username="admin", password="kept-off-screen-7").is_superuser


def test_the_demo_cluster_is_seeded_once(db):
    cluster, created = bootstrap.ensure_demo_cluster()
    assert created
    assert sorted(Node.objects.filter(cluster=cluster).values_list("name", flat=True)) == [
        "control-plane-1",
        "worker-1",
        "worker-2",
        "worker-3",
    ]
    assert ControlPlaneComponent.objects.filter(cluster=cluster).count() == 5
    assert Deployment.objects.get(cluster=cluster, name="web").manifest["spec"]["replicas"] == 3
    assert sorted(StorageClass.objects.filter(cluster=cluster).values_list("name", flat=True)) == [
        "azurefile-csi",
        "managed-csi",
    ]
    assert sorted(PriorityClass.objects.filter(cluster=cluster).values_list("name", flat=True)) == [
        "system-cluster-critical",
        "system-node-critical",
    ]
    # 4 namespaces, 4 nodes, 5 components, 2 storage classes, 2 priority classes, the node agents' 2 service
    # accounts and 2 DaemonSets, web and its Service
    assert cluster.resource_version == 23
    same, created_again = bootstrap.ensure_demo_cluster()
    assert (same.pk, created_again) == (cluster.pk, False)
    assert Cluster.objects.count() == 1


def test_speed_is_held_to_the_clock_range(db):
    cluster, _ = bootstrap.ensure_demo_cluster()
    bootstrap.set_speed(cluster, 25)
    assert Cluster.objects.get(pk=cluster.pk).speed == 25
    with pytest.raises(ValueError, match="speed must be between 0.25x and 100x, not 500x"):
        bootstrap.set_speed(cluster, 500)


def test_seed_demo_command_makes_an_ha_cluster(db):
    call_command("seed_demo", "--topology", "ha", "--name", "class-a")
    cluster = Cluster.objects.get(name="class-a")
    assert cluster.topology == "ha"
    assert Node.objects.filter(cluster=cluster, name__startswith="control-plane-").count() == 3
    assert ControlPlaneComponent.objects.filter(cluster=cluster).count() == 15
    with pytest.raises(CommandError, match='A cluster named "class-a" already exists'):
        call_command("seed_demo", "--name", "class-a")
