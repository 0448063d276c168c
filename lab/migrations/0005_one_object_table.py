"""Every kind's objects move into one table, each row holding the object whole as JSON.

The rows of the 13 per-kind tables become rows of lab_kubeobject carrying exactly the JSON lab/serializers.py made of
them before this change (its mapping is frozen below, as of 0004: the app's code goes on changing), then the per-kind
tables go, and a proxy model per kind takes each one's name (so its content type and permissions stay). Backwards,
each object is spread over its kind's columns again.
"""

import re
from datetime import UTC, datetime

import django.db.models.deletion
from django.db import migrations, models

TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
METADATA = (
    "name",
    "generateName",
    "namespace",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "labels",
    "annotations",
    "ownerReferences",
    "finalizers",
    "managedFields",
)
SPEC_AND_STATUS = ("spec", "status")
# Each per-kind model (named as its kind): the kind's apiVersion and its top-level fields besides metadata.
KINDS = {
    "Namespace": ("v1", SPEC_AND_STATUS),
    "Node": ("v1", SPEC_AND_STATUS),
    "Pod": ("v1", SPEC_AND_STATUS),
    "Service": ("v1", SPEC_AND_STATUS),
    "Endpoints": ("v1", ("subsets",)),
    "ServiceAccount": ("v1", ("secrets", "imagePullSecrets", "automountServiceAccountToken")),
    "Secret": ("v1", ("type", "data", "immutable")),
    "ConfigMap": ("v1", ("data", "binaryData", "immutable")),
    "Event": (
        "v1",
        (
            "involvedObject",
            "reason",
            "message",
            "type",
            "source",
            "firstTimestamp",
            "lastTimestamp",
            "count",
            "eventTime",
            "series",
            "action",
            "related",
            "reportingComponent",
            "reportingInstance",
        ),
    ),
    "ReplicaSet": ("apps/v1", SPEC_AND_STATUS),
    "Deployment": ("apps/v1", SPEC_AND_STATUS),
    "Lease": ("coordination.k8s.io/v1", ("spec",)),
    "ControlPlaneComponent": ("kubelab.io/v1alpha1", SPEC_AND_STATUS),
}
BATCH = 500


def column(json_name):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", json_name).lower()


def present_fields(row, names):
    """The fields a row holds (NULL or "" stands for absent), times as metav1.Time text."""
    found = {}
    for name in names:
        value = getattr(row, column(name))
        if value is None or value == "":
            continue
        found[name] = value.astimezone(UTC).strftime(TIME_FORMAT) if isinstance(value, datetime) else value
    return found


def manifest_of(row, kind):
    api_version, body = KINDS[kind]
    metadata = present_fields(row, METADATA)
    metadata["resourceVersion"] = str(row.resource_version)
    return {"apiVersion": api_version, "kind": kind, "metadata": metadata, **present_fields(row, body)}


def into_one_table(apps, schema_editor):
    stored = apps.get_model("lab", "KubeObject")
    for kind in KINDS:
        batch = []
        for row in apps.get_model("lab", kind).objects.order_by("pk").iterator(chunk_size=BATCH):
            manifest = manifest_of(row, kind)
            batch.append(
                stored(
                    cluster_id=row.cluster_id,
                    kind=kind,
                    namespace=row.namespace,
                    name=row.name,
                    uid=row.uid,
                    resource_version=row.resource_version,
                    creation_timestamp=row.creation_timestamp,
                    deletion_timestamp=row.deletion_timestamp,
                    node_name=(manifest.get("spec") or {}).get("nodeName") or "",
                    last_timestamp=manifest.get("lastTimestamp") or "",
                    manifest=manifest,
                )
            )
            if len(batch) == BATCH:
                stored.objects.bulk_create(batch)
                batch = []
        stored.objects.bulk_create(batch)


def into_kind_tables(apps, schema_editor):
    for kind in KINDS:
        model = apps.get_model("lab", kind)
        text_columns = {
            field.attname for field in model._meta.concrete_fields if isinstance(field, (models.CharField, models.TextField))
        }
        batch = []
        for stored in apps.get_model("lab", "KubeObject").objects.filter(kind=kind).order_by("pk").iterator(chunk_size=BATCH):
            manifest = stored.manifest
            row = model(cluster_id=stored.cluster_id)
            values = [(name, manifest["metadata"].get(name)) for name in METADATA]
            values += [(name, manifest.get(name)) for name in KINDS[kind][1]]
            for name, value in values:
                attribute = column(name)
                if name in ("creationTimestamp", "deletionTimestamp") and value:
                    value = datetime.strptime(value, TIME_FORMAT).replace(tzinfo=UTC)
                elif value is None and attribute in text_columns:
                    value = ""
                setattr(row, attribute, value)
            row.resource_version = int(manifest["metadata"]["resourceVersion"])
            if kind == "Pod":
                row.node_name = stored.node_name
            batch.append(row)
        model.objects.bulk_create(batch, batch_size=BATCH)


