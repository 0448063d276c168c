import copy

import pytest

from cluster_engine.api.kinds import ALL_KINDS
from lab.models import KubeObject, proxy_for
from lab.serializers import from_kube, new_row, to_kube

from .samples import SAMPLES


def test_every_kind_has_a_sample_and_a_proxy_model():
    assert sorted(SAMPLES) == sorted(kind.kind for kind in ALL_KINDS)
    assert all(kind.kind == proxy_for(kind.kind).KIND for kind in ALL_KINDS)


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_round_trip_through_the_database(cluster, kind):
    obj = SAMPLES[kind]
    new_row(cluster, copy.deepcopy(obj)).save()
    row = proxy_for(kind).objects.get(cluster=cluster, name=obj["metadata"]["name"])
    assert to_kube(row) == obj


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_absent_fields_stay_absent(cluster, kind):
    bare = {
        "apiVersion": SAMPLES[kind]["apiVersion"],
        "kind": kind,
        "metadata": {"name": "bare", "uid": "u", "resourceVersion": "7", "creationTimestamp": "2026-01-01T00:00:00Z"},
    }
    new_row(cluster, copy.deepcopy(bare)).save()
    assert to_kube(proxy_for(kind).objects.get(cluster=cluster, name="bare")) == bare


def test_rewriting_a_row_drops_fields_the_new_version_lacks(cluster):
    pod = copy.deepcopy(SAMPLES["Pod"])
    row = new_row(cluster, pod)
    row.save()
    del pod["metadata"]["deletionTimestamp"], pod["metadata"]["finalizers"], pod["spec"]["nodeName"]
    from_kube(pod, row).save()
    row.refresh_from_db()
    assert to_kube(row) == pod
    assert row.node_name == ""


def test_pod_node_name_column_follows_spec(cluster):
    new_row(cluster, copy.deepcopy(SAMPLES["Pod"])).save()
    assert proxy_for("Pod").objects.get(cluster=cluster).node_name == "worker-1"


def test_queried_columns_are_copied_from_the_object(cluster):
    for kind in ("Pod", "Event"):
        new_row(cluster, copy.deepcopy(SAMPLES[kind])).save()
    pod = KubeObject.objects.get(cluster=cluster, kind="Pod")
    metadata = SAMPLES["Pod"]["metadata"]
    assert (pod.namespace, pod.name, pod.uid, pod.resource_version) == (
        metadata["namespace"],
        metadata["name"],
        metadata["uid"],
        int(metadata["resourceVersion"]),
    )
    assert pod.creation_timestamp.isoformat() == metadata["creationTimestamp"].replace("Z", "+00:00")
    assert pod.deletion_timestamp.isoformat() == metadata["deletionTimestamp"].replace("Z", "+00:00")
    event = KubeObject.objects.get(cluster=cluster, kind="Event")
    assert (event.last_timestamp, event.node_name) == (SAMPLES["Event"]["lastTimestamp"], "")


def test_each_proxy_lists_only_its_kind(cluster):
    for kind in ("Pod", "Event", "Node"):
        new_row(cluster, copy.deepcopy(SAMPLES[kind])).save()
    assert [row.kind for row in proxy_for("Event").objects.all()] == ["Event"]
    assert not proxy_for("ConfigMap").objects.exists()
