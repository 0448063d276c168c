"""A whole cluster in memory: storage, API server, informer cache, client and control plane on one clock.

Tests, benchmarks and lessons use it to run scenarios in simulated time with no database and no network:
`sim = Simulation(seed=1); sim.apply(demo_objects()); sim.start(); sim.run_for(300)`.
The lab runs the same components against the ORM-backed API server instead.
"""

import random

from .api.availability import gate_for
from .api.server import ApiServer
from .api.storage import MemoryStorage
from .runtime.clock import SimClock
from .stack import build_stack

# 2026-01-01T00:00:00Z: simulated second 0, so object timestamps in a replayed scenario never change.
DEFAULT_EPOCH = 1767225600.0


class Simulation:
    def __init__(
        self,
        seed: int = 0,
        components: list[type] | None = None,
        epoch: float = DEFAULT_EPOCH,
        max_replicas: int | None = None,
    ):
        self.storage = MemoryStorage()
        self.clock = SimClock(epoch=epoch)
        options = {} if max_replicas is None else {"max_replicas": max_replicas}
        # Clients (kubectl, controllers, kubelets) meet the availability gate; the operator's hands do not.
        self.server = ApiServer(
            self.storage, self.clock, random.Random(seed * 2 + 1), gate=gate_for(self.storage), **options
        )
        self.operator = ApiServer(self.storage, self.clock, self.server.rng, **options)
        stack = build_stack(self.server, self.operator, seed, components)
        self.cache, self.client, self.ctx, self.control_plane = (
            stack.cache,
            stack.client,
            stack.ctx,
            stack.control_plane,
        )
        self.storage.subscribers.append(lambda event: self.cache.apply(event["type"], event["object"]))

    def apply(self, objects: list[dict]) -> list[dict]:
        """Create objects as an operator would seed them (not gated)."""
        return [self.operator.create(obj["kind"], obj) for obj in objects]

    def start(self) -> None:
        self.control_plane.start()

    def run_until(self, until: float) -> int:
        return self.control_plane.run_until(until)

    def run_for(self, seconds: float) -> int:
        return self.control_plane.run_for(seconds)

    def step(self) -> float | None:
        return self.control_plane.step()

    @property
    def now(self) -> float:
        return self.clock.now

    def objects(self, kind: str, namespace: str | None = None) -> list[dict]:
        return self.cache.list(kind, namespace)

    def get(self, kind: str, key: str) -> dict | None:
        return self.cache.get(kind, key)
