"""A StatefulSet with a claim per pod, driven with the real kubectl: rollout status, scale, history, undo."""

import json

import yaml

from .test_kubectl import rows

DB = """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  labels:
    app: db
spec:
  serviceName: db
  replicas: 2
  selector:
    matchLabels:
      app: db
  template:
    metadata:
      labels:
        app: db
    spec:
      containers:
      - name: postgres
        image: postgres:16
        volumeMounts:
        - name: data
          mountPath: /var/lib/postgresql/data
  volumeClaimTemplates:
  - metadata:
      name: data
    spec:
      accessModes: ["ReadWriteOnce"]
      resources:
        requests:
          storage: 1Gi
"""


def ok(done) -> str:
    assert done.returncode == 0, done.stderr
    return done.stdout


def wait_ready(kubectl, replicas: int) -> None:
    ok(kubectl("wait", f"--for=jsonpath={{.status.readyReplicas}}={replicas}", "sts/db", "--timeout=90s"))


def rollout_status(kubectl) -> str:
    return ok(kubectl("rollout", "status", "statefulset/db", "--timeout=90s"))


def images(kubectl) -> list[str]:
    found = ok(kubectl("get", "pods", "-l", "app=db", "-o", "jsonpath={.items[*].spec.containers[0].image}"))
    return found.split()


def history(kubectl) -> list[str]:
    """The REVISION column of `kubectl rollout history`, read from the set's ControllerRevisions."""
    table = rows(ok(kubectl("rollout", "history", "statefulset/db")))
    assert table[0] == ["statefulset.apps/db"] and table[1] == ["REVISION", "CHANGE-CAUSE"]
    return [row[0] for row in table[2:]]


def test_a_stateful_set_rolls_out_scales_updates_and_rolls_back_keeping_its_claims(kubectl):
    assert ok(kubectl("apply", "-f", "-", stdin=DB)).strip() == "statefulset.apps/db created"
    assert rollout_status(kubectl).splitlines()[-1] == "partitioned roll out complete: 2 new pods have been updated..."

    table = rows(ok(kubectl("get", "sts", "db")))
    assert table[0] == ["NAME", "READY", "AGE"] and table[1][:2] == ["db", "2/2"]
    wide = rows(ok(kubectl("get", "statefulsets", "-o", "wide")))
    assert wide[0] == ["NAME", "READY", "AGE", "CONTAINERS", "IMAGES"]
    assert [row for row in wide if row[0] == "db"][0][3:] == ["postgres", "postgres:16"]
    names = ok(kubectl("get", "pods", "-l", "app=db", "-o", "jsonpath={.items[*].metadata.name}")).split()
    assert sorted(names) == ["db-0", "db-1"]
    claims = ok(kubectl("get", "pvc", "-o", "name")).split()
    assert sorted(claims) == ["persistentvolumeclaim/data-db-0", "persistentvolumeclaim/data-db-1"]
    listed = ok(kubectl("get", "statefulset,pods,pvc", "-l", "app=db"))  # the lesson's command
    for name in ("statefulset.apps/db", "pod/db-0", "pod/db-1", "persistentvolumeclaim/data-db-1"):
        assert name in listed
    stored = yaml.safe_load(ok(kubectl("get", "sts", "db", "-o", "yaml")))
    assert stored["spec"]["podManagementPolicy"] == "OrderedReady"
    assert stored["spec"]["updateStrategy"] == {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}
    assert stored["spec"]["persistentVolumeClaimRetentionPolicy"] == {"whenDeleted": "Retain", "whenScaled": "Retain"}

    assert ok(kubectl("scale", "statefulset/db", "--replicas=3")).strip() == "statefulset.apps/db scaled"
    wait_ready(kubectl, 3)
    assert "persistentvolumeclaim/data-db-2" in ok(kubectl("get", "pvc", "-o", "name")).split()
    described = ok(kubectl("describe", "sts", "db"))
    assert "create Pod db-2 in StatefulSet db successful" in described
    assert "create Claim data-db-2 Pod db-2 in StatefulSet db success" in described

    ok(kubectl("set", "image", "statefulset/db", "postgres=postgres:17"))
    rollout_status(kubectl)
    assert images(kubectl) == ["postgres:17"] * 3
    assert history(kubectl) == ["1", "2"]
    first = ok(kubectl("rollout", "history", "statefulset/db", "--revision=1"))
    assert "postgres:16" in first and "postgres:17" not in first  # the template revision 1 recorded
    revisions = rows(ok(kubectl("get", "controllerrevisions")))
    assert revisions[0] == ["NAME", "CONTROLLER", "REVISION", "AGE"]
    assert sorted(row[1:3] for row in revisions[1:]) == [["statefulset.apps/db", "1"], ["statefulset.apps/db", "2"]]

    assert ok(kubectl("rollout", "undo", "statefulset/db")).strip() == "statefulset.apps/db rolled back"
    rollout_status(kubectl)
    wait_ready(kubectl, 3)
    assert images(kubectl) == ["postgres:16"] * 3
    assert history(kubectl) == ["2", "3"]

    refused = kubectl("patch", "sts", "db", "-p", json.dumps({"spec": {"serviceName": "other"}}))
    assert refused.returncode != 0
    assert refused.stderr.strip() == (
        'The StatefulSet "db" is invalid: spec: Forbidden: updates to statefulset spec for fields other than '
        "'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', "
        "'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"
    )

    ok(kubectl("delete", "sts", "db"))
    ok(kubectl("wait", "--for=delete", "pod/db-0", "pod/db-1", "pod/db-2", "--timeout=90s"))
    claims = ok(kubectl("get", "pvc", "-o", "name")).split()
    assert sorted(claims) == [f"persistentvolumeclaim/data-db-{n}" for n in range(3)]  # whenDeleted: Retain


