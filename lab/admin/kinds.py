"""An admin per kind, with the columns `kubectl get` shows for it; a kind without its own gets the shared one."""

from django.contrib import admin
from django.db.models import Q

from cluster_engine.api.kinds import ALL_KINDS

from ..models import proxy_for
from . import actions, columns
from .base import KubeObjectAdmin
from .batch import CronJobAdmin, JobAdmin
from .daemonset import DaemonSetAdmin, PodDisruptionBudgetAdmin
from .scale import scale
from .storage import PersistentVolumeAdmin, PersistentVolumeClaimAdmin, StorageClassAdmin


class JsonValueFilter(admin.SimpleListFilter):
    """Filter on one value inside a JSON column (status.phase, spec.type, ...), offering the values present."""

    lookup: str = ""

    def lookups(self, request, model_admin):
        values = model_admin.get_queryset(request).values_list(self.lookup, flat=True).distinct()
        return [(value, value) for value in sorted({value for value in values if value})]

    def queryset(self, request, queryset):
        return queryset.filter(**{self.lookup: self.value()}) if self.value() else queryset


class PhaseFilter(JsonValueFilter):
    title = "phase"
    parameter_name = "phase"
    lookup = "manifest__status__phase"


class ServiceTypeFilter(JsonValueFilter):
    title = "type"
    parameter_name = "type"
    lookup = "manifest__spec__type"


class PowerFilter(JsonValueFilter):
    title = "power"
    parameter_name = "power"
    lookup = "manifest__metadata__annotations__kubelab.io/power"


class EventTypeFilter(JsonValueFilter):
    title = "type"
    parameter_name = "type"
    lookup = "manifest__type"


class ReasonFilter(JsonValueFilter):
    title = "reason"
    parameter_name = "reason"
    lookup = "manifest__reason"


