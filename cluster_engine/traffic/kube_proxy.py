"""Each node's kube-proxy: the Service endpoints its rules send traffic to, as of its last sync.

Upstream kube-proxy watches the API and rewrites the node's rules (iptables) at most once per `minSyncPeriod`
(1 s by default, pkg/proxy/apis/config/v1alpha1/defaults.go) through a bounded-frequency runner: a change right after
a sync waits for the rest of that second. So for up to a second after the EndpointSlice controller marks a pod not
ready, nodes still send it requests; a powered-off node's kube-proxy syncs nothing, and one that boots syncs at once.
Rules hold the ready endpoints of each Service's slices, or, while none is ready, those still serving as they
terminate (`slice_cache`).

Nor is a sync instant: the watch has to deliver the change and iptables-restore to rewrite the node's tables, which
upstream measures as its network programming latency SLI (its SLO: p99 within 30 s on large clusters). On a small
cluster that is a fraction of a second, drawn per node and change (`PROGRAMMING_SECONDS`), so nodes briefly
disagree, as they do.
"""

from ..api.availability import powered_on
from .slice_cache import Endpoint, endpoints_by_service, usable

MIN_SYNC_PERIOD = 1.0  # upstream --iptables-min-sync-period default
PROGRAMMING_SECONDS = (0.1, 1.0)  # watch delivery plus iptables-restore on a small cluster, in 0.1 s steps


Rules = dict[str, tuple[Endpoint, ...]]  # Service key -> the endpoints it balances over


class KubeProxies:
    """Every node's rules; `rules(node)` is what a request entering that node is balanced over."""

    def __init__(self, ctx, rng):
        self.ctx = ctx
        self.rng = rng
        self.active = False
        self._rules: dict[str, Rules] = {}
        self._synced_at: dict[str, float] = {}
        self._due: dict[float, set[str]] = {}  # sync time -> nodes waiting for it
        self._latest: tuple[int, Rules] | None = None  # (endpoints change count, rules built from it)
        self._changes = 0

    def start(self) -> None:
        cache = self.ctx.cache
        cache.informer("EndpointSlice").add_handler(self._changed, lambda old, new: self._changed(new), self._changed)
        cache.informer("Node").add_handler(self._node_changed, lambda old, new: self._node_changed(new), self._gone)

    def activate(self) -> None:
        """Start following the API (when the first client appears): every running kube-proxy syncs now."""
        if not self.active:
            self.active = True
            for node in self.ctx.cache.list("Node"):
                if powered_on(node):
                    self._sync(node["metadata"]["name"])

    def deactivate(self) -> None:
        self.active = False
        self._rules.clear()
        self._synced_at.clear()
        self._due.clear()

    def rules(self, node: str) -> Rules:
        return self._rules.get(node, {})

    def _changed(self, _slice: dict) -> None:
        self._changes += 1
        if not self.active:
            return
        now = self.ctx.clock.now
        for node, synced in sorted(self._synced_at.items()):
            programming = round(self.rng.uniform(*PROGRAMMING_SECONDS), 1)
            self._schedule(node, max(now + programming, synced + MIN_SYNC_PERIOD))

    def _node_changed(self, node: dict) -> None:
        if not self.active:
            return
        name = node["metadata"]["name"]
        if not powered_on(node):
            self._synced_at.pop(name, None)  # the process is gone; its last rules stay in a kernel nobody runs
        elif name not in self._synced_at:
            self._sync(name)  # kube-proxy starts with the node and syncs its first rules at once

    def _gone(self, node: dict) -> None:
        name = node["metadata"]["name"]
        self._rules.pop(name, None)
        self._synced_at.pop(name, None)

    def _schedule(self, node: str, at: float) -> None:
        if any(node in waiting for waiting in self._due.values()):
            return
        waiting = self._due.get(at)
        if waiting is None:
            waiting = self._due[at] = set()
            self.ctx.clock.call_at(at, lambda: self._fire(at), "kube-proxy:sync", background=True)
        waiting.add(node)

    def _fire(self, at: float) -> None:
        for node in sorted(self._due.pop(at, ())):
            if node in self._synced_at:
                self._sync(node)

    def _sync(self, node: str) -> None:
        self._rules[node] = self._current()
        self._synced_at[node] = self.ctx.clock.now

    def _current(self) -> Rules:
        """The usable endpoints of every Service as the API has them now, built once per change and shared."""
        if self._latest is None or self._latest[0] != self._changes:
            merged = endpoints_by_service(self.ctx.cache.list("EndpointSlice"))
            self._latest = (self._changes, {key: usable(endpoints) for key, endpoints in merged.items()})
        return self._latest[1]
