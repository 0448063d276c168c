"""Assembling one cluster's control plane around an API server, whatever storage that server keeps.

The in-memory `Simulation` and the lab's control-plane host both call `build_stack`, so the components, their
shared informer cache and their client are wired the same way in a unit test and in the running lab.
"""

import random
from dataclasses import dataclass

from .api.server import ApiServer
from .controlplane import default_components
from .runtime.cache import Cache
from .runtime.client import Client
from .runtime.component import Context
from .runtime.events import EventRecorder
from .runtime.loop import ControlPlane


@dataclass
class Stack:
    cache: Cache
    client: Client
    ctx: Context
    control_plane: ControlPlane


def build_stack(server: ApiServer, operator: ApiServer, seed: int, components: list[type] | None = None) -> Stack:
    """Components talk to `server` (gated by API availability); the simulated physics uses `operator`."""
    cache = Cache()
    client = Client(server, cache)
    ctx = Context(server.clock, cache, client, random.Random(seed), events=None, operator=operator)
    ctx.events = EventRecorder(ctx)
    classes = default_components() if components is None else components
    return Stack(cache, client, ctx, ControlPlane(ctx, [component(ctx) for component in classes]))
