"""Admin actions: what an operator does to nodes and workloads, each through the API server.

Cordon, uncordon and drain are what `kubectl cordon/uncordon/drain` do. Powering a node off or on is not an API
operation at all in a real cluster (it is the machine), so it goes through the operator's ungated API server: it
works even while the simulated kube-apiserver is down, which is how a learner brings a dead control plane back.
"""

import copy

from django.contrib import admin, messages
from django.db import transaction

from cluster_engine.api.availability import POWER_ANNOTATION
from cluster_engine.api.errors import ApiError
from cluster_engine.api.eviction import evict

from .. import kubectl_equivalents as kubectl
from ..apiserver import api_server_for
from ..models import proxy_for
from ..serializers import to_kube
from . import explanations

# upstream: kubelet mirror pods (static pods) carry this annotation; drain leaves them alone
MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror"


def _each(modeladmin, request, queryset, write, done: str, command) -> None:
    """Apply `write(row)` to every selected object, reporting refusals with the API's message, and each write with
    `command(row)`, its kubectl equivalent, and its diff."""
    changed = 0
    for row in queryset.select_related("cluster"):
        before = copy.deepcopy(to_kube(row))
        try:
            written = write(row)
            changed += 1
        except ApiError as error:
            modeladmin.message_user(request, f"{row}: {error.message}", messages.ERROR)
            continue
        explanations.report(modeladmin, request, row.cluster, command(row), [(before, written)])
    if changed:
        modeladmin.message_user(request, f"{changed} {done}.", messages.SUCCESS)


def _patch_node(row, body, operator=False):
    return api_server_for(row.cluster, operator=operator).patch("Node", None, row.name, body)


@admin.action(description="Cordon selected nodes (mark unschedulable)")
def cordon(modeladmin, request, queryset):
    _each(
        modeladmin,
        request,
        queryset,
        lambda row: _patch_node(row, {"spec": {"unschedulable": True}}),
        "cordoned",
        lambda row: kubectl.cordon(row.name),
    )


@admin.action(description="Uncordon selected nodes (mark schedulable)")
def uncordon(modeladmin, request, queryset):
    _each(
        modeladmin,
        request,
        queryset,
        lambda row: _patch_node(row, {"spec": {"unschedulable": None}}),
        "uncordoned",
        lambda row: kubectl.uncordon(row.name),
    )


def drain_node(row) -> list[tuple[dict, dict]]:
    """Cordon, then evict every pod on the node except mirror and DaemonSet pods; returns each written object before
    and after, the node first."""
    server = api_server_for(row.cluster)
    node = copy.deepcopy(to_kube(row))
    with transaction.atomic():
        changes = [(node, server.patch("Node", None, row.name, {"spec": {"unschedulable": True}}))]
        pods = proxy_for("Pod").objects.filter(cluster=row.cluster, node_name=row.name, deletion_timestamp__isnull=True)
        for pod in pods:
            if MIRROR_POD_ANNOTATION in (pod.manifest["metadata"].get("annotations") or {}):
                continue
            if any(owner.get("kind") == "DaemonSet" for owner in pod.manifest["metadata"].get("ownerReferences") or []):
                continue  # as `kubectl drain --ignore-daemonsets`: their controller would put them straight back
            before = copy.deepcopy(to_kube(pod))
            # a disruption budget may refuse (429): nothing is drained then
            changes.append((before, evict(server, pod.namespace, pod.name)))
    return changes


@admin.action(description="Drain selected nodes (cordon, then evict their pods)")
def drain(modeladmin, request, queryset):
    for row in queryset.select_related("cluster"):
        try:
            changes = drain_node(row)
        except ApiError as error:
            modeladmin.message_user(request, f"{row}: {error.message}", messages.ERROR)
            continue
        pods = [after for _, after in changes[1:]]
        evicted = [f"{pod['metadata']['namespace']}/{pod['metadata']['name']}" for pod in pods]
        listed = ", ".join(evicted) if evicted else "no pods"
        modeladmin.message_user(request, f"node/{row.name} drained; evicted {listed}.", messages.SUCCESS)
        explanations.report(modeladmin, request, row.cluster, kubectl.drain(row.name, pods), changes)


def _power(modeladmin, request, queryset, state: str, done: str) -> None:
    _each(
        modeladmin,
        request,
        queryset,
        lambda row: _patch_node(row, {"metadata": {"annotations": {POWER_ANNOTATION: state}}}, operator=True),
        done,
        lambda row: kubectl.annotate("Node", None, [row.name], POWER_ANNOTATION, state),
    )


@admin.action(description="Power off selected nodes (the machine stops)")
def power_off(modeladmin, request, queryset):
    _power(modeladmin, request, queryset, "off", "powered off")


@admin.action(description="Power on selected nodes (the machine starts)")
def power_on(modeladmin, request, queryset):
    _power(modeladmin, request, queryset, "on", "powered on")
