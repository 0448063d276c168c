"""NodeVolumeLimits counts what upstream's CSI limits plugin counts: the table of csi_test.go's TestCSILimits (its
CSI cases; in-tree migration and inline volumes do not exist here), with Azure's disk and file drivers standing in
for the EBS and GCE PD ones, on a scheduler running over one node."""

import pytest

from ..storage_objects import DRIVER, bound_pair, claim, claim_volume
from .objects import pod
from .test_volume_plugins import scheduled_condition, start, submit, zoned

FILE_DRIVER = "file.csi.azure.com"  # upstream's second driver (gceCSIDriverName)
NODE = "node-1"
EXCEEDED = "0/1 nodes are available: 1 node(s) exceed max volume count."


def csi_node(limits: dict[str, int | None], node_name: str = NODE) -> dict:
    drivers = []
    for driver, count in limits.items():
        entry = {"name": driver, "nodeID": node_name}
        if count is not None:
            entry["allocatable"] = {"count": count}
        drivers.append(entry)
    return {
        "apiVersion": "storage.k8s.io/v1",
        "kind": "CSINode",
        "metadata": {"name": node_name},
        "spec": {"drivers": drivers},
    }


def volumes(sim, driver: str) -> None:
    """Upstream's fake listers: claims csi-<driver>-0..3 bound to PVs of the same name; csi-4 unbound with a class,
    csi-5 with no class, csi-6 naming a PV that does not exist."""
    for index in range(4):
        bound_pair(sim.operator, f"csi-{driver}-{index}", f"csi-{driver}-{index}", driver=driver)


def other_claims(sim) -> None:
    sim.operator.create("PersistentVolumeClaim", claim("csi-4"))
    no_class = claim("csi-5")
    del no_class["spec"]["storageClassName"]
    sim.operator.create("PersistentVolumeClaim", no_class)
    missing = claim("csi-6")
    missing["spec"]["volumeName"] = "missing-in-action"
    sim.operator.create("PersistentVolumeClaim", missing)


def attachment(driver: str, index: int) -> dict:
    return {
        "apiVersion": "storage.k8s.io/v1",
        "kind": "VolumeAttachment",
        "metadata": {"name": f"va-{index}"},
        "spec": {"attacher": driver, "nodeName": NODE, "source": {"persistentVolumeName": f"csi-{driver}-{index}"}},
    }


EBS_ONE = (f"csi-{DRIVER}-0",)
EBS_TWO = (f"csi-{DRIVER}-1", f"csi-{DRIVER}-2")
RUNNING = (f"csi-{DRIVER}-3",)
GCE_TWO = (f"csi-{FILE_DRIVER}-1", f"csi-{FILE_DRIVER}-2")


@pytest.mark.parametrize(
    "new, existing, limits, attachments, fits",
    [
        pytest.param(EBS_ONE, [], {DRIVER: 2}, 2, False, id="counts VolumeAttachments when no pods exist"),
        pytest.param(EBS_ONE, [], {DRIVER: 2}, 1, True, id="VolumeAttachments within the limit"),
        pytest.param(EBS_ONE, [RUNNING, EBS_TWO], {DRIVER: 4}, 0, True, id="fits when limit >= volumes"),
        pytest.param(EBS_ONE, [RUNNING, EBS_TWO], {DRIVER: 2}, 0, False, id="does not when limit <= volumes"),
        pytest.param(EBS_ONE, [RUNNING, EBS_TWO], {DRIVER: None}, 0, True, id="driver without a limit"),
        pytest.param(EBS_ONE, [("csi-4",), EBS_TWO], {DRIVER: 2}, 0, False, id="counts pending claims"),
        pytest.param(EBS_ONE, [("csi-4",), ("csi-4",), EBS_TWO], {DRIVER: 4}, 0, True, id="one pending claim once"),
        pytest.param(EBS_ONE, [("csi-6",), EBS_TWO], {DRIVER: 2}, 0, False, id="claim with missing PV by its class"),
        pytest.param(EBS_ONE, [RUNNING, ("csi-5",)], {DRIVER: 2}, 0, True, id="claim without a class not counted"),
        pytest.param(EBS_ONE, [GCE_TWO, EBS_TWO], {DRIVER: 2, FILE_DRIVER: 2}, 0, False, id="same driver counted"),
        pytest.param(GCE_TWO, [EBS_TWO, RUNNING], {DRIVER: 2, FILE_DRIVER: 2}, 0, True, id="other driver not counted"),
    ],
)
def test_csi_limits(new, existing, limits, attachments, fits):
    sim = start(zoned(NODE, "eastus-1"), csi_node(limits))
    for driver in (DRIVER, FILE_DRIVER):
        volumes(sim, driver)
    other_claims(sim)
    for index in range(attachments):
        sim.operator.create("VolumeAttachment", attachment(DRIVER, index))
    for number, claims in enumerate(existing):
        submit(sim, f"existing-{number}", *claims, node_name=NODE)
    pod = submit(sim, "new", *new)
    if fits:
        assert pod["spec"].get("nodeName") == NODE
    else:
        assert scheduled_condition(sim, "new")["message"].startswith(EXCEEDED)


def test_a_deleted_attachment_lets_the_pod_waiting_for_a_slot_in():
    sim = start(zoned(NODE, "eastus-1"), csi_node({DRIVER: 1}))
    volumes(sim, DRIVER)
    sim.operator.create("VolumeAttachment", attachment(DRIVER, 1))  # a disk whose pod has gone, not yet detached
    submit(sim, "new", *EBS_ONE)
    assert scheduled_condition(sim, "new")["message"].startswith(EXCEEDED)
    sim.operator.delete("VolumeAttachment", None, "va-1")
    sim.run_for(1)
    assert sim.get("Pod", "default/new")["spec"]["nodeName"] == NODE


def test_a_pod_assumed_on_a_node_counts_before_it_is_bound():
    nodes = (zoned(NODE, "eastus-1"), zoned("node-2", "eastus-1"))
    sim = start(*nodes, csi_node({DRIVER: 1}), csi_node({DRIVER: 1}, "node-2"))
    volumes(sim, DRIVER)
    for name, claim_name in (("first", EBS_ONE[0]), ("second", EBS_TWO[0])):
        manifest = pod(name, volumes=[claim_volume(claim_name)])
        manifest["metadata"].pop("uid")
        sim.operator.create("Pod", manifest)  # both queued before the scheduler runs: one cycle after the other
    sim.run_for(0)
    nodes = sorted(sim.get("Pod", f"default/{name}")["spec"].get("nodeName") for name in ("first", "second"))
    assert nodes == [NODE, "node-2"]
