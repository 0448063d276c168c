"""What every control-plane component is handed, and the reconcile contract controllers follow.

A component gets a `Context` (clock, cache, client, seeded rng, event recorder) and registers handlers and timers
in `start()`. A `Controller` adds controller-runtime's contract: events only enqueue keys; `reconcile(key)` reads
the cache, makes the world match the spec through the client, and returns a requeue delay or None; an exception
requeues the key with per-key exponential backoff; a periodic resync re-enqueues every key so a lost event costs
time, never correctness.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from ..api.errors import ApiError
from .cache import Cache, key_of
from .client import DEFAULT_MANAGER
from .clock import SimClock
from .queue import WorkQueue


@dataclass
class Context:
    clock: SimClock
    cache: Cache
    client: "object"  # cluster_engine.runtime.client.Client
    rng: random.Random
    events: "object"  # cluster_engine.runtime.events.EventRecorder
    # Which components may act now: in HA only the holder of a component's Lease does (leader election).
    is_leader: Callable[[str], bool] = field(default=lambda component: True)
    errors: list = field(default_factory=list)
    # The simulator's own hands (an ungated ApiServer): the physics of machines, never a Kubernetes client.
    operator: "object" = None
    # Who leads each leader-elected component (cluster_engine.leaderelection.Leadership), once elections run.
    leadership: "object" = None


class Component:
    """A part of the control plane (or a node agent) that runs on the simulated clock."""

    name = "component"
    # The leader-elected component this belongs to (kube-controller-manager, kube-scheduler, ...); None runs always.
    leader_of: str | None = None
    # The field manager its writes carry, as the upstream binary's user agent names it; by default the binary it
    # belongs to (kube-controller-manager, kube-scheduler, cloud-controller-manager).
    field_manager: str | None = None

    @property
    def manager(self) -> str:
        return self.field_manager or self.leader_of or DEFAULT_MANAGER

    def __init__(self, ctx: Context):
        self.ctx = ctx

    def start(self) -> None:
        """Register informer handlers and timers."""

    def pending(self) -> int:
        """How much queued work is waiting; the loop keeps calling `process` while any component has some."""
        return 0

    def process(self) -> int:
        """Do queued work; returns how many items were handled."""
        return 0

    def acting(self) -> bool:
        return self.leader_of is None or self.ctx.is_leader(self.leader_of)

    def every(self, period: float, callback: Callable[[], None], first: float | None = None) -> None:
        """Run `callback` every `period` simulated seconds (a wait.Until loop)."""

        def tick():
            self.ctx.client.manager = self.manager
            callback()
            self.ctx.clock.call_later(period, tick, f"{self.name}:tick")

        self.ctx.clock.call_later(period if first is None else first, tick, f"{self.name}:tick")


class Controller(Component):
    """A level-triggered reconciler fed by a de-duplicating, rate-limited work queue."""

    # upstream controllers resync their informers periodically; 30 s of simulated time keeps lessons lively
    resync_period: float | None = None
    primary_kind: str | None = None

    def __init__(self, ctx: Context):
        super().__init__(ctx)
        self.queue = WorkQueue(ctx.clock, self.name)

    def watch(self, kind: str, mapper: Callable[[dict], list[str] | str | None] = key_of) -> None:
        """Enqueue the key(s) `mapper` returns whenever an object of `kind` is added, changed or removed."""

        def enqueue(obj):
            keys = mapper(obj)
            for key in [keys] if isinstance(keys, str) else keys or ():
                self.queue.add(key)

        self.ctx.cache.informer(kind).add_handler(enqueue, lambda old, new: (enqueue(old), enqueue(new)), enqueue)

    def start(self) -> None:
        if self.resync_period and self.primary_kind:
            self.every(self.resync_period, self.resync)

    def resync(self) -> None:
        for key in self.ctx.cache.informer(self.primary_kind).keys():
            self.queue.add(key)

    def pending(self) -> int:
        queued = len(self.queue)  # asked after every timer: an empty queue answers without the leadership check
        return queued if queued and self.acting() else 0

    def process(self, limit: int | None = None) -> int:
        """Reconcile queued keys, at most `limit` of them when given."""
        handled = 0
        while self.acting() and (limit is None or handled < limit):
            key = self.queue.pop()
            if key is None:
                break
            handled += 1
            try:
                requeue_after = self.reconcile(key)
            except ApiError as error:
                # 409 conflicts and 503 while the API server is down are retried after a backoff, as upstream.
                self.queue.add_rate_limited(key)
                if error.code not in (409, 503, 404):
                    self.ctx.errors.append((self.name, key, error))
                continue
            self.queue.forget(key)
            if requeue_after is not None:
                self.queue.add_after(key, requeue_after)
        return handled

    def reconcile(self, key: str) -> float | None:
        raise NotImplementedError
