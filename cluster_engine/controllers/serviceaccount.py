"""The ServiceAccount controller: every active namespace has a `default` ServiceAccount (pkg/controller/serviceaccount).

Pods run as `default` unless they name another account, and admission refuses a pod whose account does not exist,
so deleting it is repaired at once. Since Kubernetes 1.24 no token Secret is created: tokens are issued on request.
"""

from ..api.errors import ApiError
from ..runtime.component import Controller

COMPONENT = "serviceaccount-controller"
DEFAULT_ACCOUNT = "default"


class ServiceAccountController(Controller):
    name = COMPONENT
    leader_of = "kube-controller-manager"
    primary_kind = "Namespace"
    resync_period = 30.0

    def start(self) -> None:
        self.watch("Namespace")
        self.watch("ServiceAccount", self._namespace_of)
        super().start()

    @staticmethod
    def _namespace_of(account: dict) -> list[str]:
        return [account["metadata"]["namespace"]] if account["metadata"]["name"] == DEFAULT_ACCOUNT else []

    def reconcile(self, key: str) -> float | None:
        namespace = self.ctx.cache.get("Namespace", key)
        if namespace is None or namespace["metadata"].get("deletionTimestamp"):
            return None
        if (namespace.get("status") or {}).get("phase", "Active") != "Active":
            return None
        if self.ctx.cache.get("ServiceAccount", f"{key}/{DEFAULT_ACCOUNT}") is not None:
            return None
        account = {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": {"name": DEFAULT_ACCOUNT, "namespace": key},
        }
        try:
            self.ctx.client.create("ServiceAccount", account)
        except ApiError as error:
            # upstream: already there (a slow cache) or the namespace began terminating are both fine
            if error.reason not in ("AlreadyExists", "Forbidden"):
                raise
        return None
