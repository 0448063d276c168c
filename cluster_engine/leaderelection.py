"""Leader election over Lease locks, as client-go's leaderelection package runs it for each control-plane binary.

kube-controller-manager, kube-scheduler and cloud-controller-manager run one instance per control-plane node; the
instances race for a Lease in kube-system and only the holder acts, so two controller managers never fight over the
same objects. The holder renews every retry period; if it cannot renew within the renew deadline (its API server is
down) it stops leading and its process restarts. The others take the Lease once they have seen the record unchanged
for a whole lease duration, measured on their own clock from when they last saw it change, never from renewTime:
that is how upstream tolerates clock skew between machines, and why a failover takes 15 to 24 seconds.
"""

import uuid
from collections.abc import Callable

from .api.availability import component_running
from .api.errors import ApiError
from .runtime.clock import Timer
from .runtime.component import Component, Context

ELECTED_COMPONENTS = ("kube-controller-manager", "kube-scheduler", "cloud-controller-manager")
LEASE_NAMESPACE = "kube-system"
# upstream: component-base LeaderElectionConfiguration defaults --leader-elect-lease-duration=15s,
# --leader-elect-renew-deadline=10s, --leader-elect-retry-period=2s
LEASE_DURATION = 15
RENEW_DEADLINE = 10.0
RETRY_PERIOD = 2.0
# upstream: leaderelection.JitterFactor; a candidate waits retryPeriod * (1 + rand * 1.2) between acquire attempts
JITTER_FACTOR = 1.2


class Leadership:
    """Which instance of each elected component leads right now, as the candidates themselves believe."""

    def __init__(self):
        self._leaders: dict[str, str] = {}  # component -> ControlPlaneComponent name of the leading instance
        self.modelled: set[str] = set()  # components the cluster runs as ControlPlaneComponent instances
        self.listeners: list[Callable[[str], None]] = []

    def is_leader(self, component: str) -> bool:
        """Whether `component` may act: it has a live leader, or the cluster does not model it (a unit test's)."""
        return component in self._leaders or component not in self.modelled

    def leader_instance(self, component: str) -> str | None:
        return self._leaders.get(component)

    def set_leading(self, component: str, instance: str, leading: bool) -> None:
        if leading:
            changed = self._leaders.get(component) != instance
            self._leaders[component] = instance
        else:
            changed = self._leaders.get(component) == instance
            if changed:
                del self._leaders[component]
        if changed:
            for listener in list(self.listeners):
                listener(component)


class LeaderElector:
    """One candidate: a running instance of an elected component, with client-go's acquire and renew loops."""

    def __init__(self, ctx: Context, component: str, instance: str, node: str, on_leading: Callable[[bool], None]):
        self.ctx = ctx
        self.component = component
        self.instance = instance
        self.node = node
        # upstream: the binaries use "<hostname>_<uuid>", a fresh uuid per process start
        self.identity = f"{node}_{uuid.UUID(int=ctx.rng.getrandbits(128), version=4)}"
        self.on_leading = on_leading
        self.leading = False
        self._lease: dict | None = None  # the Lease as our last successful write left it
        self._observed: dict | None = None  # the lease spec last seen, and when (our clock) it was first seen
        self._observed_time = float("-inf")
        self._timer: Timer | None = None

    # ---- the loops ---------------------------------------------------------------------------------------
    def run(self) -> None:
        self._schedule(0.0, self._acquire)

    def stop(self) -> None:
        """The process died (node off, component down): no more attempts, no goodbye write."""
        if self._timer is not None:
            self._timer.cancel()
        self._set_leading(False)

    def _acquire(self) -> None:
        if not self.try_acquire_or_renew():
            self._schedule(RETRY_PERIOD * (1 + self.ctx.rng.random() * JITTER_FACTOR), self._acquire)
            return
        self._record("became leader")
        self._set_leading(True)
        self._schedule(RETRY_PERIOD, self._renew_round)

    def _renew_round(self) -> None:
        self._renew(self.ctx.clock.now + RENEW_DEADLINE)

    def _renew(self, deadline: float) -> None:
        if self.try_acquire_or_renew():
            self._schedule(RETRY_PERIOD, self._renew_round)
        elif self.ctx.clock.now + RETRY_PERIOD < deadline:
            self._schedule(RETRY_PERIOD, lambda: self._renew(deadline))
        else:
            self._schedule(deadline - self.ctx.clock.now, self._lose)

    def _lose(self) -> None:
        """Renewing failed for the whole renew deadline: upstream binaries exit ("leaderelection lost")."""
        self._record("stopped leading")
        self._set_leading(False)

    # ---- one attempt -------------------------------------------------------------------------------------
    def try_acquire_or_renew(self) -> bool:
        """client-go's tryAcquireOrRenew against the Lease lock; False when the lease is held or a call fails."""
        now = self.ctx.clock.now
        stamp = self.ctx.clock.micro_timestamp()
        record = {
            "holderIdentity": self.identity,
            "leaseDurationSeconds": LEASE_DURATION,
            "acquireTime": stamp,
            "renewTime": stamp,
        }
        client = self.ctx.client.as_manager(self.component)  # the elected binary writes its own lease
        # 1. fast path: the leader updates optimistically, assuming its last write is still the current version
        if self.is_holder() and self._lease_valid(now) and self._lease is not None:
            record["acquireTime"] = self._observed.get("acquireTime", stamp)
            record["leaseTransitions"] = self._observed.get("leaseTransitions", 0)
            try:
                return self._wrote(client.update("Lease", {**self._lease, "spec": record}), now)
            except ApiError:
                pass  # fall back to the slow path, as upstream does
        # 2. obtain or create the record
        try:
            lease = client.get("Lease", LEASE_NAMESPACE, self.component)
        except ApiError as error:
            if error.code != 404:
                return False
            body = {"metadata": {"name": self.component, "namespace": LEASE_NAMESPACE}, "spec": record}
            body["spec"]["leaseTransitions"] = 0
            try:
                return self._wrote(client.create("Lease", {"apiVersion": "coordination.k8s.io/v1", **body}), now)
            except ApiError:
                return False
        # 3. check the identity and time
        old = lease.get("spec") or {}
        if old != self._observed:
            self._observed, self._observed_time = old, now
        if old.get("holderIdentity") and self._lease_valid(now) and not self.is_holder():
            return False
        # 4. take or keep it
        if self.is_holder():
            record["acquireTime"] = old.get("acquireTime", stamp)
            record["leaseTransitions"] = old.get("leaseTransitions", 0)
        else:
            record["leaseTransitions"] = old.get("leaseTransitions", 0) + 1
        try:
            return self._wrote(client.update("Lease", {**lease, "spec": record}), now)
        except ApiError:
            return False

    def is_holder(self) -> bool:
        """upstream IsLeader: the last observed record names us."""
        return (self._observed or {}).get("holderIdentity") == self.identity

    def _lease_valid(self, now: float) -> bool:
        duration = (self._observed or {}).get("leaseDurationSeconds") or 0
        return self._observed_time + duration > now

    def _wrote(self, lease: dict, now: float) -> bool:
        self._lease = lease
        self._observed, self._observed_time = lease["spec"], now
        return True

    # ---- helpers -----------------------------------------------------------------------------------------
    def _schedule(self, delay: float, callback: Callable[[], None]) -> None:
        self._timer = self.ctx.clock.call_later(delay, callback, f"leader-election:{self.instance}")

    def _set_leading(self, leading: bool) -> None:
        if self.leading != leading:
            self.leading = leading
            self.on_leading(leading)

    def _record(self, what: str) -> None:
        """upstream LeaseLock.RecordEvent: a LeaderElection event on the Lease, "<identity> <what>"."""
        lease = self._lease or {
            "apiVersion": "coordination.k8s.io/v1",
            "kind": "Lease",
            "metadata": {"name": self.component, "namespace": LEASE_NAMESPACE},
        }
        became = what == "became leader"
        self.ctx.events.record(
            lease,
            "Normal",
            "LeaderElection",
            f"{self.identity} {what}",
            self.component,
            explanation=(
                "The {component} on {node} now holds the lease, so it is the one instance that acts."
                if became
                else "The {component} on {node} could not renew its lease in time, so it stops acting."
            ),
            host=self.node,
            explanation_args={"component": self.component, "node": self.node},
        )


