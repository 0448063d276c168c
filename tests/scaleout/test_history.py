"""Each cluster's history on PostgreSQL: pruning keeps every live object's last write, and moments rebuild."""

import json

import pytest

pytestmark = pytest.mark.scaleout

PRUNED_REBUILDS = """
import json
from django.conf import settings
from lab.apiserver import api_server_for
from lab.history import recording
from lab.history.reading import horizon, objects_at
from lab.models import Cluster, HistoryEntry
from lab.storage import OrmStorage

settings.HISTORY_REVISIONS, recording.PRUNE_EVERY = 10, 5
cluster = Cluster.objects.create(name="history")
api = api_server_for(cluster, operator=True)
api.create("Namespace", {"metadata": {"name": "default"}})
captured = {}
for step in range(30):
    name = f"c{step % 3}"
    if step % 7 == 6:
        api.delete("ConfigMap", "default", name)
    elif OrmStorage(cluster).get("ConfigMap", "default", name) is None:
        api.create("ConfigMap", {"metadata": {"name": name, "namespace": "default"}, "data": {"n": str(step)}})
    else:
        api.update("ConfigMap", {**api.get("ConfigMap", "default", name), "data": {"n": str(step)}})
    cluster.refresh_from_db()
    captured[cluster.resource_version] = OrmStorage(cluster).list("ConfigMap")
oldest = horizon(cluster)[0]
print(json.dumps({
    "pruned": oldest > 0,
    "rows": HistoryEntry.objects.filter(cluster=cluster).count(),
    "rebuilt": all(objects_at(cluster, rv, ("ConfigMap",)) == objs for rv, objs in captured.items() if rv >= oldest),
}))
"""


def test_pruned_history_still_rebuilds_every_later_moment_on_postgresql(manage):
    found = json.loads(manage("shell", "-c", PRUNED_REBUILDS).strip().splitlines()[-1])
    assert found["pruned"] and found["rebuilt"]
    assert found["rows"] <= 10 + 5 + 4  # the newest writes, and the namespace's and three maps' last writes
