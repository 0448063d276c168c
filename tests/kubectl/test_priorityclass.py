"""PriorityClasses with the real kubectl: the two system classes every cluster has, a class of one's own, and the
priority the Priority admission plugin gives a pod from it."""

from .test_autoscaling import ok
from .test_kubectl import rows

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: front
spec:
  priorityClassName: {name}
  containers:
  - name: web
    image: nginx:1.27
"""


def test_system_classes_a_class_of_ones_own_and_a_pods_priority(kubectl):
    table = rows(ok(kubectl("get", "priorityclasses")))
    assert table[0] == ["NAME", "VALUE", "GLOBAL-DEFAULT", "AGE", "PREEMPTIONPOLICY"]
    by_name = {row[0]: row for row in table[1:]}
    assert by_name["system-node-critical"][1:3] == ["2000001000", "false"]
    assert by_name["system-cluster-critical"][1:3] == ["2000000000", "false"]
    assert by_name["system-cluster-critical"][-1] == "PreemptLowerPriority"

    created = ok(kubectl("create", "priorityclass", "front-end", "--value=1000", "--description=served first"))
    assert created.strip() == "priorityclass.scheduling.k8s.io/front-end created"
    ok(kubectl("apply", "-f", "-", stdin=POD.format(name="front-end")))
    assert ok(kubectl("get", "pod", "front", "-o", "jsonpath={.spec.priority}")) == "1000"

    refused = kubectl("apply", "-f", "-", stdin=POD.format(name="gold").replace("front", "gilded"))
    assert refused.returncode == 1
    assert 'pods "gilded" is forbidden: no PriorityClass with name gold was found' in refused.stderr

    reserved = kubectl("create", "priorityclass", "system-mine", "--value=10")
    assert reserved.returncode == 1
    assert "priority class names with 'system-' prefix are reserved for system use only" in reserved.stderr
    ok(kubectl("delete", "pod/front", "priorityclass/front-end"))
