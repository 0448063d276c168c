"""One admin per kind, with the columns `kubectl get` shows for it."""

from django.contrib import admin

from ..models import (
    ConfigMap,
    ControlPlaneComponent,
    Deployment,
    Endpoints,
    Event,
    Lease,
    Namespace,
    Node,
    Pod,
    ReplicaSet,
    ReplicationController,
    Secret,
    Service,
    ServiceAccount,
)
from . import actions, columns
from .base import KubeObjectAdmin
from .scale import scale


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
    lookup = "status__phase"


class ServiceTypeFilter(JsonValueFilter):
    title = "type"
    parameter_name = "type"
    lookup = "spec__type"


class PowerFilter(JsonValueFilter):
    title = "power"
    parameter_name = "power"
    lookup = "annotations__kubelab.io/power"


class SchedulableFilter(admin.SimpleListFilter):
    title = "schedulable"
    parameter_name = "schedulable"

    def lookups(self, request, model_admin):
        return [("yes", "Schedulable"), ("no", "Cordoned")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(spec__unschedulable=True)
        if self.value() == "yes":
            return queryset.exclude(spec__unschedulable=True)
        return queryset


@admin.register(Namespace)
class NamespaceAdmin(KubeObjectAdmin):
    list_display = ("name", "cluster", "phase", "age")
    list_filter = ("cluster", PhaseFilter)
    search_fields = ("name",)

    @admin.display(description="status")
    def phase(self, row):
        return (row.status or {}).get("phase", "")


@admin.register(Node)
class NodeAdmin(KubeObjectAdmin):
    list_display = ("name", "cluster", "node_status", "roles", "power", "cpu", "memory", "node_taints", "age")
    list_filter = ("cluster", SchedulableFilter, PowerFilter)
    search_fields = ("name",)
    actions = (actions.cordon, actions.uncordon, actions.drain, actions.power_off, actions.power_on)

    @admin.display(description="status")
    def node_status(self, row):
        return columns.node_status(row.spec, row.status)

    @admin.display(description="roles")
    def roles(self, row):
        return columns.node_roles(row.labels)

    @admin.display(description="power")
    def power(self, row):
        return columns.node_power(row.annotations)

    @admin.display(description="cpu allocatable")
    def cpu(self, row):
        return ((row.status or {}).get("allocatable") or {}).get("cpu", "")

    @admin.display(description="memory allocatable")
    def memory(self, row):
        return ((row.status or {}).get("allocatable") or {}).get("memory", "")

    @admin.display(description="taints")
    def node_taints(self, row):
        return columns.taints(row.spec)


@admin.register(Pod)
class PodAdmin(KubeObjectAdmin):
    list_display = ("name", "namespace", "cluster", "ready", "pod_status", "restarts", "node_name", "age")
    list_filter = ("cluster", "namespace", PhaseFilter, "node_name")
    search_fields = ("name", "namespace", "node_name")

    @admin.display(description="ready")
    def ready(self, row):
        return columns.pod_ready(row.status, row.spec)

    @admin.display(description="status")
    def pod_status(self, row):
        return columns.pod_status(row.status, row.deletion_timestamp is not None)

    @admin.display(description="restarts")
    def restarts(self, row):
        return columns.pod_restarts(row.status)


@admin.register(Deployment)
class DeploymentAdmin(KubeObjectAdmin):
    list_display = ("name", "namespace", "cluster", "ready", "up_to_date", "available", "age")
    actions = (scale,)

    @admin.display(description="ready")
    def ready(self, row):
        return f"{(row.status or {}).get('readyReplicas', 0)}/{(row.spec or {}).get('replicas', 0)}"

    @admin.display(description="up-to-date")
    def up_to_date(self, row):
        return (row.status or {}).get("updatedReplicas", 0)

    @admin.display(description="available")
    def available(self, row):
        return (row.status or {}).get("availableReplicas", 0)


@admin.register(ReplicaSet)
class ReplicaSetAdmin(KubeObjectAdmin):
    list_display = ("name", "namespace", "cluster", "desired", "current", "ready", "age")

    @admin.display(description="desired")
    def desired(self, row):
        return (row.spec or {}).get("replicas", 0)

    @admin.display(description="current")
    def current(self, row):
        return (row.status or {}).get("replicas", 0)

    @admin.display(description="ready")
    def ready(self, row):
        return (row.status or {}).get("readyReplicas", 0)


@admin.register(ReplicationController)
class ReplicationControllerAdmin(ReplicaSetAdmin):
    """The same columns as a ReplicaSet's, as `kubectl get rc` prints them, and scaling as `kubectl scale rc`."""

    actions = (scale,)


@admin.register(Service)
class ServiceAdmin(KubeObjectAdmin):
    list_display = ("name", "namespace", "cluster", "service_type", "cluster_ip", "external_ip", "ports", "age")
    list_filter = ("cluster", "namespace", ServiceTypeFilter)

    @admin.display(description="type")
    def service_type(self, row):
        return (row.spec or {}).get("type", "ClusterIP")

    @admin.display(description="cluster-ip")
    def cluster_ip(self, row):
        return (row.spec or {}).get("clusterIP", "<none>")

    @admin.display(description="external-ip")
    def external_ip(self, row):
        return columns.external_ip(row.spec, row.status)

    @admin.display(description="port(s)")
    def ports(self, row):
        return columns.service_ports(row.spec)


@admin.register(Endpoints)
class EndpointsAdmin(KubeObjectAdmin):
    list_display = ("name", "namespace", "cluster", "endpoints", "age")

    @admin.display(description="endpoints")
    def endpoints(self, row):
        return columns.endpoint_addresses(row.subsets)


@admin.register(ServiceAccount)
class ServiceAccountAdmin(KubeObjectAdmin):
    list_display = ("name", "namespace", "cluster", "secret_count", "age")

    @admin.display(description="secrets")
    def secret_count(self, row):
        return len(row.secrets or [])


@admin.register(Secret)
class SecretAdmin(KubeObjectAdmin):
    list_display = ("name", "namespace", "cluster", "type", "data_count", "age")

    @admin.display(description="data")
    def data_count(self, row):
        return len(row.data or {})


@admin.register(ConfigMap)
class ConfigMapAdmin(KubeObjectAdmin):
    list_display = ("name", "namespace", "cluster", "data_count", "age")

    @admin.display(description="data")
    def data_count(self, row):
        return len(row.data or {}) + len(row.binary_data or {})


@admin.register(Event)
class EventAdmin(KubeObjectAdmin):
    list_display = ("last_timestamp", "type", "reason", "involved", "message", "count", "namespace", "cluster")
    list_filter = ("cluster", "namespace", "type", "reason")
    search_fields = ("name", "reason", "message")
    ordering = ("-last_timestamp",)

    @admin.display(description="object")
    def involved(self, row):
        involved = row.involved_object or {}
        return f"{involved.get('kind', '').lower()}/{involved.get('name', '')}"


@admin.register(Lease)
class LeaseAdmin(KubeObjectAdmin):
    list_display = ("name", "namespace", "cluster", "holder", "age")

    @admin.display(description="holder")
    def holder(self, row):
        return (row.spec or {}).get("holderIdentity", "")


@admin.register(ControlPlaneComponent)
class ControlPlaneComponentAdmin(KubeObjectAdmin):
    list_display = ("name", "cluster", "component", "node", "phase", "leader", "age")
    search_fields = ("name",)

    @admin.display(description="component")
    def component(self, row):
        return (row.spec or {}).get("component", "")

    @admin.display(description="node")
    def node(self, row):
        return (row.spec or {}).get("nodeName", "")

    @admin.display(description="phase")
    def phase(self, row):
        return (row.status or {}).get("phase", "")

    @admin.display(description="leader", boolean=True)
    def leader(self, row):
        return bool((row.status or {}).get("leader"))
