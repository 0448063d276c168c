"""The reconcile loop: run timers in simulated-time order and drain every component's queue after each.

One `ControlPlane` drives one cluster. `run_until(t)` is what a tick of real time does at some speed; `step()` is
the instructor's "advance to the next thing that happens". Between timers the loop drains work queues until the
cluster is quiet, so a cascade (deployment → replica set → pods → scheduler) completes at one simulated instant,
as it would within milliseconds on a real cluster.
"""

from .component import Component, Context

# A drain that keeps finding work this many times in a row is a controller fighting another; stop and report it.
MAX_DRAIN_PASSES = 10_000


class ControlPlane:
    def __init__(self, ctx: Context, components: list[Component]):
        self.ctx = ctx
        self.components = list(components)
        self.started = False

    def add(self, component: Component) -> None:
        self.components.append(component)
        if self.started:
            component.start()

    def start(self) -> None:
        for component in self.components:
            component.start()
        self.started = True
        self.drain()

    def drain(self) -> int:
        """Process queued work until no component has any; returns how many items were handled."""
        handled = 0
        client = self.ctx.client
        for _ in range(MAX_DRAIN_PASSES):
            round_handled = 0
            for component in self.components:
                if component.pending():
                    client.manager = component.manager
                    round_handled += component.process()
            handled += round_handled
            if not round_handled:
                return handled
        raise RuntimeError("control plane did not settle: components keep re-queueing each other")

    def has_work(self, until: float, background: bool = True) -> bool:
        """Whether advancing to `until` would do anything: a timer due by then (a background one too unless
        `background` is False), or queued work."""
        due = self.ctx.clock.next_due(background)
        return (due is not None and due <= until) or any(component.pending() for component in self.components)

    def run_until(self, until: float) -> int:
        """Advance simulated time to `until`, firing each due timer in order; returns timers fired."""
        clock = self.ctx.clock
        fired = 0
        self.drain()
        while (timer := clock.pop_due(until)) is not None:
            if timer.cancelled:
                continue
            timer.callback()
            fired += 1
            self.drain()
        clock.advance_to(until)
        return fired

    def run_for(self, seconds: float) -> int:
        return self.run_until(self.ctx.clock.now + seconds)

    def step(self) -> float | None:
        """Jump to the next scheduled happening and run everything due then; returns the new time."""
        due = self.ctx.clock.next_due(background=False)
        if due is None:
            return None
        self.run_until(due)
        return due
