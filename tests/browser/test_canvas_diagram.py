"""A large cluster is painted on the Canvas: StatefulSet pods carry their ordinal, disks sit on their node's shelf
(or in their zone's strip when nothing holds them) with a line to the pods mounting them, and a disk is clickable."""

import pytest

from bench.fps import synthetic_cluster

pytestmark = pytest.mark.browser

PODS, NODES = 450, 6  # past the 400 pods above which the diagram paints on the Canvas
ZONE = "topology.kubernetes.io/zone"
DISK_FILL = [243, 236, 220, 255]  # --disk-fill, #f3ecdc


def storage_objects() -> list[dict]:
    """db-0..2 of a StatefulSet on workers 1-3; db-0's disk attached to worker-1; a spare disk in zone 2."""
    owner = [{"kind": "StatefulSet", "name": "db", "uid": "sts-db", "controller": True}]
    objects = [{"kind": "StatefulSet", "metadata": {"name": "db", "namespace": "default", "uid": "sts-db"}, "spec": {}}]
    for ordinal in range(3):
        pod = {
            "kind": "Pod",
            "metadata": {
                "name": f"db-{ordinal}",
                "namespace": "default",
                "uid": f"db-{ordinal}",
                "ownerReferences": owner,
            },
            "spec": {
                "nodeName": f"worker-{ordinal + 1}",
                "containers": [{"name": "db", "resources": {"requests": {"cpu": "10m"}}}],
                "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": f"data-db-{ordinal}"}}],
            },
            "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]},
        }
        objects.append(pod)
    for name, zone, claim in (("pv-db-0", "westeurope-1", "data-db-0"), ("pv-spare", "westeurope-2", None)):
        term = {"matchExpressions": [{"key": ZONE, "operator": "In", "values": [zone]}]}
        spec = {
            "csi": {"driver": "disk.csi.azure.com", "volumeHandle": name},
            "nodeAffinity": {"required": {"nodeSelectorTerms": [term]}},
        }
        if claim:
            spec["claimRef"] = {"namespace": "default", "name": claim}
        objects.append({"kind": "PersistentVolume", "metadata": {"name": name}, "spec": spec})
    objects.append(
        {"kind": "PersistentVolumeClaim", "metadata": {"name": "data-db-0", "namespace": "default"}, "spec": {}}
    )
    objects.append(
        {
            "kind": "VolumeAttachment",
            "metadata": {"name": "csi-db-0"},
            "spec": {
                "attacher": "disk.csi.azure.com",
                "nodeName": "worker-1",
                "source": {"persistentVolumeName": "pv-db-0"},
            },
            "status": {"attached": True},
        }
    )
    return objects


def test_the_canvas_draws_ordinals_and_disks_and_a_disk_is_clickable(diagram_page):
    objects = synthetic_cluster(PODS, NODES)[0] + storage_objects()
    for index, obj in enumerate(objects):
        obj["metadata"]["resourceVersion"] = str(index + 1)
    diagram_page.evaluate("(objects) => window.bench.store.reset(objects, objects.length)", objects)
    diagram_page.wait_for_function("window.bench.diagram.renderer?.painted?.includes('data-db-0')")
    assert diagram_page.evaluate("window.bench.diagram.mode") == "canvas"
    painted = diagram_page.evaluate("window.bench.diagram.renderer.painted")
    assert {"0", "1", "2"} <= set(painted)  # the ordinals on db-0..2's squares
    assert "attached" in painted and "pv-spare" in painted and "detached" in painted
    assert "zone westeurope-2 · detached disks" in painted

    place = diagram_page.evaluate(
        """() => {
          const { renderer } = window.bench.diagram;
          const disk = renderer.placement.places.get("pv-db-0");
          const node = renderer.geometry.nodes.find((box) => box.node.metadata.name === "worker-1");
          const rect = renderer.canvas.getBoundingClientRect();
          const scale = rect.width / 1000;
          const ratio = renderer.canvas.width / rect.width;
          const [x, y] = [disk.x + 105, disk.y + 13];
          const pixel = [...renderer.context.getImageData(Math.round(x * scale * ratio), Math.round(y * scale * ratio), 1, 1).data];
          const onShelf = disk.y > node.y && disk.y + 26 <= node.y + node.height;
          return { clientX: rect.left + x * scale, clientY: rect.top + y * scale, pixel, onShelf };
        }"""
    )
    assert place["onShelf"]
    assert place["pixel"] == DISK_FILL
    hit = diagram_page.evaluate(
        "([x, y]) => window.bench.diagram.renderer.hit(x, y)", [place["clientX"], place["clientY"]]
    )
    assert hit == {"kind": "PersistentVolume", "key": "pv-db-0"}
