"""The cloud load balancer in front of a LoadBalancer Service: which nodes it sends new connections to.

Azure's load balancer (cloud-provider-azure) probes every backend node every 5 s and changes its mind only after
2 probes in a row agree (consts.HealthProbeDefaultProbeInterval, HealthProbeDefaultNumOfProbe). With
externalTrafficPolicy Cluster the probe asks the node's kube-proxy, so a node that loses power keeps receiving
connections, which time out, for up to 10 s. Nodes labelled `node.kubernetes.io/exclude-from-external-load-balancers`
(the control plane) are never backends.
"""

from ..api.availability import powered_on

PROBE_INTERVAL = 5.0  # consts.HealthProbeDefaultProbeInterval
PROBE_THRESHOLD = 2  # consts.HealthProbeDefaultNumOfProbe
EXCLUDE_LABEL = "node.kubernetes.io/exclude-from-external-load-balancers"


class LoadBalancerProbes:
    def __init__(self, ctx):
        self.ctx = ctx
        self.healthy: dict[str, bool] = {}
        self._streak: dict[str, int] = {}  # consecutive probes disagreeing with the current verdict
        self._timer = None

    def activate(self) -> None:
        if self._timer is None:
            self.healthy = {node["metadata"]["name"]: powered_on(node) for node in self._backends()}
            self._streak = {}
            self._timer = self.ctx.clock.call_later(PROBE_INTERVAL, self._probe, "load-balancer:probe", background=True)

    def deactivate(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def in_rotation(self) -> list[str]:
        return sorted(name for name, healthy in self.healthy.items() if healthy)

    def _backends(self) -> list[dict]:
        return [
            node for node in self.ctx.cache.list("Node") if EXCLUDE_LABEL not in (node["metadata"].get("labels") or {})
        ]

    def _probe(self) -> None:
        current = {}
        for node in self._backends():
            name = node["metadata"]["name"]
            answered = powered_on(node)
            verdict = self.healthy.get(name, answered)
            streak = self._streak.get(name, 0) + 1 if answered != verdict else 0
            if streak >= PROBE_THRESHOLD:
                verdict, streak = answered, 0
            current[name] = verdict
            self._streak[name] = streak
        self.healthy = current
        self._timer = self.ctx.clock.call_later(PROBE_INTERVAL, self._probe, "load-balancer:probe", background=True)
