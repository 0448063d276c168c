"""The one objects table on PostgreSQL: objects read back as written, and the JSON lookups the admin and the
classroom grid filter with (jsonb there, JSON text on SQLite) find the same rows."""

import json

import pytest

pytestmark = pytest.mark.scaleout

LOOKUPS = """
import json
from django.db.models import Count, Q
from lab.apiserver import api_server_for
from lab.demo import create_demo_cluster
from lab.admin.kinds import SchedulableFilter
from lab.models import proxy_for

cluster = create_demo_cluster(name="lookups")
operator = api_server_for(cluster, operator=True)
written = operator.create("ConfigMap", {"metadata": {"name": "odd", "annotations": {"a.b/c": "1"}},
                                        "data": {"z": "last", "a": "first", "nested": '{"k": [1, 2]}'}})
operator.patch("Node", None, "worker-1", {"spec": {"unschedulable": True}})
operator.patch("Node", None, "worker-2", {"metadata": {"annotations": {"kubelab.io/power": "off"}}})
operator.create("ServiceAccount", {"metadata": {"name": "default"}})
operator.create("Pod", {"metadata": {"name": "lonely"}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
Node = proxy_for("Node")
nodes = Node.objects.filter(cluster=cluster)
pods = proxy_for("Pod").objects.filter(cluster=cluster)
print(json.dumps({
    "read_back": api_server_for(cluster).get("ConfigMap", "default", "odd") == written,
    "cordoned": sorted(nodes.filter(manifest__spec__unschedulable=True).values_list("name", flat=True)),
    "schedulable": sorted(SchedulableFilter(None, {"schedulable": ["yes"]}, Node, None).queryset(None, nodes)
                          .values_list("name", flat=True)),
    "power": sorted(v for v in nodes.values_list("manifest__metadata__annotations__kubelab.io/power", flat=True) if v),
    "phases": sorted(set(proxy_for("Namespace").objects.values_list("manifest__status__phase", flat=True))),
    "pending": pods.aggregate(n=Count("pk", filter=Q(manifest__status__phase="Pending")))["n"],
    "searched": list(proxy_for("ConfigMap").objects.filter(cluster=cluster, manifest__data__z__icontains="LAS")
                     .values_list("name", flat=True)),
}))
"""


def test_objects_and_json_lookups_on_postgresql(manage):
    found = json.loads(manage("shell", "-c", LOOKUPS).strip().splitlines()[-1])
    assert found == {
        "read_back": True,
        "cordoned": ["worker-1"],
        "schedulable": ["control-plane-1", "worker-2", "worker-3"],
        "power": ["off", "on", "on", "on"],
        "phases": ["Active"],
        "pending": 1,
        "searched": ["odd"],
    }