def test_a_pod_on_a_dead_node_stays_terminating_until_force_deleted_then_returns_with_its_claim(kubectl):
    manifest = DB.replace("db", "pg").replace("replicas: 2", "replicas: 2\n  podManagementPolicy: Parallel")
    ok(kubectl("apply", "-f", "-", stdin=manifest))
    ok(kubectl("wait", "--for=jsonpath={.status.readyReplicas}=2", "sts/pg", "--timeout=90s"))
    node = ok(kubectl("get", "pod", "pg-1", "-o", "jsonpath={.spec.nodeName}"))
    uid = ok(kubectl("get", "pod", "pg-1", "-o", "jsonpath={.metadata.uid}"))
    try:
        ok(kubectl("annotate", "node", node, "kubelab.io/power=off", "--overwrite"))
        # 50 s until the node is Unknown, 300 s of toleration, then the eviction marks the pod for deletion
        ok(kubectl("wait", "--for=jsonpath={.metadata.deletionTimestamp}", "pod/pg-1", "--timeout=90s"))
        table = rows(ok(kubectl("get", "pod", "pg-1")))
        assert table[1][:3] == ["pg-1", "1/1", "Terminating"]
        assert ok(kubectl("get", "pod", "pg-1", "-o", "jsonpath={.metadata.uid}")) == uid  # nothing replaced it

        deleted = ok(kubectl("delete", "pod", "pg-1", "--force", "--grace-period=0"))
        assert deleted.startswith('pod "pg-1" force deleted')
        ok(kubectl("wait", "--for=jsonpath={.status.readyReplicas}=2", "sts/pg", "--timeout=90s"))
        ok(kubectl("wait", "--for=condition=Ready", "pod/pg-1", "--timeout=90s"))
        back = json.loads(ok(kubectl("get", "pod", "pg-1", "-o", "json")))
        assert back["metadata"]["uid"] != uid and back["spec"]["nodeName"] != node
        assert back["spec"]["volumes"][0]["persistentVolumeClaim"]["claimName"] == "data-pg-1"
    finally:
        ok(kubectl("annotate", "node", node, "kubelab.io/power=on", "--overwrite"))
        ok(kubectl("wait", "--for=condition=Ready", f"node/{node}", "--timeout=90s"))
        ok(kubectl("delete", "sts", "pg"))
        ok(kubectl("delete", "pvc", "data-pg-0", "data-pg-1"))
