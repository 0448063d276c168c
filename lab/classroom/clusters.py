"""The classroom's clusters: the instructor's demo and each student's sandbox, both started from a lesson's state.

A cluster is created through the operator's API server (lab/demo.py), so every object is admitted and versioned;
the control-plane host picks the new Cluster row up by itself. Starting over means a new cluster: the old one is
deleted whole, which is what "reset to the lesson's starting state" is in a real lab, too.
"""

from django.db import transaction

from lab.demo import seed_objects
from lab.lessons import Lesson
from lab.models import Cluster
from lab.storage import OrmStorage

from .models import Classroom, Student


def _fresh_cluster(name: str, lesson: Lesson, sandbox: bool, seed: int) -> Cluster:
    topology, manifests = lesson.manifests(sandbox=sandbox)
    Cluster.objects.filter(name=name).delete()
    cluster = Cluster.objects.create(name=name, topology=topology, seed=seed)
    seed_objects(cluster, manifests)
    cluster.refresh_from_db()
    return cluster


def start_demo(classroom: Classroom, lesson: Lesson) -> Cluster:
    """Point the classroom at `lesson`, step 0, on a fresh demo cluster started from the lesson's state."""
    with transaction.atomic():
        old = classroom.demo_cluster
        cluster = _fresh_cluster(f"class-{classroom.join_code.lower()}", lesson, sandbox=False, seed=0)
        if old is not None and old.pk != cluster.pk:
            old.delete()
        Classroom.objects.filter(pk=classroom.pk).update(
            demo_cluster=cluster, lesson=lesson.slug, step=0, focus=None, spotlight=None, revealed=False
        )
    classroom.refresh_from_db()
    return cluster


def open_sandbox(student: Student, lesson: Lesson) -> Cluster:
    """The student's own cluster, (re)started from the lesson's state. Seeded like the demo, so the same decisions
    (scheduler ties) happen in every sandbox as on the projector."""
    with transaction.atomic():
        old = student.sandbox
        name = f"class-{student.classroom.join_code.lower()}-s{student.pk}"
        cluster = _fresh_cluster(name, lesson, sandbox=True, seed=0)
        if old is not None and old.pk != cluster.pk:
            old.delete()
        Student.objects.filter(pk=student.pk).update(sandbox=cluster)
    student.refresh_from_db()
    return cluster


def cluster_objects_by_kind(cluster: Cluster) -> dict[str, list[dict]]:
    """Every object a checkpoint may look at, straight from the cluster's storage."""
    storage = OrmStorage(cluster)
    kinds = ("Node", "Pod", "Deployment", "ReplicaSet", "Service", "Endpoints", "ConfigMap", "Secret")
    kinds += ("StatefulSet", "PersistentVolumeClaim", "PersistentVolume", "VolumeAttachment")
    return {kind: storage.list(kind) for kind in kinds}
