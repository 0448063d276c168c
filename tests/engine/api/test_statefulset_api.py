"""StatefulSet through the API server: upstream's apps/v1 defaults, and its validation refusing with upstream's words."""

import pytest

from cluster_engine.api.errors import ApiError

from .conftest import snapshot
from .manifests import valid


def stateful_set(**spec) -> dict:
    manifest = valid("StatefulSet")
    manifest["spec"].update(spec)
    return manifest


def test_a_short_stateful_set_reads_back_with_upstreams_defaults(server):
    manifest = stateful_set(
        volumeClaimTemplates=[{"metadata": {"name": "data"}, "spec": {"resources": {"requests": {"storage": "1Gi"}}}}]
    )
    del manifest["spec"]["replicas"]
    stored = server.create("StatefulSet", manifest)
    spec = stored["spec"]
    assert spec["replicas"] == 1
    assert spec["podManagementPolicy"] == "OrderedReady"
    assert spec["updateStrategy"] == {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}
    assert spec["revisionHistoryLimit"] == 10
    assert spec["persistentVolumeClaimRetentionPolicy"] == {"whenDeleted": "Retain", "whenScaled": "Retain"}
    claim = spec["volumeClaimTemplates"][0]
    assert (claim["apiVersion"], claim["kind"]) == ("v1", "PersistentVolumeClaim")
    assert claim["spec"]["volumeMode"] == "Filesystem" and claim["status"] == {"phase": "Pending"}
    assert spec["template"]["spec"]["restartPolicy"] == "Always"
    assert stored["status"] == {"replicas": 0}
    assert stored["metadata"]["generation"] == 1


def test_on_delete_gets_no_rolling_update_defaults(server):
    stored = server.create("StatefulSet", stateful_set(updateStrategy={"type": "OnDelete"}))
    assert stored["spec"]["updateStrategy"] == {"type": "OnDelete"}


def test_a_rolling_update_type_written_out_gets_no_partition_as_upstream(server):
    stored = server.create("StatefulSet", stateful_set(updateStrategy={"type": "RollingUpdate"}))
    assert stored["spec"]["updateStrategy"] == {"type": "RollingUpdate"}
    rolling = {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 2}}
    stored = server.create(
        "StatefulSet", {**stateful_set(updateStrategy=rolling), "metadata": {"name": "db2", "namespace": "default"}}
    )
    assert stored["spec"]["updateStrategy"]["rollingUpdate"] == {"maxUnavailable": 2, "partition": 0}


PREFIX = 'StatefulSet.apps "db" is invalid: '
CASES = [
    (
        {"selector": {"matchLabels": {"app": "other"}}},
        'spec.template.metadata.labels: Invalid value: {"app":"db"}: `selector` does not match template `labels`',
    ),
    (
        {"podManagementPolicy": "Sometimes"},
        "spec.podManagementPolicy: Invalid value: \"Sometimes\": must be 'OrderedReady' or 'Parallel'",
    ),
    (
        {"updateStrategy": {"type": "OnDelete", "rollingUpdate": {"partition": 1}}},
        "spec.updateStrategy.rollingUpdate: Invalid value: {\"partition\":1}: only allowed for updateStrategy 'RollingUpdate'",
    ),
    (
        {"updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": -1}}},
        "spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0",
    ),
    (
        {"updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0}}},
        "spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: 0: must be greater than 0",
    ),
    (
        {"persistentVolumeClaimRetentionPolicy": {"whenScaled": "Shred"}},
        'spec.persistentVolumeClaimRetentionPolicy.whenScaled: Unsupported value: "Shred": supported values: '
        '"Retain", "Delete"',
    ),
    ({"replicas": -1}, "spec.replicas: Invalid value: -1: must be greater than or equal to 0"),
]


@pytest.mark.parametrize(("spec", "message"), CASES)
def test_invalid_stateful_sets_are_refused_and_nothing_is_written(server, spec, message):
    before = snapshot(server.storage)
    with pytest.raises(ApiError) as refused:
        server.create("StatefulSet", stateful_set(**spec))
    assert (refused.value.code, refused.value.message) == (422, PREFIX + message)
    assert snapshot(server.storage) == before


def test_only_the_listed_spec_fields_may_change(server):
    server.create("StatefulSet", stateful_set())
    server.patch("StatefulSet", "default", "db", {"spec": {"replicas": 5, "minReadySeconds": 3}})
    before = snapshot(server.storage)
    with pytest.raises(ApiError) as refused:
        server.patch("StatefulSet", "default", "db", {"spec": {"podManagementPolicy": "Parallel"}})
    assert refused.value.message == PREFIX + (
        "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', "
        "'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are "
        "forbidden"
    )
    assert snapshot(server.storage) == before


def test_a_template_change_moves_the_generation_a_status_change_does_not(server):
    server.create("StatefulSet", stateful_set())
    patch = {"spec": {"template": {"spec": {"containers": [{"name": "db", "image": "postgres:17"}]}}}}
    changed = server.patch("StatefulSet", "default", "db", patch, "strategic")
    assert changed["metadata"]["generation"] == 2
    status = server.update("StatefulSet", {**changed, "status": {"replicas": 1}}, subresource="status")
    assert status["metadata"]["generation"] == 2
