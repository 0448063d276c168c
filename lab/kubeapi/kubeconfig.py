"""Kubeconfigs for a cluster, as `az aks get-credentials` hands them out: server URL, token, context.

The token is issued to a service account of the cluster that carries the role: `kube-system/kubelab-admin` for
admins, `default/kubelab-student` (read-only, `view`) for students. The account is created through the operator's
API server the first time it is needed, like any other object, so it shows up in `kubectl get sa`.
"""

import base64

import yaml

from cluster_engine.api import errors

from ..apiserver import api_server_for
from ..models import Cluster
from . import auth, tls

ACCOUNTS = {auth.ADMIN: ("kube-system", "kubelab-admin"), auth.VIEW: ("default", "kubelab-student")}


def server_url(cluster: Cluster, base: str) -> str:
    return f"{base.rstrip('/')}/k8s/clusters/{cluster.name}"


def ensure_account(cluster: Cluster, role: str) -> dict:
    """The service account whose tokens carry `role`, created with its role annotation if missing."""
    namespace, name = ACCOUNTS[role]
    operator = api_server_for(cluster, operator=True)
    try:
        return operator.get("ServiceAccount", namespace, name)
    except errors.ApiError as error:
        if error.code != 404:
            raise
    account = {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": {"name": name, "namespace": namespace, "annotations": {auth.ROLE_ANNOTATION: role}},
    }
    return operator.create("ServiceAccount", account, namespace)


def kubeconfig(cluster: Cluster, role: str, base: str, seconds: int = auth.KUBECONFIG_TOKEN_SECONDS) -> str:
    """A ready kubeconfig (YAML) for one cluster and role, its token valid for `seconds`."""
    token, _ = auth.issue_token(cluster, ensure_account(cluster, role), seconds)
    authority = base64.b64encode(tls.ensure_certificate().read_bytes()).decode()
    entry = f"kubelab-{cluster.name}"
    user = f"{entry}-{role}"
    document = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {"name": entry, "cluster": {"server": server_url(cluster, base), "certificate-authority-data": authority}}
        ],
        "users": [{"name": user, "user": {"token": token}}],
        "contexts": [{"name": entry, "context": {"cluster": entry, "user": user, "namespace": "default"}}],
        "current-context": entry,
        "preferences": {},
    }
    return yaml.safe_dump(document, sort_keys=False)
