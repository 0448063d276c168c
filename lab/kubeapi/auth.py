"""Bearer tokens and what they allow: each cluster trusts only tokens it issued to its own service accounts.

A token is a small signed document (django.core.signing) naming the cluster, the service account (with its uid, so
deleting the account revokes its tokens, as bound service-account tokens upstream) and a role. Two roles mirror
upstream's default ClusterRoles: `admin` may do everything; `view` may get, list and watch everything but Secrets
(upstream's `view` excludes them, since reading a Secret is a way to act as someone else). Everyone authenticated may
ask what they may do (SelfSubjectAccessReview, like system:basic-user).
"""

import time
from dataclasses import dataclass

from django.core import signing

from cluster_engine.api import errors

from ..models import Cluster, proxy_for

SALT = "kubelab.kubeapi.token"
ROLE_ANNOTATION = "kubelab.io/role"
ADMIN, VIEW = "admin", "view"
ROLES = (ADMIN, VIEW)
READ_VERBS = {"get", "list", "watch"}
# upstream: TokenRequest expirationSeconds defaults to 1 hour, may not be under 10 minutes nor over 2^32 seconds
DEFAULT_TOKEN_SECONDS = 3600
MIN_TOKEN_SECONDS = 600
MAX_TOKEN_SECONDS = 1 << 32
# A kubeconfig is handed out for a course: a year, like a long-lived credential an admin would rotate.
KUBECONFIG_TOKEN_SECONDS = 365 * 24 * 3600
ALWAYS_ALLOWED = {("authorization.k8s.io", "selfsubjectaccessreviews"), ("authentication.k8s.io", "selfsubjectreviews")}


@dataclass(frozen=True)
class Identity:
    cluster_id: int
    namespace: str
    service_account: str
    uid: str
    role: str

    @property
    def username(self) -> str:
        return f"system:serviceaccount:{self.namespace}:{self.service_account}"

    @property
    def groups(self) -> list[str]:
        return ["system:serviceaccounts", f"system:serviceaccounts:{self.namespace}", "system:authenticated"]


def role_of(service_account: dict) -> str:
    """The role a service account's tokens carry: its `kubelab.io/role` annotation, `view` unless it says admin."""
    role = (service_account["metadata"].get("annotations") or {}).get(ROLE_ANNOTATION)
    return role if role in ROLES else VIEW


def issue_token(cluster: Cluster, service_account: dict, seconds: int = DEFAULT_TOKEN_SECONDS) -> tuple[str, int]:
    """A signed token for a service account, and when it expires (Unix seconds)."""
    expires = int(time.time()) + seconds
    metadata = service_account["metadata"]
    payload = {
        "c": cluster.pk,
        "n": metadata["namespace"],
        "s": metadata["name"],
        "u": metadata["uid"],
        "r": role_of(service_account),
        "e": expires,
    }
    return signing.dumps(payload, salt=SALT, compress=True), expires


def credentials(request) -> str | None:
    """The request's `Authorization` header, if it came over TLS. A bearer token sent in clear text (to the pages'
    plain-HTTP port) may have been read on the way, so it is no credential: the request is unauthenticated, as
    kube-apiserver, which serves only TLS (--secure-port), never sees such a token. Behind a proxy that ends TLS,
    Daphne's --proxy-headers makes X-Forwarded-Proto the scheme."""
    if not request.is_secure():
        return None
    return request.META.get("HTTP_AUTHORIZATION")


def authenticate(cluster: Cluster, header: str | None) -> Identity:
    """The identity behind an `Authorization: Bearer` header; 401 for a missing, forged, expired, revoked or
    foreign token (another cluster's authenticator does not know it, so to this one it is no credential at all)."""
    if not header or not header.startswith("Bearer "):
        raise errors.unauthorized()
    try:
        payload = signing.loads(header.removeprefix("Bearer ").strip(), salt=SALT)
    except signing.BadSignature:
        raise errors.unauthorized() from None
    if payload.get("c") != cluster.pk or payload.get("e", 0) < time.time():
        raise errors.unauthorized()
    account_exists = (
        proxy_for("ServiceAccount")
        .objects.filter(cluster=cluster, namespace=payload["n"], name=payload["s"], uid=payload["u"])
        .exists()
    )
    if not account_exists:
        raise errors.unauthorized()
    return Identity(cluster.pk, payload["n"], payload["s"], payload["u"], payload["r"])


def allowed(identity: Identity, verb: str, group: str, resource: str, subresource: str = "") -> bool:
    if identity.role == ADMIN or (group, resource) in ALWAYS_ALLOWED:
        return True
    if verb not in READ_VERBS or resource == "*":
        return False
    if resource == "secrets" and not group:
        return False
    return subresource in ("", "status", "scale", "log")


def reason(identity: Identity, allowed_now: bool) -> str:
    """How upstream RBAC explains an allowed request (kubectl auth can-i -v shows it)."""
    if not allowed_now:
        return ""
    role = "cluster-admin" if identity.role == ADMIN else "view"
    return (
        f'RBAC: allowed by ClusterRoleBinding "kubelab-{role}" of ClusterRole "{role}" to ServiceAccount '
        f'"{identity.service_account}/{identity.namespace}"'
    )


def authorize(
    identity: Identity, verb: str, group: str, resource: str, subresource: str, namespace: str | None, name: str | None
) -> None:
    """403 Forbidden, worded as upstream's RBAC authorizer refuses, unless the identity's role allows the request."""
    if allowed(identity, verb, group, resource, subresource):
        return
    full = f"{resource}/{subresource}" if subresource else resource
    qualified = f"{resource}.{group}" if group else resource
    where = f' in the namespace "{namespace}"' if namespace else " at the cluster scope"
    named = f' "{name}"' if name else ""
    message = (
        f'{qualified}{named} is forbidden: User "{identity.username}" cannot {verb} resource "{full}" '
        f'in API group "{group}"{where}'
    )
    details = {"kind": resource}
    if name:
        details = {"name": name, **details}
    if group:
        details["group"] = group
    raise errors.ApiError(403, "Forbidden", message, details)
