"""The Namespace controller: empty a Terminating namespace, then release it (pkg/controller/namespace).

Deleting a namespace only marks it Terminating; it stays while its `kubernetes` finalizer is listed. This
controller deletes everything inside (pods terminate gracefully, so it may take a while), reports what remains in
the namespace's conditions, and once nothing is left removes the finalizer so the API server can delete it.
"""

from ..api.errors import ApiError
from ..api.kinds import ALL_KINDS, kind_named
from ..runtime.component import Controller

COMPONENT = "namespace-controller"
FINALIZER = "kubernetes"
NAMESPACED_KINDS = [kind.kind for kind in ALL_KINDS if kind.namespaced]


class NamespaceController(Controller):
    name = COMPONENT
    leader_of = "kube-controller-manager"
    primary_kind = "Namespace"
    resync_period = 30.0

    def start(self) -> None:
        self.watch("Namespace")
        for kind in NAMESPACED_KINDS:
            self.ctx.cache.informer(kind).add_handler(on_delete=self._content_removed)
        super().start()

    def _content_removed(self, obj: dict) -> None:
        namespace = self.ctx.cache.get("Namespace", obj["metadata"].get("namespace") or "")
        if namespace is not None and namespace["metadata"].get("deletionTimestamp"):
            self.queue.add(namespace["metadata"]["name"])

    def reconcile(self, key: str) -> float | None:
        namespace = self.ctx.cache.get("Namespace", key)
        if namespace is None or not namespace["metadata"].get("deletionTimestamp"):
            return None
        if FINALIZER not in (namespace.get("spec") or {}).get("finalizers") or []:
            return None
        remaining = self._delete_contents(key)
        if remaining:
            self._report_remaining(namespace, remaining)
            # upstream requeues after half the longest remaining grace period, plus one second
            return max(self._longest_grace(key) / 2, 0) + 1
        finalizers = [f for f in namespace["spec"]["finalizers"] if f != FINALIZER]
        self.ctx.client.finalize({**namespace, "spec": {**namespace["spec"], "finalizers": finalizers}})
        return None

    def _delete_contents(self, namespace: str) -> dict[str, int]:
        """Delete every object in the namespace; returns the count still present per resource."""
        remaining = {}
        for kind in NAMESPACED_KINDS:
            objects = self.ctx.cache.list(kind, namespace)
            for obj in objects:
                if obj["metadata"].get("deletionTimestamp"):
                    continue
                try:
                    self.ctx.client.delete(kind, namespace, obj["metadata"]["name"], propagation_policy="Background")
                except ApiError as error:
                    if error.code != 404:
                        raise
            left = len(self.ctx.cache.list(kind, namespace))
            if left:
                remaining[kind] = left
        return remaining

    def _longest_grace(self, namespace: str) -> float:
        clock = self.ctx.clock
        ends = [
            clock.seconds_since_epoch(pod["metadata"]["deletionTimestamp"]) - clock.now
            for pod in self.ctx.cache.list("Pod", namespace)
            if pod["metadata"].get("deletionTimestamp")
        ]
        return max(ends, default=0)

    def _report_remaining(self, namespace: dict, remaining: dict[str, int]) -> None:
        """upstream NamespaceContentRemaining condition: 'Some resources are remaining: pods. has 2 resource instances'."""
        parts = [
            f"{kind_named(kind).plural}.{kind_named(kind).group} has {count} resource instances"
            for kind, count in remaining.items()
        ]
        message = "Some resources are remaining: " + ", ".join(sorted(parts))
        status = dict(namespace.get("status") or {})
        conditions = [c for c in status.get("conditions") or [] if c.get("type") != "NamespaceContentRemaining"]
        previous = next(
            (c for c in status.get("conditions") or [] if c.get("type") == "NamespaceContentRemaining"), None
        )
        if previous and previous.get("message") == message and previous.get("status") == "True":
            return
        conditions.append(
            {
                "type": "NamespaceContentRemaining",
                "status": "True",
                "reason": "SomeResourcesRemain",
                "message": message,
                "lastTransitionTime": (previous or {}).get("lastTransitionTime") or self.ctx.clock.timestamp(),
            }
        )
        status["conditions"] = conditions
        self.ctx.client.update_status("Namespace", {**namespace, "status": status})