class LeaderElection(Component):
    """Runs one candidate per running instance of each elected component and keeps `ctx.is_leader` truthful."""

    name = "leader-election"

    def __init__(self, ctx: Context):
        super().__init__(ctx)
        self.leadership = Leadership()
        ctx.leadership = self.leadership
        ctx.is_leader = self.leadership.is_leader
        self._electors: dict[str, LeaderElector] = {}  # ControlPlaneComponent name -> its live candidate

    def start(self) -> None:
        self.ctx.cache.informer("ControlPlaneComponent").add_handler(
            lambda obj: self.sync(), lambda old, new: self.sync(), lambda obj: self.sync()
        )
        self.ctx.cache.informer("Node").add_handler(
            lambda obj: self.sync(), self._node_changed, lambda obj: self.sync()
        )

    def _node_changed(self, old: dict, new: dict) -> None:
        if _annotations(old) != _annotations(new):  # power is an annotation; heartbeats change only status
            self.sync()

    def sync(self) -> None:
        """Start a candidate for each instance that runs and has none; stop those whose instance stopped."""
        nodes = self.ctx.cache.informer("Node")
        running: dict[str, tuple[str, str]] = {}
        modelled = set()
        for instance in self.ctx.cache.list("ControlPlaneComponent"):
            component, node = instance["spec"].get("component"), instance["spec"].get("nodeName")
            if component not in ELECTED_COMPONENTS:
                continue
            modelled.add(component)
            if component_running(instance, {node: nodes.get(node)} if nodes.get(node) else {}):
                running[instance["metadata"]["name"]] = (component, node)
        self.leadership.modelled = modelled
        for name in [name for name in self._electors if name not in running]:
            self._electors.pop(name).stop()
        for name, (component, node) in running.items():
            if name not in self._electors:
                self._start_candidate(name, component, node)

    def _start_candidate(self, name: str, component: str, node: str) -> None:
        def on_leading(leading: bool) -> None:
            self.leadership.set_leading(component, name, leading)
            if not leading and self._electors.get(name) is elector:
                # the binary exited after losing its lease; its static pod restarts it as a new candidate
                del self._electors[name]
                self._start_candidate(name, component, node)

        elector = LeaderElector(self.ctx, component, name, node, on_leading)
        self._electors[name] = elector
        elector.run()

    def elector(self, instance: str) -> LeaderElector | None:
        return self._electors.get(instance)


def _annotations(obj: dict) -> dict:
    return obj["metadata"].get("annotations") or {}
