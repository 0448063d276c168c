"""Admins for the storage kinds: their lists show the columns `kubectl get` prints (lab.kubeapi.tables_storage)."""

from datetime import UTC, datetime

from django.contrib import admin

from ..kubeapi.tables import TABLES
from ..serializers import to_kube
from .base import KubeObjectAdmin


def kubectl_columns_admin(kind: str, namespaced: bool) -> type[KubeObjectAdmin]:
    """A KubeObjectAdmin whose list shows the kind's kubectl columns (the default ones, not `-o wide`)."""
    columns, cells = TABLES[kind]
    attributes: dict = {}
    shown = []
    for index, column in enumerate(columns):
        if column["priority"] or column["name"] == "Age":
            continue
        attribute = "kubectl_name" if column["name"] == "Name" else column["name"].lower().replace(" ", "_")

        def cell(self, row, index=index):
            now = datetime.fromtimestamp(row.cluster.epoch + row.cluster.now, UTC)
            return cells(to_kube(row), now)[index]

        ordering = "name" if column["name"] == "Name" else None
        attributes[attribute] = admin.display(description=column["name"].lower(), ordering=ordering)(cell)
        shown.append(attribute)
    place = ("namespace", "cluster") if namespaced else ("cluster",)
    # the Name cell as kubectl prints it ("managed-csi (default)") links to the object's form
    attributes["list_display"] = (shown[0], *place, *shown[1:], "age")
    attributes["list_display_links"] = (shown[0],)
    attributes["list_filter"] = ("cluster", "namespace") if namespaced else ("cluster",)
    return type(f"{kind}Admin", (KubeObjectAdmin,), attributes)


PersistentVolumeAdmin = kubectl_columns_admin("PersistentVolume", namespaced=False)
PersistentVolumeClaimAdmin = kubectl_columns_admin("PersistentVolumeClaim", namespaced=True)
StorageClassAdmin = kubectl_columns_admin("StorageClass", namespaced=False)
