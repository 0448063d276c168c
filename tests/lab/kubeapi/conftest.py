import json

import pytest

from lab.kubeapi import auth, kubeconfig


def bearer(cluster, role: str = auth.ADMIN) -> str:
    return "Bearer " + auth.issue_token(cluster, kubeconfig.ensure_account(cluster, role))[0]


@pytest.fixture
def kube(demo, client):
    """Requests on the demo cluster's kube API, over TLS as kubectl sends them, with an admin token unless told:
    `kube("POST", "/api/v1/namespaces/default/configmaps", body)` → (HTTP status, decoded JSON)."""
    admin = bearer(demo)

    def request(method: str, path: str, body: bytes | str = b"", content_type="application/json", **options):
        options.setdefault("secure", True)
        options.setdefault("HTTP_AUTHORIZATION", admin)
        response = client.generic(method, f"/k8s/clusters/demo{path}", body, content_type, **options)
        return response.status_code, json.loads(response.content)

    return request
