"""The PersistentVolume controller, the simulated CSI provisioner, expansion and the protection controllers.

Binding cases follow upstream's binder_test.go (pkg/controller/volume/persistentvolume): a claim binds the smallest
free volume that fits, a pre-bound claim or volume binds only its partner, and what cannot bind says why.
"""

import pytest

from cluster_engine.controllers.csi_provisioner import DELETE_SECONDS, PROVISION_SECONDS, CSIProvisioner
from cluster_engine.controllers.persistentvolume import PersistentVolumeController
from cluster_engine.controllers.volume_expansion import NODE_RESIZE_SECONDS, RESIZE_SECONDS, VolumeExpansion
from cluster_engine.controllers.volume_protection import PVCProtectionController, PVProtectionController
from cluster_engine.scenarios import node_manifest
from cluster_engine.storageclasses import storage_classes

from .helpers import set_pod_status, simulation

STORAGE = [PersistentVolumeController, PVCProtectionController, PVProtectionController, CSIProvisioner, VolumeExpansion]
SELECTED_NODE = "volume.kubernetes.io/selected-node"


def volume(name, size="10Gi", modes=("ReadWriteOnce",), storage_class="", claim=None, policy="Retain", **extra):
    spec = {
        "capacity": {"storage": size},
        "accessModes": list(modes),
        "persistentVolumeReclaimPolicy": policy,
        "hostPath": {"path": f"/data/{name}"},
        **extra,
    }
    if storage_class:
        spec["storageClassName"] = storage_class
    if claim:
        spec["claimRef"] = {"namespace": "default", "name": claim}
    return {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": name}, "spec": spec}


def claim(name="data", size="5Gi", modes=("ReadWriteOnce",), storage_class="", **spec):
    if storage_class is not None:
        spec["storageClassName"] = storage_class
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "accessModes": list(modes),
            "resources": {"requests": {"storage": size}},
            **spec,
        },
    }


def pod(name, claim_name, node=None):
    spec = {
        "containers": [{"name": "db", "image": "postgres:17"}],
        "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": claim_name}}],
    }
    if node:
        spec["nodeName"] = node
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"}, "spec": spec}


def cluster(*objects):
    nodes = [node_manifest(f"worker-{index + 1}", index, zone=index + 1) for index in range(3)]
    sim = simulation(STORAGE, [*nodes, *storage_classes(), *objects])
    sim.run_for(1)
    return sim


def get_claim(sim, name="data"):
    return sim.get("PersistentVolumeClaim", f"default/{name}")


def events(sim, name):
    return [
        (event["type"], event["reason"], event["message"])
        for event in sim.objects("Event", "default")
        if event["involvedObject"]["name"] == name
    ]


def annotations(obj):
    return obj["metadata"].get("annotations") or {}