class SchedulableFilter(admin.SimpleListFilter):
    title = "schedulable"
    parameter_name = "schedulable"

    def lookups(self, request, model_admin):
        return [("yes", "Schedulable"), ("no", "Cordoned")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(manifest__spec__unschedulable=True)
        if self.value() == "yes":
            # not `exclude(...=True)`: on PostgreSQL a missing key compares as NULL, and NOT NULL excludes the row
            return queryset.filter(
                Q(manifest__spec__unschedulable=False) | Q(manifest__spec__unschedulable__isnull=True)
            )
        return queryset


class NamespaceAdmin(KubeObjectAdmin):
    list_display = ("name", "cluster", "phase", "age")
    list_filter = ("cluster", PhaseFilter)
    search_fields = ("name",)

    @admin.display(description="status")
    def phase(self, row):
        return (row.manifest.get("status") or {}).get("phase", "")


class NodeAdmin(KubeObjectAdmin):
    list_display = ("name", "cluster", "node_status", "roles", "power", "cpu", "memory", "node_taints", "age")
    list_filter = ("cluster", SchedulableFilter, PowerFilter)
    search_fields = ("name",)
    actions = (actions.cordon, actions.uncordon, actions.drain, actions.power_off, actions.power_on)

    @admin.display(description="status")
    def node_status(self, row):
        return columns.node_status(row.manifest.get("spec"), row.manifest.get("status"))

    @admin.display(description="roles")
    def roles(self, row):
        return columns.node_roles(row.manifest["metadata"].get("labels"))

    @admin.display(description="power")
    def power(self, row):
        return columns.node_power(row.manifest["metadata"].get("annotations"))

    @admin.display(description="cpu allocatable")
    def cpu(self, row):
        return ((row.manifest.get("status") or {}).get("allocatable") or {}).get("cpu", "")

    @admin.display(description="memory allocatable")
    def memory(self, row):
        return ((row.manifest.get("status") or {}).get("allocatable") or {}).get("memory", "")

    @admin.display(description="taints")
    def node_taints(self, row):
        return columns.taints(row.manifest.get("spec"))


class PodAdmin(KubeObjectAdmin):
    list_display = ("name", "namespace", "cluster", "ready", "pod_status", "restarts", "node_name", "age")
    list_filter = ("cluster", "namespace", PhaseFilter, "node_name")
    search_fields = ("name", "namespace", "node_name")

    @admin.display(description="ready")
    def ready(self, row):
        return columns.pod_ready(row.manifest.get("status"), row.manifest.get("spec"))

    @admin.display(description="status")
    def pod_status(self, row):
        return columns.pod_status(row.manifest.get("status"), row.deletion_timestamp is not None)

    @admin.display(description="restarts")
    def restarts(self, row):
        return columns.pod_restarts(row.manifest.get("status"))


class DeploymentAdmin(KubeObjectAdmin):
    list_display = ("name", "namespace", "cluster", "ready", "up_to_date", "available", "age")
    actions = (scale,)

    @admin.display(description="ready")
    def ready(self, row):
        ready = (row.manifest.get("status") or {}).get("readyReplicas", 0)
        return f"{ready}/{(row.manifest.get('spec') or {}).get('replicas', 0)}"

    @admin.display(description="up-to-date")
    def up_to_date(self, row):
        return (row.manifest.get("status") or {}).get("updatedReplicas", 0)

    @admin.display(description="available")
    def available(self, row):
        return (row.manifest.get("status") or {}).get("availableReplicas", 0)


class ReplicaSetAdmin(KubeObjectAdmin):
    list_display = ("name", "namespace", "cluster", "desired", "current", "ready", "age")

    @admin.display(description="desired")
    def desired(self, row):
        return (row.manifest.get("spec") or {}).get("replicas", 0)

    @admin.display(description="current")
    def current(self, row):
        return (row.manifest.get("status") or {}).get("replicas", 0)

    @admin.display(description="ready")
    def ready(self, row):
        return (row.manifest.get("status") or {}).get("readyReplicas", 0)


class ReplicationControllerAdmin(ReplicaSetAdmin):
    """The same columns as a ReplicaSet's, as `kubectl get rc` prints them, and scaling as `kubectl scale rc`."""

    actions = (scale,)


class StatefulSetAdmin(KubeObjectAdmin):
    """`kubectl get statefulsets` columns (READY is ready over desired), and scaling as `kubectl scale sts`."""

    list_display = ("name", "namespace", "cluster", "ready", "age")
    actions = (scale,)

    @admin.display(description="ready")
    def ready(self, row):
        ready = (row.manifest.get("status") or {}).get("readyReplicas", 0)
        return f"{ready}/{(row.manifest.get('spec') or {}).get('replicas', 0)}"


class ServiceAdmin(KubeObjectAdmin):
    list_display = ("name", "namespace", "cluster", "service_type", "cluster_ip", "external_ip", "ports", "age")
    list_filter = ("cluster", "namespace", ServiceTypeFilter)

    @admin.display(description="type")
    def service_type(self, row):
        return (row.manifest.get("spec") or {}).get("type", "ClusterIP")

    @admin.display(description="cluster-ip")
    def cluster_ip(self, row):
        return (row.manifest.get("spec") or {}).get("clusterIP", "<none>")

    @admin.display(description="external-ip")
    def external_ip(self, row):
        return columns.external_ip(row.manifest.get("spec"), row.manifest.get("status"))

    @admin.display(description="port(s)")
    def ports(self, row):
        return columns.service_ports(row.manifest.get("spec"))


class EndpointsAdmin(KubeObjectAdmin):
    list_display = ("name", "namespace", "cluster", "endpoints", "age")

    @admin.display(description="endpoints")
    def endpoints(self, row):
        return columns.endpoint_addresses(row.manifest.get("subsets"))


class ServiceAccountAdmin(KubeObjectAdmin):
    list_display = ("name", "namespace", "cluster", "secret_count", "age")

    @admin.display(description="secrets")
    def secret_count(self, row):
        return len(row.manifest.get("secrets") or [])


class SecretAdmin(KubeObjectAdmin):
    list_display = ("name", "namespace", "cluster", "secret_type", "data_count", "age")

    @admin.display(description="type")
    def secret_type(self, row):
        return row.manifest.get("type", "")

    @admin.display(description="data")
    def data_count(self, row):
        return len(row.manifest.get("data") or {})


class ConfigMapAdmin(KubeObjectAdmin):
    list_display = ("name", "namespace", "cluster", "data_count", "age")

    @admin.display(description="data")
    def data_count(self, row):
        return len(row.manifest.get("data") or {}) + len(row.manifest.get("binaryData") or {})


class EventAdmin(KubeObjectAdmin):
    list_display = ("last_timestamp", "event_type", "reason", "involved", "message", "count", "namespace", "cluster")
    list_filter = ("cluster", "namespace", EventTypeFilter, ReasonFilter)
    search_fields = ("name", "manifest__reason", "manifest__message")
    ordering = ("-last_timestamp",)

    @admin.display(description="type")
    def event_type(self, row):
        return row.manifest.get("type", "")

    @admin.display(description="reason")
    def reason(self, row):
        return row.manifest.get("reason", "")

    @admin.display(description="message")
    def message(self, row):
        return row.manifest.get("message", "")

    @admin.display(description="count")
    def count(self, row):
        return row.manifest.get("count")

    @admin.display(description="object")
    def involved(self, row):
        involved = row.manifest.get("involvedObject") or {}
        return f"{involved.get('kind', '').lower()}/{involved.get('name', '')}"


class LeaseAdmin(KubeObjectAdmin):
    list_display = ("name", "namespace", "cluster", "holder", "age")

    @admin.display(description="holder")
    def holder(self, row):
        return (row.manifest.get("spec") or {}).get("holderIdentity", "")


class ControlPlaneComponentAdmin(KubeObjectAdmin):
    list_display = ("name", "cluster", "component", "node", "phase", "leader", "age")
    search_fields = ("name",)

    @admin.display(description="component")
    def component(self, row):
        return (row.manifest.get("spec") or {}).get("component", "")

    @admin.display(description="node")
    def node(self, row):
        return (row.manifest.get("spec") or {}).get("nodeName", "")

    @admin.display(description="phase")
    def phase(self, row):
        return (row.manifest.get("status") or {}).get("phase", "")

    @admin.display(description="leader", boolean=True)
    def leader(self, row):
        return bool((row.manifest.get("status") or {}).get("leader"))


# The kinds with columns of their own; every other kind the engine serves gets the shared admin.
ADMINS = {
    "Namespace": NamespaceAdmin,
    "Node": NodeAdmin,
    "Pod": PodAdmin,
    "Deployment": DeploymentAdmin,
    "ReplicaSet": ReplicaSetAdmin,
    "ReplicationController": ReplicationControllerAdmin,
    "StatefulSet": StatefulSetAdmin,
    "Service": ServiceAdmin,
    "Endpoints": EndpointsAdmin,
    "ServiceAccount": ServiceAccountAdmin,
    "Secret": SecretAdmin,
    "ConfigMap": ConfigMapAdmin,
    "Event": EventAdmin,
    "Lease": LeaseAdmin,
    "ControlPlaneComponent": ControlPlaneComponentAdmin,
    "PersistentVolume": PersistentVolumeAdmin,
    "PersistentVolumeClaim": PersistentVolumeClaimAdmin,
    "StorageClass": StorageClassAdmin,
    "Job": JobAdmin,
    "CronJob": CronJobAdmin,
    "DaemonSet": DaemonSetAdmin,
    "PodDisruptionBudget": PodDisruptionBudgetAdmin,
}

for _kind in ALL_KINDS:
    admin.site.register(proxy_for(_kind.kind), ADMINS.get(_kind.kind, KubeObjectAdmin))
