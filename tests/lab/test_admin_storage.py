"""Storage classes, volumes and claims in the admin: listed with kubectl's columns, edited as YAML through the API
server (an immutable field refused on its form field, nothing saved)."""

import pytest
import yaml
from django.contrib.auth.models import User
from django.urls import reverse

from lab.apiserver import api_server_for
from lab.models import Cluster, proxy_for

StorageClass, PersistentVolumeClaim = proxy_for("StorageClass"), proxy_for("PersistentVolumeClaim")


@pytest.fixture
def browser(client, db):
    client.force_login(User.objects.create_superuser("admin", "admin@example.com", "pw"))
    return client


def _change_url(row):
    return reverse(f"admin:lab_{row._meta.model_name}_change", args=[row.pk])


def test_storage_classes_are_listed_with_kubectls_columns(browser, demo):
    page = browser.get(reverse("admin:lab_storageclass_changelist")).content.decode()
    for header in ("provisioner", "reclaimpolicy", "volumebindingmode", "allowvolumeexpansion"):
        assert f">{header}<" in page.lower()
    assert "managed-csi (default)" in page
    assert "WaitForFirstConsumer" in page and "file.csi.azure.com" in page


def test_claims_and_volumes_are_listed_with_their_phase(browser, demo):
    operator = api_server_for(demo, operator=True)
    claim = {
        "metadata": {"name": "data", "namespace": "default"},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
    }
    operator.create("PersistentVolumeClaim", claim)
    page = browser.get(reverse("admin:lab_persistentvolumeclaim_changelist")).content.decode()
    for column in ("status", "volume", "capacity", "access_modes", "storageclass"):
        assert f'class="column-{column}"' in page
    assert '<td class="field-status">Pending</td>' in page
    assert '<td class="field-storageclass">managed-csi</td>' in page
    assert browser.get(reverse("admin:lab_persistentvolume_changelist")).status_code == 200


def test_editing_a_storage_class_saves_allowed_changes_and_refuses_immutable_ones(browser, demo):
    row = StorageClass.objects.get(cluster=demo, name="azurefile-csi")
    form = {
        "resource_version": str(row.resource_version),
        "labels": yaml.safe_dump(row.manifest["metadata"]["labels"]),
        "annotations": "",
        "provisioner": "file.csi.azure.com",
        "parameters": yaml.safe_dump(row.manifest["parameters"]),
        "reclaimPolicy": "Delete",
        "volumeBindingMode": "Immediate",
        "allowVolumeExpansion": "false",
        "mountOptions": yaml.safe_dump(row.manifest["mountOptions"]),
        "_save": "Save",
    }
    assert browser.post(_change_url(row), form).status_code == 302
    row.refresh_from_db()
    assert row.manifest["allowVolumeExpansion"] is False
    version = Cluster.objects.get(pk=demo.pk).resource_version
    refused = browser.post(
        _change_url(row), {**form, "resource_version": str(row.resource_version), "reclaimPolicy": "Retain"}
    )
    errors = refused.context["adminform"].form.errors["reclaimPolicy"]
    assert errors == ["reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden."]
    assert Cluster.objects.get(pk=demo.pk).resource_version == version
