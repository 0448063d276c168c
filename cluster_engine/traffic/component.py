"""The simulated clients: each tick, every client's requests go through DNS, a node's rules and on to pods.

Per tick the requests of a client are split evenly (a seeded draw places the remainder) over the nodes they enter
and then over the endpoints each node's kube-proxy balances to (iptables picks uniformly at random). Nodes whose
rules are the same (the usual case: they synced the same Endpoints) are split over them together, so the cost of a
tick grows with nodes plus endpoints, never with the rate. A few requests per second are also followed one by one
as samples, which the page draws as moving dots.

Paths, by how the client reaches the Service:
- ClusterIP: from a client pod on the first running worker node; cluster DNS resolves `<svc>.<ns>.svc.cluster.local`
  (NXDOMAIN when the Service does not exist), then that node's kube-proxy picks an endpoint;
- NodePort: from outside, to every worker node's address in turn; a powered-off node does not answer;
- LoadBalancer: to the Service's external IP; the cloud load balancer spreads connections over the nodes its
  health probes consider up, and each node's kube-proxy picks an endpoint.

Traffic only reads the cache and never writes, so its timers (and kube-proxy's and the load balancer's) are
background timers: the lab runs them without a database transaction, and a step jumps over them.
"""

import random
from collections import Counter

from ..api.availability import powered_on
from ..runtime.component import Component
from ..scenarios import CONTROL_PLANE_LABEL
from .clients import TrafficClient, parse_client
from .kube_proxy import KubeProxies
from .load_balancer import LoadBalancerProbes
from .meter import Meter
from .reach import REFUSED, TIMEOUT, UNRESOLVED, latency_ms, outcome

TICK_SECONDS = 0.25  # how finely failures are placed in time
SAMPLES_PER_SECOND = 6.0  # requests per client followed individually, for the dots
SAMPLE_MEMORY_SECONDS = 3.0  # samples kept for the page (it animates the ones it has not drawn yet)


class ClientRun:
    """One client's running state: its meter, the fraction of a request carried to the next tick, its samples."""

    def __init__(self, client: TrafficClient, started: float):
        self.client = client
        self.meter = Meter(started)
        self.carry = 0.0
        self.sample_carry = 0.0
        self.samples: list[dict] = []


