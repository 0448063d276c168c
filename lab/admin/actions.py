"""Admin actions: what an operator does to nodes and workloads, each through the API server.

Cordon, uncordon and drain are what `kubectl cordon/uncordon/drain` do. Powering a node off or on is not an API
operation at all in a real cluster (it is the machine), so it goes through the operator's ungated API server: it
works even while the simulated kube-apiserver is down, which is how a learner brings a dead control plane back.
"""

from django.contrib import admin, messages
from django.db import transaction

from cluster_engine.api.availability import POWER_ANNOTATION
from cluster_engine.api.errors import ApiError
from cluster_engine.api.eviction import evict

from ..apiserver import api_server_for
from ..models import proxy_for

# upstream: kubelet mirror pods (static pods) carry this annotation; drain leaves them alone
MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror"


def _each(modeladmin, request, queryset, write, done: str) -> None:
    """Apply `write(row)` to every selected object, reporting refusals with the API's message."""
    changed = 0
    for row in queryset.select_related("cluster"):
        try:
            write(row)
            changed += 1
        except ApiError as error:
            modeladmin.message_user(request, f"{row}: {error.message}", messages.ERROR)
    if changed:
        modeladmin.message_user(request, f"{changed} {done}.", messages.SUCCESS)


def _patch_node(row, body, operator=False):
    return api_server_for(row.cluster, operator=operator).patch("Node", None, row.name, body)


@admin.action(description="Cordon selected nodes (mark unschedulable)")
def cordon(modeladmin, request, queryset):
    _each(modeladmin, request, queryset, lambda row: _patch_node(row, {"spec": {"unschedulable": True}}), "cordoned")


@admin.action(description="Uncordon selected nodes (mark schedulable)")
def uncordon(modeladmin, request, queryset):
    _each(modeladmin, request, queryset, lambda row: _patch_node(row, {"spec": {"unschedulable": None}}), "uncordoned")


def drain_node(row) -> list[str]:
    """Cordon, then evict every pod on the node except mirror and DaemonSet pods; returns the evicted pods' names."""
    server = api_server_for(row.cluster)
    evicted = []
    with transaction.atomic():
        server.patch("Node", None, row.name, {"spec": {"unschedulable": True}})
        pods = proxy_for("Pod").objects.filter(cluster=row.cluster, node_name=row.name, deletion_timestamp__isnull=True)
        for pod in pods:
            if MIRROR_POD_ANNOTATION in (pod.manifest["metadata"].get("annotations") or {}):
                continue
            if any(owner.get("kind") == "DaemonSet" for owner in pod.manifest["metadata"].get("ownerReferences") or []):
                continue  # as `kubectl drain --ignore-daemonsets`: their controller would put them straight back
            evict(server, pod.namespace, pod.name)  # a disruption budget may refuse (429): nothing is drained then
            evicted.append(f"{pod.namespace}/{pod.name}")
    return evicted


@admin.action(description="Drain selected nodes (cordon, then evict their pods)")
def drain(modeladmin, request, queryset):
    for row in queryset.select_related("cluster"):
        try:
            evicted = drain_node(row)
        except ApiError as error:
            modeladmin.message_user(request, f"{row}: {error.message}", messages.ERROR)
            continue
        listed = ", ".join(evicted) if evicted else "no pods"
        modeladmin.message_user(request, f"node/{row.name} drained; evicted {listed}.", messages.SUCCESS)


def _power(row, state: str):
    return _patch_node(row, {"metadata": {"annotations": {POWER_ANNOTATION: state}}}, operator=True)


@admin.action(description="Power off selected nodes (the machine stops)")
def power_off(modeladmin, request, queryset):
    _each(modeladmin, request, queryset, lambda row: _power(row, "off"), "powered off")


@admin.action(description="Power on selected nodes (the machine starts)")
def power_on(modeladmin, request, queryset):
    _each(modeladmin, request, queryset, lambda row: _power(row, "on"), "powered on")