# ---- binding (binder_test.go) --------------------------------------------------------------------------------
def test_a_claim_binds_the_smallest_free_volume_that_fits_and_both_sides_record_it():
    sim = cluster(volume("big", "20Gi"), volume("small", "1Gi"), volume("fits", "8Gi"), claim(size="5Gi"))
    bound = get_claim(sim)
    pv = sim.get("PersistentVolume", "fits")
    assert bound["spec"]["volumeName"] == "fits"
    assert bound["status"] == {"phase": "Bound", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": "8Gi"}}
    assert annotations(bound) == {
        "pv.kubernetes.io/bind-completed": "yes",
        "pv.kubernetes.io/bound-by-controller": "yes",
    }
    assert pv["status"]["phase"] == "Bound"
    assert annotations(pv) == {"pv.kubernetes.io/bound-by-controller": "yes"}
    ref = pv["spec"]["claimRef"]
    assert (ref["kind"], ref["namespace"], ref["name"], ref["uid"]) == (
        "PersistentVolumeClaim",
        "default",
        "data",
        bound["metadata"]["uid"],
    )
    assert [sim.get("PersistentVolume", name)["status"]["phase"] for name in ("big", "small")] == ["Available"] * 2


@pytest.mark.parametrize(
    "candidate",
    [
        volume("other-class", storage_class="azurefile-csi"),
        volume("read-only", modes=("ReadOnlyMany",)),
        volume("block", volumeMode="Block"),
        volume("labelled-wrong"),
    ],
)
def test_a_volume_of_another_class_mode_or_label_is_not_matched(candidate):
    wanted = (
        claim(selector={"matchLabels": {"tier": "gold"}})
        if candidate["metadata"]["name"] == "labelled-wrong"
        else claim()
    )
    sim = cluster(candidate, wanted)
    assert get_claim(sim)["status"]["phase"] == "Pending"
    assert sim.get("PersistentVolume", candidate["metadata"]["name"])["status"]["phase"] == "Available"
    assert (
        "Normal",
        "FailedBinding",
        "no persistent volumes available for this claim and no storage class is set",
    ) in events(sim, "data")


def test_the_smallest_access_mode_set_holding_the_claims_modes_is_tried_first():
    sim = cluster(
        volume("rwo-rwx", "5Gi", ("ReadWriteOnce", "ReadWriteMany")), volume("rwo", "50Gi"), claim(size="1Gi")
    )
    assert get_claim(sim)["spec"]["volumeName"] == "rwo"


def test_a_claim_naming_a_volume_binds_it_and_only_the_volume_records_the_controller():
    sim = cluster(volume("chosen"), volume("smaller", "6Gi"), claim(volumeName="chosen"))
    bound = get_claim(sim)
    assert bound["status"]["phase"] == "Bound"
    assert annotations(bound) == {"pv.kubernetes.io/bind-completed": "yes"}
    assert annotations(sim.get("PersistentVolume", "chosen")) == {"pv.kubernetes.io/bound-by-controller": "yes"}


def test_a_volume_pre_bound_to_a_claim_binds_only_that_claim():
    sim = cluster(volume("reserved", claim="data"), claim("other", size="1Gi"), claim("data"))
    assert get_claim(sim)["spec"]["volumeName"] == "reserved"
    assert annotations(sim.get("PersistentVolume", "reserved")) == {}
    assert annotations(get_claim(sim))["pv.kubernetes.io/bound-by-controller"] == "yes"
    assert get_claim(sim, "other")["status"]["phase"] == "Pending"


def test_a_claim_naming_a_volume_too_small_reports_the_mismatch():
    sim = cluster(volume("tiny", "1Gi"), claim(volumeName="tiny"))
    assert get_claim(sim)["status"]["phase"] == "Pending"
    assert ("Warning", "VolumeMismatch", "requested PV is too small") in events(sim, "data")


def test_a_claim_naming_a_volume_bound_elsewhere_waits():
    sim = cluster(volume("taken"), claim("first"))
    sim.apply([claim("second", volumeName="taken")])
    sim.run_for(1)
    assert get_claim(sim, "second")["status"]["phase"] == "Pending"
    assert ("Warning", "FailedBinding", 'volume "taken" already bound to a different claim.') in events(sim, "second")


def test_a_claim_naming_a_missing_volume_stays_pending_until_it_appears():
    sim = cluster(claim(volumeName="later"))
    assert get_claim(sim)["status"]["phase"] == "Pending"
    sim.apply([volume("later")])
    sim.run_for(1)
    assert get_claim(sim)["status"]["phase"] == "Pending"
    sim.run_for(15)  # upstream looks again at the next periodic sync (--pvclaimbinder-sync-period)
    assert get_claim(sim)["status"]["phase"] == "Bound"


def test_a_claim_made_before_any_default_class_gets_the_default_once_one_exists():
    sim = simulation(STORAGE, [claim(storage_class=None), claim("none", storage_class="")])
    sim.run_for(1)
    assert "storageClassName" not in get_claim(sim)["spec"]
    sim.apply(storage_classes())
    sim.run_for(15)
    assert get_claim(sim)["spec"]["storageClassName"] == "managed-csi"
    assert get_claim(sim, "none")["spec"]["storageClassName"] == ""


@pytest.mark.parametrize("by_controller", [True, False])
def test_a_volume_pointing_at_a_claim_bound_elsewhere_is_unbound(by_controller):
    sim = cluster(volume("chosen"), volume("stray"), claim(volumeName="chosen"))
    bound = get_claim(sim)
    stray = sim.get("PersistentVolume", "stray")
    ref = {"kind": "PersistentVolumeClaim", "namespace": "default", "name": "data", "uid": bound["metadata"]["uid"]}
    marks = {"pv.kubernetes.io/bound-by-controller": "yes"} if by_controller else {}
    stray["metadata"]["annotations"] = marks
    stray["spec"]["claimRef"] = ref
    sim.server.update("PersistentVolume", stray)
    sim.run_for(1)
    stray = sim.get("PersistentVolume", "stray")
    assert stray["status"]["phase"] == "Available"
    assert annotations(stray) == {}
    if by_controller:
        assert "claimRef" not in stray["spec"]  # the controller's binding is undone
    else:
        assert stray["spec"]["claimRef"] == {k: v for k, v in ref.items() if k != "uid"}  # the user's stays
    assert get_claim(sim)["spec"]["volumeName"] == "chosen"


# ---- reclaiming ----------------------------------------------------------------------------------------------
def test_deleting_the_claim_of_a_retained_volume_releases_it_and_keeps_it():
    sim = cluster(volume("kept"), claim())
    sim.server.delete("PersistentVolumeClaim", "default", "data")
    sim.run_for(1)
    assert get_claim(sim) is None
    kept = sim.get("PersistentVolume", "kept")
    assert kept["status"]["phase"] == "Released"
    assert kept["spec"]["claimRef"]["name"] == "data"
    sim.apply([claim()])  # a new claim of the same name does not get the released volume
    sim.run_for(1)
    assert get_claim(sim)["status"]["phase"] == "Pending"


def test_a_static_volume_with_reclaim_policy_delete_fails_as_nothing_can_delete_it():
    sim = cluster(volume("static", policy="Delete"), claim())
    sim.server.delete("PersistentVolumeClaim", "default", "data")
    sim.run_for(1)
    failed = sim.get("PersistentVolume", "static")
    message = 'error getting deleter volume plugin for volume "static": no deletable volume plugin matched'
    assert failed["status"]["phase"] == "Failed"
    assert failed["status"]["message"] == message
    assert ("Warning", "VolumeFailedDelete", message) in events(sim, "static")


def test_a_bound_claim_whose_volume_is_gone_is_lost():
    sim = cluster(volume("doomed"), claim())
    pv = sim.get("PersistentVolume", "doomed")
    sim.operator.update("PersistentVolume", {**pv, "metadata": {**pv["metadata"], "finalizers": []}})
    sim.server.delete("PersistentVolume", None, "doomed")
    sim.run_for(1)
    assert get_claim(sim)["status"]["phase"] == "Lost"
    message = "Bound claim has lost its PersistentVolume. Data on the volume is lost!"
    assert ("Warning", "ClaimLost", message) in events(sim, "data")


# ---- dynamic provisioning ------------------------------------------------------------------------------------
def test_a_wait_for_first_consumer_claim_waits_then_is_provisioned_in_the_selected_nodes_zone():
    sim = cluster(claim(size="1500Mi", storage_class="managed-csi"))
    assert get_claim(sim)["status"]["phase"] == "Pending"
    assert ("Normal", "WaitForFirstConsumer", "waiting for first consumer to be created before binding") in events(
        sim, "data"
    )
    sim.apply([pod("db-0", "data")])
    sim.run_for(15)  # the next periodic sync names the pod it waits for
    assert ("Normal", "WaitForPodScheduled", "waiting for pod db-0 to be scheduled") in events(sim, "data")
    pending = get_claim(sim)
    pending["metadata"]["annotations"] = {**annotations(pending), SELECTED_NODE: "worker-2"}
    sim.server.update("PersistentVolumeClaim", pending)
    sim.run_for(PROVISION_SECONDS - 1)
    assert not sim.objects("PersistentVolume")
    sim.run_for(2)
    bound = get_claim(sim)
    name = f"pvc-{bound['metadata']['uid']}"
    pv = sim.get("PersistentVolume", name)
    assert bound["status"]["phase"] == "Bound" and bound["spec"]["volumeName"] == name
    assert pv["spec"]["capacity"] == {"storage": "2Gi"}  # Azure rounds up to whole GiB
    assert pv["spec"]["csi"]["driver"] == "disk.csi.azure.com"
    assert pv["spec"]["csi"]["volumeHandle"].endswith(f"/providers/Microsoft.Compute/disks/{name}")
    assert pv["spec"]["nodeAffinity"]["required"]["nodeSelectorTerms"] == [
        {"matchExpressions": [{"key": "topology.kubernetes.io/zone", "operator": "In", "values": ["westeurope-2"]}]}
    ]
    assert (pv["spec"]["persistentVolumeReclaimPolicy"], pv["spec"]["storageClassName"]) == ("Delete", "managed-csi")
    assert annotations(pv)["pv.kubernetes.io/provisioned-by"] == "disk.csi.azure.com"
    reasons = [reason for _, reason, _ in events(sim, "data")]
    assert (
        reasons.index("ExternalProvisioning") < reasons.index("Provisioning") < reasons.index("ProvisioningSucceeded")
    )
    assert ("Normal", "ProvisioningSucceeded", f"Successfully provisioned volume {name}") in events(sim, "data")


def test_an_immediate_file_share_claim_is_provisioned_at_once_without_zone():
    sim = cluster(claim(size="100Gi", modes=("ReadWriteMany",), storage_class="azurefile-csi"))
    sim.run_for(PROVISION_SECONDS)
    bound = get_claim(sim)
    assert bound["status"]["phase"] == "Bound"
    assert bound["status"]["accessModes"] == ["ReadWriteMany"]
    pv = sim.get("PersistentVolume", bound["spec"]["volumeName"])
    assert "nodeAffinity" not in pv["spec"]
    assert pv["spec"]["mountOptions"] == ["mfsymlinks", "actimeo=30", "nosharesock"]
    message = (
        "Waiting for a volume to be created either by the external provisioner 'file.csi.azure.com' or manually by "
        "the system administrator. If volume creation is delayed, please verify that the provisioner is running and "
        "correctly registered."
    )
    assert ("Normal", "ExternalProvisioning", message) in events(sim, "data")


def test_a_claim_of_a_missing_class_fails_to_provision():
    sim = cluster(claim(storage_class="premium"))
    assert ("Warning", "ProvisioningFailed", 'storageclass.storage.k8s.io "premium" not found') in events(sim, "data")


def test_deleting_a_provisioned_claim_deletes_its_disk_then_its_volume():
    sim = cluster(claim(modes=("ReadWriteMany",), storage_class="azurefile-csi"))
    sim.run_for(PROVISION_SECONDS)
    name = get_claim(sim)["spec"]["volumeName"]
    sim.server.delete("PersistentVolumeClaim", "default", "data")
    sim.run_for(1)
    assert sim.get("PersistentVolume", name)["status"]["phase"] == "Released"
    sim.run_for(DELETE_SECONDS)
    assert sim.get("PersistentVolume", name) is None


# ---- protection ----------------------------------------------------------------------------------------------
def test_a_claim_in_use_by_a_pod_is_kept_until_the_pod_is_gone():
    sim = cluster(volume("disk"), claim(), pod("db", "data"))
    sim.server.delete("PersistentVolumeClaim", "default", "data")
    sim.run_for(1)
    terminating = get_claim(sim)
    assert terminating["metadata"]["deletionTimestamp"]
    assert terminating["metadata"]["finalizers"] == ["kubernetes.io/pvc-protection"]
    sim.server.delete("Pod", "default", "db")
    sim.run_for(1)
    assert get_claim(sim) is None
    assert sim.get("PersistentVolume", "disk")["status"]["phase"] == "Released"


def test_a_bound_volume_deleted_stays_terminating_until_its_claim_lets_go():
    sim = cluster(volume("disk"), claim())
    sim.server.delete("PersistentVolume", None, "disk")
    sim.run_for(1)
    assert sim.get("PersistentVolume", "disk")["metadata"]["finalizers"] == ["kubernetes.io/pv-protection"]
    sim.server.delete("PersistentVolumeClaim", "default", "data")
    sim.run_for(1)
    assert sim.get("PersistentVolume", "disk") is None


# ---- expansion -----------------------------------------------------------------------------------------------
def _grow(sim, size):
    current = get_claim(sim)
    current["spec"]["resources"]["requests"]["storage"] = size
    sim.server.update("PersistentVolumeClaim", current)


def test_a_disk_grows_in_the_cloud_then_its_file_system_once_a_pod_runs_it():
    sim = cluster(claim(size="4Gi", storage_class="managed-csi", volumeName=""))
    pending = get_claim(sim)
    pending["metadata"]["annotations"] = {**annotations(pending), SELECTED_NODE: "worker-1"}
    sim.server.update("PersistentVolumeClaim", pending)
    sim.run_for(PROVISION_SECONDS + 1)
    _grow(sim, "8Gi")
    sim.run_for(1)
    resizing = get_claim(sim)
    assert annotations(resizing)["volume.kubernetes.io/storage-resizer"] == "disk.csi.azure.com"
    assert [condition["type"] for condition in resizing["status"]["conditions"]] == ["Resizing"]
    assert resizing["status"]["allocatedResourceStatuses"] == {"storage": "ControllerResizeInProgress"}
    sim.run_for(RESIZE_SECONDS)
    waiting = get_claim(sim)
    assert sim.get("PersistentVolume", waiting["spec"]["volumeName"])["spec"]["capacity"] == {"storage": "8Gi"}
    assert waiting["status"]["capacity"] == {"storage": "4Gi"}
    assert [condition["type"] for condition in waiting["status"]["conditions"]] == ["FileSystemResizePending"]
    reasons = [reason for _, reason, _ in events(sim, "data")]
    assert {"ExternalExpanding", "Resizing", "FileSystemResizeRequired"} <= set(reasons)
    running = sim.apply([pod("db", "data", node="worker-1")])[0]
    set_pod_status(sim, running)
    sim.run_for(NODE_RESIZE_SECONDS + 1)
    grown = get_claim(sim)
    assert grown["status"]["capacity"] == {"storage": "8Gi"}
    assert "conditions" not in grown["status"] and "allocatedResourceStatuses" not in grown["status"]
    assert "FileSystemResizeSuccessful" in [reason for _, reason, _ in events(sim, "data")]
