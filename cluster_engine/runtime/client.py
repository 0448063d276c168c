"""The control plane's handle on the API server, with read-your-writes into its informer cache.

Components write only through this client, which calls the API server (the same one the admin and kubectl use)
and applies each returned object to the cache at once. Without that, a controller could act again on a cache that
has not yet heard of its own last write (upstream guards the same race with "expectations"); the watch event that
arrives later carries the same resourceVersion and is ignored.

Each write names its field manager as the upstream binary's user agent would (kube-controller-manager,
kube-scheduler, kubelet, ...): the control-plane loop sets `manager` to the component it runs, so one client
serves every component at no cost per call.
"""

from ..api.errors import ApiError

DEFAULT_MANAGER = "kube-controller-manager"


class Client:
    def __init__(self, server, cache, manager: str = DEFAULT_MANAGER):
        self.server = server
        self.cache = cache
        self.manager = manager

    def as_manager(self, manager: str) -> "Client":
        """A client sharing this one's server and cache that always writes as `manager`."""
        return Client(self.server, self.cache, manager)

    def get(self, kind: str, namespace: str | None, name: str) -> dict:
        return self.server.get(kind, namespace, name)

    def create(self, kind: str, obj: dict) -> dict:
        return self._applied("ADDED", self.server.create(kind, obj, manager=self.manager))

    def update(self, kind: str, obj: dict) -> dict:
        return self._applied("MODIFIED", self.server.update(kind, obj, manager=self.manager))

    def update_status(self, kind: str, obj: dict) -> dict:
        return self._applied("MODIFIED", self.server.update(kind, obj, subresource="status", manager=self.manager))

    def finalize(self, namespace: dict) -> dict:
        """namespaces/finalize: the only way to change a namespace's spec.finalizers, as upstream."""
        return self._applied(
            "MODIFIED", self.server.update("Namespace", namespace, subresource="finalize", manager=self.manager)
        )

    def patch(self, kind: str, namespace: str | None, name: str, patch, patch_type: str = "merge", subresource=None):
        return self._applied(
            "MODIFIED",
            self.server.patch(kind, namespace, name, patch, patch_type, subresource=subresource, manager=self.manager),
        )

    def delete(self, kind: str, namespace: str | None, name: str, **options) -> dict | None:
        """Delete; returns the object if it lingers (graceful deletion, finalizers), else None."""
        result = self.server.delete(kind, namespace, name, **options)
        self.cache.apply("DELETED" if result.finished else "MODIFIED", result.object)
        return None if result.finished else result.object

    def bind(self, namespace: str, name: str, node_name: str, annotations: dict | None = None) -> dict:
        return self._applied("MODIFIED", self.server.bind(namespace, name, node_name, annotations))

    def bind_many(self, bindings: list[tuple]) -> list:
        """(namespace, name, node, annotations) bindings in one request; per binding the bound pod or its ApiError."""
        results = self.server.bind_many(bindings)
        for result in results:
            if not isinstance(result, ApiError):
                self.cache.apply("MODIFIED", result)
        return results

    def _applied(self, event_type: str, obj: dict) -> dict:
        self.cache.apply(event_type, obj)
        return obj
