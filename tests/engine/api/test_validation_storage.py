"""Storage objects refused with upstream's Status (and nothing written), defaults, and the storage admission plugins."""

import pytest

from cluster_engine.api.errors import ApiError
from cluster_engine.storageclasses import storage_classes

from .conftest import snapshot
from .manifests import persistent_volume, persistent_volume_claim, storage_class

ACCESS_MODES = 'supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"'


def _refused(server, write) -> ApiError:
    before = snapshot(server.storage)
    published = []
    server.storage.subscribers.append(published.append)
    with pytest.raises(ApiError) as refused:
        write()
    assert snapshot(server.storage) == before
    assert published == []
    return refused.value


def _bound_claim(server, class_name="managed-csi", size="5Gi") -> dict:
    """A claim as the PV controller leaves it once bound to a volume of `size`."""
    created = server.create("PersistentVolumeClaim", persistent_volume_claim(storageClassName=class_name))
    created["spec"]["volumeName"] = "pv-data"
    updated = server.update("PersistentVolumeClaim", created)
    updated["status"] = {"phase": "Bound", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": size}}
    return server.update("PersistentVolumeClaim", updated, subresource="status")


@pytest.fixture
def classes(server):
    for item in storage_classes():
        server.create("StorageClass", item)
    return server


CREATE_CASES = [
    (
        "PersistentVolumeClaim",
        persistent_volume_claim(accessModes=[]),
        'PersistentVolumeClaim "data" is invalid: spec.accessModes: Required value: at least 1 access mode is required',
    ),
    (
        "PersistentVolumeClaim",
        persistent_volume_claim(accessModes=["ReadWriteSometimes"]),
        f'PersistentVolumeClaim "data" is invalid: spec.accessModes: Unsupported value: "ReadWriteSometimes": '
        f"{ACCESS_MODES}",
    ),
    (
        "PersistentVolumeClaim",
        persistent_volume_claim(accessModes=["ReadWriteOncePod", "ReadWriteOnce"]),
        'PersistentVolumeClaim "data" is invalid: spec.accessModes: Forbidden: may not use ReadWriteOncePod with '
        "other access modes",
    ),
    (
        "PersistentVolumeClaim",
        persistent_volume_claim(resources={"requests": {}}),
        'PersistentVolumeClaim "data" is invalid: spec.resources[storage]: Required value',
    ),
    (
        "PersistentVolumeClaim",
        persistent_volume_claim(resources={"requests": {"storage": "0"}}),
        'PersistentVolumeClaim "data" is invalid: spec.resources[storage]: Invalid value: "0": must be greater '
        "than zero",
    ),
    (
        "PersistentVolumeClaim",
        persistent_volume_claim(volumeMode="Raw"),
        'PersistentVolumeClaim "data" is invalid: spec.volumeMode: Unsupported value: "Raw": supported values: '
        '"Block", "Filesystem"',
    ),
    (
        "PersistentVolume",
        persistent_volume(hostPath=None),
        'PersistentVolume "pv-data" is invalid: spec: Required value: must specify a volume type',
    ),
    (
        "PersistentVolume",
        persistent_volume(nfs={"server": "10.0.0.4", "path": "/exports"}),
        'PersistentVolume "pv-data" is invalid: spec.nfs: Forbidden: may not specify more than 1 volume type',
    ),
    (
        "PersistentVolume",
        persistent_volume(capacity={"storage": "-1Gi"}),
        'PersistentVolume "pv-data" is invalid: spec.capacity[storage]: Invalid value: "-1Gi": must be greater '
        "than zero",
    ),
    (
        "PersistentVolume",
        persistent_volume(persistentVolumeReclaimPolicy="Keep"),
        'PersistentVolume "pv-data" is invalid: spec.persistentVolumeReclaimPolicy: Unsupported value: "Keep": '
        'supported values: "Delete", "Recycle", "Retain"',
    ),
    (
        "PersistentVolume",
        persistent_volume(hostPath=None, csi={"driver": "disk.csi.azure.com"}),
        'PersistentVolume "pv-data" is invalid: spec.csi.volumeHandle: Required value',
    ),
    (
        "StorageClass",
        {**storage_class(), "provisioner": ""},
        'StorageClass.storage.k8s.io "standard" is invalid: provisioner: Required value',
    ),
    (
        "StorageClass",
        {**storage_class(), "volumeBindingMode": "Later"},
        'StorageClass.storage.k8s.io "standard" is invalid: volumeBindingMode: Unsupported value: "Later": '
        'supported values: "Immediate", "WaitForFirstConsumer"',
    ),
    (
        "StorageClass",
        {**storage_class(), "reclaimPolicy": "Recycle"},
        'StorageClass.storage.k8s.io "standard" is invalid: reclaimPolicy: Unsupported value: "Recycle": '
        'supported values: "Delete", "Retain"',
    ),
]


@pytest.mark.parametrize(("kind", "body", "message"), CREATE_CASES)
def test_invalid_storage_objects_are_refused_with_upstreams_words(server, kind, body, message):
    body = {**body, "spec": {k: v for k, v in body["spec"].items() if v is not None}} if "spec" in body else body
    error = _refused(server, lambda: server.create(kind, body))
    assert (error.code, error.reason, error.message) == (422, "Invalid", message)


def test_an_unparsable_size_is_a_bad_request(server):
    body = persistent_volume_claim(resources={"requests": {"storage": "ten gigs"}})
    error = _refused(server, lambda: server.create("PersistentVolumeClaim", body))
    assert error.code == 400
    assert "quantities must match the regular expression" in error.message


def test_defaults_and_the_default_class_and_protection_finalizers(classes):
    created = classes.create("PersistentVolumeClaim", persistent_volume_claim())
    assert created["spec"]["storageClassName"] == "managed-csi"
    assert created["spec"]["volumeMode"] == "Filesystem"
    assert created["status"] == {"phase": "Pending"}
    assert created["metadata"]["finalizers"] == ["kubernetes.io/pvc-protection"]
    explicit = classes.create("PersistentVolumeClaim", persistent_volume_claim("static", storageClassName=""))
    assert explicit["spec"]["storageClassName"] == ""
    pv = classes.create("PersistentVolume", persistent_volume(persistentVolumeReclaimPolicy=None))
    assert pv["spec"]["persistentVolumeReclaimPolicy"] == "Retain"
    assert pv["status"]["phase"] == "Pending"
    assert pv["metadata"]["finalizers"] == ["kubernetes.io/pv-protection"]
    plain = classes.create("StorageClass", {**storage_class("plain"), "reclaimPolicy": None, "volumeBindingMode": None})
    assert (plain["reclaimPolicy"], plain["volumeBindingMode"]) == ("Delete", "Immediate")


def test_without_a_default_class_a_claim_keeps_no_class(server):
    created = server.create("PersistentVolumeClaim", persistent_volume_claim())
    assert "storageClassName" not in created["spec"]


def test_a_storage_classs_parameters_provisioner_policy_and_mode_are_fixed(classes):
    current = classes.get("StorageClass", None, "managed-csi")
    changed = {
        **current,
        "parameters": {"skuname": "Premium_LRS"},
        "provisioner": "file.csi.azure.com",
        "reclaimPolicy": "Retain",
        "volumeBindingMode": "Immediate",
    }
    error = _refused(classes, lambda: classes.update("StorageClass", changed))
    assert error.message == (
        'StorageClass.storage.k8s.io "managed-csi" is invalid: [parameters: Forbidden: updates to parameters are '
        "forbidden., provisioner: Forbidden: updates to provisioner are forbidden., reclaimPolicy: Forbidden: "
        'updates to reclaimPolicy are forbidden., volumeBindingMode: Invalid value: "Immediate": field is immutable]'
    )
    relabelled = {**current, "allowVolumeExpansion": False}
    assert classes.update("StorageClass", relabelled)["allowVolumeExpansion"] is False


def test_a_claims_spec_is_immutable_except_growing_a_bound_claim(classes):
    pending = classes.create("PersistentVolumeClaim", persistent_volume_claim())
    modes = {**pending, "spec": {**pending["spec"], "accessModes": ["ReadWriteMany"]}}
    error = _refused(classes, lambda: classes.update("PersistentVolumeClaim", modes))
    assert error.code == 422
    assert error.causes[0]["field"] == "spec"
    assert error.message.startswith(
        'PersistentVolumeClaim "data" is invalid: spec: Forbidden: spec is immutable after creation except '
        "resources.requests and volumeAttributesClassName for bound claims\n  core.PersistentVolumeClaimSpec{\n"
    )
    assert '- \tAccessModes: ["ReadWriteOnce"],\n+ \tAccessModes: ["ReadWriteMany"],' in error.message
    grown = {**pending, "spec": {**pending["spec"], "resources": {"requests": {"storage": "2Gi"}}}}
    error = _refused(classes, lambda: classes.update("PersistentVolumeClaim", grown))
    assert error.message.startswith('PersistentVolumeClaim "data" is invalid: spec: Forbidden: spec is immutable')


def test_a_bound_claim_may_grow_but_never_shrink(classes):
    bound = _bound_claim(classes, size="1Gi")
    shrunk = {**bound, "spec": {**bound["spec"], "resources": {"requests": {"storage": "512Mi"}}}}
    error = _refused(classes, lambda: classes.update("PersistentVolumeClaim", shrunk))
    assert error.message == (
        'PersistentVolumeClaim "data" is invalid: spec.resources.requests.storage: Forbidden: field can not be '
        "less than status.capacity"
    )
    grown = {**bound, "spec": {**bound["spec"], "resources": {"requests": {"storage": "4Gi"}}}}
    assert classes.update("PersistentVolumeClaim", grown)["spec"]["resources"]["requests"]["storage"] == "4Gi"


def test_growing_a_claim_of_a_class_without_expansion_is_forbidden_by_admission(classes):
    classes.create("StorageClass", {**storage_class("fixed"), "allowVolumeExpansion": False})
    bound = _bound_claim(classes, "fixed")
    grown = {**bound, "spec": {**bound["spec"], "resources": {"requests": {"storage": "4Gi"}}}}
    error = _refused(classes, lambda: classes.update("PersistentVolumeClaim", grown))
    assert error.status() == {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": 'persistentvolumeclaims "data" is forbidden: only dynamically provisioned pvc can be resized and '
        "the storageclass that provisions the pvc must support resize",
        "reason": "Forbidden",
        "details": {"name": "data", "kind": "persistentvolumeclaims"},
        "code": 403,
    }


def test_a_volumes_source_and_node_affinity_are_fixed(server):
    zone = {"matchExpressions": [{"key": "topology.kubernetes.io/zone", "operator": "In", "values": ["westeurope-1"]}]}
    created = server.create(
        "PersistentVolume", persistent_volume(nodeAffinity={"required": {"nodeSelectorTerms": [zone]}})
    )
    moved = {**created, "spec": {**created["spec"], "hostPath": {"path": "/elsewhere"}}}
    error = _refused(server, lambda: server.update("PersistentVolume", moved))
    assert error.message.startswith(
        'PersistentVolume "pv-data" is invalid: spec.persistentvolumesource: Forbidden: spec.persistentvolumesource '
        "is immutable after creation\n"
    )
    rezoned = {**created, "spec": {**created["spec"], "nodeAffinity": {"required": {"nodeSelectorTerms": [{}]}}}}
    error = _refused(server, lambda: server.update("PersistentVolume", rezoned))
    assert "nodeAffinity: Invalid value" in error.message and "field is immutable" in error.message
    bigger = {**created, "spec": {**created["spec"], "capacity": {"storage": "20Gi"}}}
    assert server.update("PersistentVolume", bigger)["spec"]["capacity"] == {"storage": "20Gi"}
