"""The APIs other servers answer behind kube-apiserver's aggregation layer: metrics-server's resource metrics and a
Prometheus adapter's custom metrics. Each is one module with its GROUP, VERSION, `resource_list()`, `verb(target)`
and `handle(...)`; discovery lists their groups beside the built-in ones, and requests to them go to the module."""

from . import custom_metrics, metrics

SERVED = {(api.GROUP, api.VERSION): api for api in (metrics, custom_metrics)}


def group_entry(group: str, version: str) -> dict:
    entry = {"groupVersion": f"{group}/{version}", "version": version}
    return {"name": group, "versions": [entry], "preferredVersion": entry}


def group_entries() -> list[dict]:
    return [group_entry(group, version) for group, version in SERVED]


def api_group(group: str) -> dict | None:
    """GET /apis/<group> for an aggregated group, or None."""
    for served_group, version in SERVED:
        if served_group == group:
            return {"kind": "APIGroup", "apiVersion": "v1", **group_entry(group, version)}
    return None


def resource_list(group: str, version: str) -> dict | None:
    api = SERVED.get((group, version))
    return api.resource_list() if api is not None else None
