"""A cluster exported and imported again holds the same objects (new resourceVersions only) on the same clock."""

import pytest
import yaml

from cluster_engine.api.availability import POWER_ANNOTATION
from lab.apiserver import api_server_for
from lab.kubeapi import auth
from lab.kubeapi.kubeconfig import ensure_account
from lab.models import Cluster
from lab.snapshots.document import HEADER_NAME
from lab.snapshots.export import export_cluster
from lab.snapshots.reading import import_snapshot

from ..test_cluster_restore import objects_of, running_pods, without_version
from ..test_engine_host import run_with_host, until

pytestmark = pytest.mark.django_db(transaction=True)


def test_export_then_import_gives_the_same_objects_and_clock(demo, channel_layer):
    Cluster.objects.filter(pk=demo.pk).update(speed=100, seed=7)

    async def pods_run(host, states):
        await until(lambda state: len(running_pods(demo, "default")) == 3, states, limit=2000)

    run_with_host(demo, pods_run, components=None)
    operator = api_server_for(demo, operator=True)
    operator.create("Secret", {"metadata": {"name": "db", "namespace": "default"}, "stringData": {"pw": "s3cret"}})
    operator.patch("Node", None, "worker-2", {"metadata": {"annotations": {POWER_ANNOTATION: "off"}}})
    demo.refresh_from_db()
    saved = objects_of(demo)

    text = export_cluster(demo)
    copy = import_snapshot("demo-copy", text)

    restored = objects_of(copy)
    assert {key: without_version(obj) for key, obj in restored.items()} == {
        key: without_version(obj) for key, obj in saved.items()
    }
    assert restored[("Node", None, "worker-2")]["metadata"]["annotations"][POWER_ANNOTATION] == "off"
    assert (copy.now, copy.epoch, copy.speed, copy.topology, copy.seed) == (
        demo.now,
        demo.epoch,
        100,
        demo.topology,
        7,
    )
    assert copy.paused and copy.now > 0
    assert ("ConfigMap", "kube-system", HEADER_NAME) not in restored  # the header is the file's, not an object
    assert len(running_pods(copy, "default")) == 3


def test_the_export_is_one_v1_list_headed_by_the_clock(demo):
    document = yaml.safe_load(export_cluster(demo))
    assert (document["apiVersion"], document["kind"]) == ("v1", "List")
    header, *objects = document["items"]
    assert header["kind"] == "ConfigMap" and header["metadata"]["name"] == HEADER_NAME
    assert header["data"]["cluster"] == "demo" and float(header["data"]["epoch"]) == demo.epoch
    assert objects[0]["kind"] == "Namespace"  # applied before what lives in them
    assert len(objects) == len(objects_of(demo))
    assert not [obj for obj in objects if "resourceVersion" in obj["metadata"]]


def test_a_viewer_export_leaves_secrets_out_as_the_view_role_cannot_list_them(demo):
    api_server_for(demo, operator=True).create(
        "Secret", {"metadata": {"name": "db", "namespace": "default"}, "stringData": {"pw": "s3cret"}}
    )
    kinds = [item["kind"] for item in yaml.safe_load(export_cluster(demo, include_secrets=False))["items"]]
    assert "Secret" not in kinds and "ConfigMap" in kinds
    assert "Secret" in [item["kind"] for item in yaml.safe_load(export_cluster(demo))["items"]]


def test_the_accounts_behind_kubeconfigs_stay_with_their_cluster(demo):
    """A copy grants its own access: a visitor's kubeconfig for it is `view`, whatever the source's accounts said."""
    for role in (auth.ADMIN, auth.VIEW):
        ensure_account(demo, role)
    names = [(item["kind"], item["metadata"]["name"]) for item in yaml.safe_load(export_cluster(demo))["items"]]
    assert ("ServiceAccount", "kubelab-admin") not in names and ("ServiceAccount", "kubelab-student") not in names
    copy = import_snapshot("copy", export_cluster(demo))
    assert auth.role_of(ensure_account(copy, auth.VIEW)) == auth.VIEW