class Migration(migrations.Migration):

    dependencies = [
        ('lab', '0004_cluster_epoch_at_creation'),
    ]

    operations = [
        migrations.CreateModel(
            name='KubeObject',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=63)),
                ('namespace', models.CharField(blank=True, default='', help_text='Empty for cluster-scoped kinds.', max_length=63)),
                ('name', models.CharField(max_length=253)),
                ('uid', models.CharField(max_length=36)),
                ('resource_version', models.BigIntegerField()),
                ('creation_timestamp', models.DateTimeField(blank=True, null=True)),
                ('deletion_timestamp', models.DateTimeField(blank=True, null=True)),
                ('node_name', models.CharField(blank=True, default='', max_length=253)),
                ('last_timestamp', models.CharField(blank=True, default='', max_length=40)),
                ('manifest', models.JSONField()),
                ('cluster', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='lab.cluster')),
            ],
            options={
                'ordering': ['namespace', 'name'],
                'indexes': [models.Index(fields=['cluster', 'node_name'], name='lab_kubeobject_node_name')],
                'constraints': [models.UniqueConstraint(fields=('cluster', 'kind', 'namespace', 'name'), name='lab_kubeobject_unique_name')],
            },
        ),
        migrations.RunPython(into_one_table, into_kind_tables),
        migrations.DeleteModel(
            name='ConfigMap',
        ),
        migrations.DeleteModel(
            name='ControlPlaneComponent',
        ),
        migrations.DeleteModel(
            name='Deployment',
        ),
        migrations.DeleteModel(
            name='Endpoints',
        ),
        migrations.DeleteModel(
            name='Event',
        ),
        migrations.DeleteModel(
            name='Lease',
        ),
        migrations.DeleteModel(
            name='Namespace',
        ),
        migrations.DeleteModel(
            name='Node',
        ),
        migrations.DeleteModel(
            name='Pod',
        ),
        migrations.DeleteModel(
            name='ReplicaSet',
        ),
        migrations.DeleteModel(
            name='Secret',
        ),
        migrations.DeleteModel(
            name='Service',
        ),
        migrations.DeleteModel(
            name='ServiceAccount',
        ),
        # Each kind seen through a proxy of the new table, under the name (and permissions) its table had.
        migrations.CreateModel(
            name='ConfigMap',
            fields=[
            ],
            options={
                'verbose_name': 'config map',
                'verbose_name_plural': 'config maps',
                'proxy': True,
                'indexes': [],
                'constraints': [],
            },
            bases=('lab.kubeobject',),
        ),
        migrations.CreateModel(
            name='ControlPlaneComponent',
            fields=[
            ],
            options={
                'verbose_name': 'control plane component',
                'verbose_name_plural': 'control plane components',
                'proxy': True,
                'indexes': [],
                'constraints': [],
            },
            bases=('lab.kubeobject',),
        ),
        migrations.CreateModel(
            name='Deployment',
            fields=[
            ],
            options={
                'verbose_name': 'deployment',
                'verbose_name_plural': 'deployments',
                'proxy': True,
                'indexes': [],
                'constraints': [],
            },
            bases=('lab.kubeobject',),
        ),
        migrations.CreateModel(
            name='Endpoints',
            fields=[
            ],
            options={
                'verbose_name': 'endpoints',
                'verbose_name_plural': 'endpoints',
                'proxy': True,
                'indexes': [],
                'constraints': [],
            },
            bases=('lab.kubeobject',),
        ),
        migrations.CreateModel(
            name='Event',
            fields=[
            ],
            options={
                'verbose_name': 'event',
                'verbose_name_plural': 'events',
                'proxy': True,
                'indexes': [],
                'constraints': [],
            },
            bases=('lab.kubeobject',),
        ),
        migrations.CreateModel(
            name='Lease',
            fields=[
            ],
            options={
                'verbose_name': 'lease',
                'verbose_name_plural': 'leases',
                'proxy': True,
                'indexes': [],
                'constraints': [],
            },
            bases=('lab.kubeobject',),
        ),
        migrations.CreateModel(
            name='Namespace',
            fields=[
            ],
            options={
                'verbose_name': 'namespace',
                'verbose_name_plural': 'namespaces',
                'proxy': True,
                'indexes': [],
                'constraints': [],
            },
            bases=('lab.kubeobject',),
        ),
        migrations.CreateModel(
            name='Node',
            fields=[
            ],
            options={
                'verbose_name': 'node',
                'verbose_name_plural': 'nodes',
                'proxy': True,
                'indexes': [],
                'constraints': [],
            },
            bases=('lab.kubeobject',),
        ),
        migrations.CreateModel(
            name='Pod',
            fields=[
            ],
            options={
                'verbose_name': 'pod',
                'verbose_name_plural': 'pods',
                'proxy': True,
                'indexes': [],
                'constraints': [],
            },
            bases=('lab.kubeobject',),
        ),
        migrations.CreateModel(
            name='ReplicaSet',
            fields=[
            ],
            options={
                'verbose_name': 'replica set',
                'verbose_name_plural': 'replica sets',
                'proxy': True,
                'indexes': [],
                'constraints': [],
            },
            bases=('lab.kubeobject',),
        ),
        migrations.CreateModel(
            name='Secret',
            fields=[
            ],
            options={
                'verbose_name': 'secret',
                'verbose_name_plural': 'secrets',
                'proxy': True,
                'indexes': [],
                'constraints': [],
            },
            bases=('lab.kubeobject',),
        ),
        migrations.CreateModel(
            name='Service',
            fields=[
            ],
            options={
                'verbose_name': 'service',
                'verbose_name_plural': 'services',
                'proxy': True,
                'indexes': [],
                'constraints': [],
            },
            bases=('lab.kubeobject',),
        ),
        migrations.CreateModel(
            name='ServiceAccount',
            fields=[
            ],
            options={
                'verbose_name': 'service account',
                'verbose_name_plural': 'service accounts',
                'proxy': True,
                'indexes': [],
                'constraints': [],
            },
            bases=('lab.kubeobject',),
        ),
    ]
