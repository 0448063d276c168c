"""The database lesson's zonal-disk steps walked on a full simulated control plane: ledger-0's Azure disk keeps it
in one zone, and a worker there gets it only after the attach/detach controller's 6-minute force detach."""

from cluster_engine.controllers.csi_provisioner import ZONE_LABEL, volume_zone
from cluster_engine.scenarios import node_manifest
from lab.lessons import LESSONS_BY_SLUG, ClusterState
from lab.lessons.k_database_pod import LEDGER_CLAIM, LEDGER_STATEFULSET

from .test_checkpoints import KINDS, started

STORAGE_KINDS = (*KINDS, "StatefulSet", "PersistentVolumeClaim", "PersistentVolume", "VolumeAttachment")
SLUG = "database-pod"
CREATE, POWER_OFF, FORCE_DELETE, SAME_ZONE_WORKER = 3, 4, 5, 6  # the zonal-disk steps


def passes(sim, step: int) -> bool:
    state = ClusterState({kind: sim.objects(kind) for kind in STORAGE_KINDS})
    return LESSONS_BY_SLUG[SLUG].steps[step].checkpoint.check(state)


def power_off(sim, node: str) -> None:
    sim.operator.patch("Node", None, node, {"metadata": {"annotations": {"kubelab.io/power": "off"}}})


def ledger_events(sim, reason: str) -> list[str]:
    return [
        event["message"]
        for event in sim.objects("Event", "default")
        if event["involvedObject"].get("name") == "ledger-0" and event["reason"] == reason
    ]


def disk_zone(sim) -> str:
    claim = sim.get("PersistentVolumeClaim", f"default/{LEDGER_CLAIM}")
    return volume_zone(sim.get("PersistentVolume", claim["spec"]["volumeName"]))


def zone_of(sim, node: str) -> str:
    return sim.get("Node", node)["metadata"]["labels"][ZONE_LABEL]


def test_ledger_waits_for_a_worker_in_its_disk_zone_then_for_the_force_detach():
    sim = started(SLUG)
    # the lesson so far: db-1's node dies and db-1 is force-deleted
    db_node = sim.get("Pod", "default/db-1")["spec"]["nodeName"]
    power_off(sim, db_node)
    sim.run_for(400)
    sim.server.delete("Pod", "default", "db-1", grace_period_seconds=0)
    sim.run_for(60)

    assert passes(sim, CREATE) is False
    sim.server.create("StatefulSet", LEDGER_STATEFULSET)
    sim.run_for(60)
    assert passes(sim, CREATE) is True
    ledger_node = sim.get("Pod", "default/ledger-0")["spec"]["nodeName"]
    zone = disk_zone(sim)
    assert zone == zone_of(sim, ledger_node)

    assert passes(sim, POWER_OFF) is False
    power_off(sim, ledger_node)
    sim.run_for(100)  # unreachable, still tolerated for 300 s
    assert passes(sim, POWER_OFF) is False
    sim.run_for(300)
    assert passes(sim, POWER_OFF) is True

    assert passes(sim, FORCE_DELETE) is False
    sim.server.delete("Pod", "default", "ledger-0", grace_period_seconds=0)
    deleted_at = sim.now
    sim.run_for(30)
    assert passes(sim, FORCE_DELETE) is True
    healthy = [
        n["metadata"]["name"] for n in sim.objects("Node") if n["metadata"]["name"] not in (db_node, ledger_node)
    ]
    assert all(zone_of(sim, name) != zone for name in healthy)
    [failed] = set(ledger_events(sim, "FailedScheduling"))
    assert "node(s) had volume node affinity conflict" in failed
    assert passes(sim, SAME_ZONE_WORKER) is False

    sim.server.create("Node", node_manifest("worker-4", 4, zone=int(zone.rpartition("-")[2])))
    sim.run_for(60)
    pod = sim.get("Pod", "default/ledger-0")
    assert pod["spec"]["nodeName"] == "worker-4" and pod["status"]["phase"] == "Pending"
    assert passes(sim, FORCE_DELETE) is False and passes(sim, SAME_ZONE_WORKER) is False
    [multi_attach] = ledger_events(sim, "FailedAttachVolume")
    assert multi_attach.startswith(
        f'Multi-Attach error for volume "{sim.get("PersistentVolumeClaim", f"default/{LEDGER_CLAIM}")["spec"]["volumeName"]}"'
    )

    sim.run_until(deleted_at + 350)  # just before maxWaitForUnmountDuration (6 min) since the old pod went
    assert passes(sim, SAME_ZONE_WORKER) is False
    assert [va["spec"]["nodeName"] for va in sim.objects("VolumeAttachment")] == [ledger_node]
    sim.run_until(deleted_at + 420)
    assert passes(sim, SAME_ZONE_WORKER) is True
    assert [va["spec"]["nodeName"] for va in sim.objects("VolumeAttachment")] == ["worker-4"]
    assert ledger_events(sim, "SuccessfulAttachVolume")