class Traffic(Component):
    name = "traffic"

    def __init__(self, ctx):
        super().__init__(ctx)
        # Its own stream, seeded from the cluster's rng without drawing from it: traffic leaves every other
        # component's draws, and so every scenario without traffic, exactly as they were. (The state's integers
        # hash the same in every process, unlike strings.)
        self.rng = random.Random(hash(ctx.rng.getstate()[1]))
        self.proxies = KubeProxies(ctx, self.rng)
        self.probes = LoadBalancerProbes(ctx)
        self.runs: dict[str, ClientRun] = {}
        self._timer = None
        self._sample_ids = 0
        # endpoint -> how it answers; it depends only on Pods and Nodes, so any change to one forgets them all
        self._answers: dict = {}

    def start(self) -> None:
        self.proxies.start()
        for kind in ("Pod", "Node"):
            self.ctx.cache.informer(kind).add_handler(self._forget_answers, self._forget_changed, self._forget_answers)
        informer = self.ctx.cache.informer("ConfigMap")
        informer.add_handler(self._clients_changed, lambda old, new: self._clients_changed(new), self._clients_changed)
        self._clients_changed(None)

    def _forget_answers(self, _obj: dict) -> None:
        self._answers.clear()

    def _forget_changed(self, _old: dict, _new: dict) -> None:
        self._answers.clear()

    def _clients_changed(self, _configmap) -> None:
        clients = {}
        for configmap in self.ctx.cache.list("ConfigMap"):
            client = parse_client(configmap)
            if client is not None:
                clients[client.name] = client
        for name in set(self.runs) - set(clients):
            del self.runs[name]
        for name, client in clients.items():
            if name in self.runs:
                self.runs[name].client = client
            else:
                self.runs[name] = ClientRun(client, self.ctx.clock.now)
        if self.runs and self._timer is None:
            self.proxies.activate()
            self.probes.activate()
            self._timer = self.ctx.clock.call_later(TICK_SECONDS, self._tick, "traffic:tick", background=True)
        elif not self.runs and self._timer is not None:
            self._timer.cancel()
            self._timer = None
            self.proxies.deactivate()
            self.probes.deactivate()

    def _tick(self) -> None:
        for run in self.runs.values():
            self.send(run, TICK_SECONDS)
        self._timer = self.ctx.clock.call_later(TICK_SECONDS, self._tick, "traffic:tick", background=True)

    # ---- one tick of one client ------------------------------------------------------------------------------
    def send(self, run: ClientRun, seconds: float) -> None:
        client = run.client
        started = self.ctx.clock.now - seconds
        run.carry += client.rate * seconds
        count = int(run.carry)
        run.carry -= count
        run.sample_carry += min(SAMPLES_PER_SECOND, client.rate) * seconds
        samples = int(run.sample_carry)
        run.sample_carry -= samples
        # The nodes the requests enter; with none, they fail before reaching the cluster (`failure`). A failure
        # with entries (no node port open) is met on each node, which then refuses them, if it answers at all.
        entries, failure = self._entries(client)
        via_lb = client.via == "LoadBalancer"
        if entries:
            self._through(run, started, entries, self._split(count, len(entries)), via_lb, failure is None)
        else:
            result = failure or TIMEOUT
            run.meter.record(started, result, count, latency_ms(result, 0.0, False), None)
        for _ in range(samples):
            entry = entries[self.rng.randrange(len(entries))] if entries else None
            endpoints = self._endpoints(client, entry) if entry and failure is None else ()
            endpoint = endpoints[self.rng.randrange(len(endpoints))] if endpoints else None
            result = self._result(entry, endpoint) if entry else failure or TIMEOUT
            cross_node = 1.0 if endpoint is not None and endpoint.node != entry else 0.0
            mean = latency_ms(result, cross_node, via_lb)
            jittered = mean if result == TIMEOUT else round(mean * self.rng.uniform(0.6, 1.6), 2)
            self._sample(run, started, seconds, entry, endpoint and endpoint.pod, result, jittered)
        horizon = self.ctx.clock.now - SAMPLE_MEMORY_SECONDS
        run.samples = [sample for sample in run.samples if sample["at"] >= horizon]

    def _through(self, run: ClientRun, started, entries: list[str], shares: list[int], via_lb, open_port) -> None:
        """Requests that entered these nodes: failed where the node or its rules leave them nowhere to go, else
        balanced over the endpoints, once for all the nodes that hold the same rules."""
        groups: dict[int, tuple[tuple, Counter]] = {}  # id of a rules tuple -> (it, requests per entry node)
        for entry, share in zip(entries, shares, strict=True):
            if share <= 0:
                continue
            endpoints = self._endpoints(run.client, entry) if open_port else ()
            result = self._result(entry, None)
            if result == TIMEOUT or not endpoints:
                run.meter.record(started, result, share, latency_ms(result, 0.0, via_lb), None)
                continue
            groups.setdefault(id(endpoints), (endpoints, Counter()))[1][entry] += share
        for endpoints, by_entry in groups.values():
            total = sum(by_entry.values())
            for endpoint, share in zip(endpoints, self._split(total, len(endpoints)), strict=True):
                if share:
                    result = self._answer(endpoint)
                    cross_node = 1.0 - by_entry[endpoint.node] / total
                    run.meter.record(started, result, share, latency_ms(result, cross_node, via_lb), endpoint.pod)

    def _result(self, entry: str, endpoint) -> str:
        node = self.ctx.cache.get("Node", entry)
        if node is None or not powered_on(node):
            return TIMEOUT  # the node the request was sent to does not answer
        if endpoint is None:
            return REFUSED  # kube-proxy's REJECT rule for a Service without endpoints
        return self._answer(endpoint)

    def _answer(self, endpoint) -> str:
        answer = self._answers.get(endpoint)
        if answer is None:
            answer = self._answers[endpoint] = outcome(self.ctx.cache, endpoint)
        return answer

    def _endpoints(self, client: TrafficClient, entry: str) -> tuple:
        return self.proxies.rules(entry).get(client.service_key, ())

    def _split(self, count: int, parts: int) -> list[int]:
        """`count` spread evenly over `parts`, the remainder to parts chosen at random."""
        base, remainder = divmod(count, parts)
        shares = [base] * parts
        for index in self.rng.sample(range(parts), remainder):
            shares[index] += 1
        return shares

    def _sample(self, run, started, seconds, entry, pod, result, waited_ms) -> None:
        self._sample_ids += 1
        at = round(started + self.rng.uniform(0, seconds), 3)
        run.samples.append(
            {"id": self._sample_ids, "at": at, "node": entry, "pod": pod, "result": result, "ms": waited_ms}
        )

    # ---- where a client's requests enter the cluster ---------------------------------------------------------
    def _entries(self, client: TrafficClient) -> tuple[list[str], str | None]:
        """The nodes the client's requests enter, or the failure they meet before reaching any."""
        service = self.ctx.cache.get("Service", client.service_key)
        if client.via == "ClusterIP":
            if service is None:
                return [], UNRESOLVED  # cluster DNS: NXDOMAIN
            client_node = self.client_node()
            return ([client_node] if client_node else []), None
        if client.via == "NodePort":
            if service is None or not _node_ports(service):
                return self.workers(), REFUSED  # nothing listens on that port on any node
            return self.workers(), None
        if service is None or not _ingress(service):
            return [], UNRESOLVED  # no external IP to send to
        return self.probes.in_rotation(), None

    def workers(self) -> list[str]:
        return sorted(
            node["metadata"]["name"]
            for node in self.ctx.cache.list("Node")
            if CONTROL_PLANE_LABEL not in (node["metadata"].get("labels") or {})
        )

    def client_node(self) -> str | None:
        """Where the client pod runs: the first worker that is up (a client pod on a dead node would move)."""
        return next((name for name in self.workers() if powered_on(self.ctx.cache.get("Node", name))), None)

    # ---- what the page draws ----------------------------------------------------------------------------------
    def state(self) -> dict:
        now = self.ctx.clock.now
        clients = []
        for name, run in sorted(self.runs.items()):
            client = run.client
            service = self.ctx.cache.get("Service", client.service_key)
            last = run.meter.last_complete(now)
            entry = {
                "name": name,
                "namespace": client.namespace,
                "service": client.service,
                "dnsName": client.dns_name,
                "via": client.via,
                "rate": client.rate,
                "last": last.summary() if last else None,
                "history": run.meter.history(now),
                "samples": list(run.samples),
            }
            if client.via == "ClusterIP":
                entry["clientNode"] = self.client_node()
            elif client.via == "LoadBalancer":
                entry["loadBalancer"] = {
                    "ip": (_ingress(service) or [{}])[0].get("ip") if service else None,
                    "backends": self.probes.in_rotation(),
                }
            clients.append(entry)
        return {"now": now, "clients": clients}


def _node_ports(service: dict) -> list[int]:
    return [port["nodePort"] for port in service["spec"].get("ports") or [] if port.get("nodePort")]


def _ingress(service: dict) -> list[dict]:
    return ((service.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
