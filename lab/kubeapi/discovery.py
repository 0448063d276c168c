"""Discovery documents: how kubectl learns which resources exist, their kinds, verbs and short names.

kubectl first asks for aggregated discovery (apidiscovery.k8s.io/v2); a plain `application/json` answer makes it
fall back to the classic documents below (APIVersions, APIGroupList, one APIResourceList per group version), which
carry everything it needs: `kubectl get po` resolves the short name here, `drain` finds `pods/eviction`.
"""

from cluster_engine import openapi

from . import aggregated, catalog

# What kube-apiserver answers on /version for the release we serve. The release build's gitCommit, buildDate and
# goVersion are not known here, so they are empty rather than made up (the fields themselves are required: clients
# such as the Python client's VersionInfo refuse a body without them). The emulation version is the binary's own and
# the minimum compatibility version one minor below it, upstream's defaults without --emulated-version.
MAJOR, MINOR = openapi.VERSION.split(".")[:2]
KUBERNETES_VERSION = {
    "major": MAJOR,
    "minor": MINOR,
    "emulationMajor": MAJOR,
    "emulationMinor": MINOR,
    "minCompatibilityMajor": MAJOR,
    "minCompatibilityMinor": str(int(MINOR) - 1),
    "gitVersion": openapi.GIT_VERSION,
    "gitCommit": "",
    "gitTreeState": "clean",
    "buildDate": "",
    "goVersion": "",
    "compiler": "gc",
    "platform": "linux/amd64",
}


def version() -> dict:
    return dict(KUBERNETES_VERSION)


def api_versions() -> dict:
    """GET /api: the core group's versions."""
    return {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []}


def api_group_list() -> dict:
    """GET /apis: every named group with its versions and the preferred one."""
    groups = []
    for group, versions in catalog.group_versions().items():
        if not group:
            continue
        entries = [{"groupVersion": f"{group}/{version}", "version": version} for version in versions]
        groups.append({"name": group, "versions": entries, "preferredVersion": entries[0]})
    groups += aggregated.group_entries()  # served as metrics-server's and a Prometheus adapter's groups are
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}


def api_group(group: str) -> dict | None:
    """GET /apis/<group>."""
    served = aggregated.api_group(group)
    if served is not None:
        return served
    versions = catalog.group_versions().get(group)
    if not group or versions is None:
        return None
    entries = [{"groupVersion": f"{group}/{version}", "version": version} for version in versions]
    return {"kind": "APIGroup", "apiVersion": "v1", "name": group, "versions": entries, "preferredVersion": entries[0]}


def resource_list(group: str, version: str) -> dict | None:
    """GET /api/v1 or /apis/<group>/<version>: an APIResourceList, or None for a group version we do not serve."""
    served = aggregated.resource_list(group, version)
    if served is not None:
        return served
    if version not in catalog.group_versions().get(group, []):
        return None
    resources = []
    for kind in catalog.kinds_in(group, version):
        entry = {
            "name": kind.plural,
            "singularName": kind.singular,
            "namespaced": kind.namespaced,
            "kind": kind.kind,
            "verbs": catalog.verbs(kind),
        }
        if kind.short_names:
            entry["shortNames"] = list(kind.short_names)
        if kind.kind in catalog.ALL_CATEGORY:
            entry["categories"] = ["all"]
        resources.append(entry)
        for name in kind.subresources:
            sub = catalog.SUBRESOURCES[name]
            sub_entry = {
                "name": f"{kind.plural}/{sub.name}",
                "singularName": "",
                "namespaced": kind.namespaced,
                "kind": sub.kind or kind.kind,
                "verbs": list(sub.verbs),
            }
            if sub.group:
                sub_entry["group"], sub_entry["version"] = sub.group, sub.version
            resources.append(sub_entry)
    for review in catalog.REVIEWS:
        if (review.group, review.version) == (group, version):
            resources.append(
                {
                    "name": review.plural,
                    "singularName": "",
                    "namespaced": False,
                    "kind": review.kind,
                    "verbs": ["create"],
                }
            )
    group_version = f"{group}/{version}" if group else version
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version, "resources": resources}
