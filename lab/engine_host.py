"""Hosting the control plane: every cluster's components, run on its simulated clock against the ORM.

The same host runs in two places. Embedded (`runlab`): inside the Daphne process, on its event loop, so it shares
the in-memory channel layer with the consumers. Scale-out (`manage.py controlplane`): in its own process with the
Redis channel layer; several may run, and only the one holding the worker lease acts (the others wait to take
over), the way kube-controller-manager replicas share one leader.

Per cluster, a `ClusterHost`:
- lists every kind once into the engine's informer cache, then follows the cluster's channel-layer group (the same
  watch stream the browser gets) so edits made elsewhere (admin, kubectl) reach the controllers;
- every tick advances the simulated clock by wall time × speed (or to the next happening on "step"), running the
  components in one database transaction, so the tick's writes commit together and go out as one watch message;
- publishes the clock state so pages can show countdowns.
Engine work runs in one thread per cluster (ORM calls are synchronous); a tick that crashes is rolled back whole
and the host rebuilds its cache from the database, so a crash costs time, never an object.
"""

import asyncio
import atexit
import contextlib
import logging
import os
import random
import socket
import time
import uuid
from collections import deque
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import close_old_connections

from cluster_engine.api.availability import gate_for
from cluster_engine.api.kinds import ALL_KINDS
from cluster_engine.api.server import ApiServer
from cluster_engine.runtime.clock import SimClock
from cluster_engine.stack import build_stack

from . import group_subscription, publishing, worker_lease
from .groups import CLOCK_CONTROL, CLOCK_STATE, TRAFFIC_STATE, cluster_group
from .models import Cluster
from .storage import OrmStorage

logger = logging.getLogger(__name__)

TICK_SECONDS = 0.1  # wall time between clock advances: smooth enough for animations, cheap when idle
CLOCK_PUBLISH_SECONDS = 0.25  # how often pages hear the clock (countdowns interpolate in between)
CLUSTER_SCAN_SECONDS = 2.0
SETTINGS_REFRESH_SECONDS = 1.0  # an admin's edit of speed or pause takes effect within this (clock controls: at once)
PERSIST_SECONDS = 1.0
REBUILD_DELAY_SECONDS = 1.0  # between attempts to rebuild a cluster's control plane after a failure  # how often a quiet cluster stores its clock position  # how soon a newly created cluster gets its control plane
# A tick never advances more than this many simulated seconds, so a laptop waking from sleep does not replay an
# hour in one go while the page waits.
MAX_TICK_ADVANCE = 30.0


class ClusterHost:
    def __init__(
        self, cluster_id: int, components: list[type] | None = None, executor: ThreadPoolExecutor | None = None
    ):
        self.cluster_id = cluster_id
        self.components = components  # None: the full default control plane
        # The thread the engine runs in; clusters hosted together share one (see ControlPlaneHost).
        self.executor = executor or ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"control-plane-{cluster_id}")
        self.inbox: deque[dict] = deque()
        self.step_requests = 0
        self.wake = asyncio.Event()
        self.stack = None
        self.clock: SimClock | None = None
        self.storage: OrmStorage | None = None
        self.settings_stale = True  # speed and pause are re-read when a clock control says so, or every second
        self.settings_read_at = 0.0
        self.persisted_at = 0.0
        self.traffic_running = False
        self.stale = False  # set when the group subscription was lost and made again: messages may be missing

    # ---- in the cluster's engine thread ---------------------------------------------------------------------
    def _build(self) -> None:
        close_old_connections()
        cluster = Cluster.objects.get(pk=self.cluster_id)
        self.clock = SimClock(epoch=cluster.epoch, now=cluster.now, speed=cluster.speed, paused=cluster.paused)
        self.storage = OrmStorage(cluster, self.clock)
        rng = random.Random(cluster.seed * 2 + 1)
        server = ApiServer(
            self.storage, self.clock, rng, gate=gate_for(self.storage), max_replicas=cluster.max_replicas
        )
        operator = ApiServer(self.storage, self.clock, rng, max_replicas=cluster.max_replicas)
        self.inbox.clear()
        self.stack = build_stack(server, operator, cluster.seed, self.components)
        for kind in ALL_KINDS:
            items, version = operator.list(kind.kind)
            self.stack.cache.replace(kind.kind, items, version)
        with self.storage.transaction():
            self.stack.control_plane.start()

    def _advance(self, elapsed_wall: float, step: bool) -> dict:
        """Apply what the watch brought, run the clock forward, and return the clock's state for the pages.

        Most ticks of a quiet cluster have nothing due: those only move the clock in memory, so an idle classroom
        of many clusters does not keep the database's single writer busy. The clock position is stored at most
        once a second then (a restart resumes from it), and at once whenever a tick writes anything."""
        close_old_connections()
        wall = time.monotonic()
        clock = self.clock
        if self.settings_stale or wall - self.settings_read_at >= SETTINGS_REFRESH_SECONDS:
            settings = Cluster.objects.values("speed", "paused").get(pk=self.cluster_id)
            clock.speed, clock.paused = settings["speed"], settings["paused"]
            self.settings_stale, self.settings_read_at = False, wall
        while self.inbox:
            event = self.inbox.popleft()
            self.stack.cache.apply(event["type"], event["object"])
        control_plane = self.stack.control_plane
        target = clock.now if clock.paused else clock.now + min(elapsed_wall * clock.speed, MAX_TICK_ADVANCE)
        if not step and not control_plane.has_work(target, background=False):
            # At most background activity is due (service traffic), which reads the cache and writes nothing.
            control_plane.run_until(target)
            if wall - self.persisted_at >= PERSIST_SECONDS:
                Cluster.objects.filter(pk=self.cluster_id).update(now=clock.now)
                self.persisted_at = wall
            return self.clock_state()
        # One transaction: a tick that fails part-way is rolled back whole (run() then rebuilds from the database).
        with self.storage.transaction():
            if step:
                control_plane.step()
            else:  # paused time still lets the cluster react to edits: target is then the present
                control_plane.run_until(target)
            Cluster.objects.filter(pk=self.cluster_id).update(now=clock.now)
            self.persisted_at = wall
        return self.clock_state()

    def clock_state(self) -> dict:
        clock = self.clock
        return {
            "now": clock.now,
            "time": clock.timestamp(),
            "speed": clock.speed,
            "paused": clock.paused,
            "next_due": clock.next_due(background=False),
        }

    def traffic_state(self) -> dict | None:
        """What the simulated clients' requests met, while any runs and once after the last stops; else None."""
        traffic = self.stack and next((c for c in self.stack.control_plane.components if c.name == "traffic"), None)
        state = traffic.state() if traffic is not None else None
        running = bool(state and state["clients"])
        if not running and not self.traffic_running:
            return None
        self.traffic_running = running
        return state

    def pod_logs(self, namespace: str, pod: str, container: str | None, previous: bool = False) -> list[str] | None:
        kubelets = self.stack and next((c for c in self.stack.control_plane.components if hasattr(c, "logs")), None)
        return kubelets.logs(namespace, pod, container, previous) if kubelets else None

    # ---- on the event loop ------------------------------------------------------------------------------------
    async def _in_engine(self, function, *args):
        return await sync_to_async(function, thread_sensitive=False, executor=self.executor)(*args)

    async def run(self) -> None:
        layer = get_channel_layer()
        group = cluster_group(self.cluster_id)
        subscribed = asyncio.Event()
        reader = asyncio.create_task(group_subscription.follow(group, self._receive, self._joined(subscribed)))
        try:
            await subscribed.wait()
            await self._build_until_it_works()
            last, last_publish = time.monotonic(), 0.0
            while True:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), TICK_SECONDS)
                self.wake.clear()
                if self.stale:  # the watch lost messages: the cache starts over from the database
                    self.stale = False
                    await self._build_until_it_works()
                now = time.monotonic()
                step = self.step_requests > 0
                if step:
                    self.step_requests -= 1
                try:
                    state = await self._in_engine(self._advance, now - last, step)
                except Cluster.DoesNotExist:
                    return  # the cluster was deleted (the home page, a classroom's reset): its control plane ends
                except Exception:
                    # Even the database failing (locked past its timeout, a connection lost) must not end this
                    # cluster's control plane: keep the request for the next tick and start again from the database.
                    logger.exception("control plane tick of cluster %s failed", self.cluster_id)
                    self.step_requests += step
                    await self._build_until_it_works()
                    continue
                last = now
                if step or now - last_publish >= CLOCK_PUBLISH_SECONDS:
                    last_publish = now
                    await layer.group_send(group, {"type": CLOCK_STATE, "clock": state})
                    traffic = await self._in_engine(self.traffic_state)
                    if traffic is not None:
                        await layer.group_send(group, {"type": TRAFFIC_STATE, "traffic": traffic})
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader

    async def _build_until_it_works(self) -> None:
        while True:
            try:
                await self._in_engine(self._build)
                return
            except Cluster.DoesNotExist:
                raise  # the cluster was deleted: this host ends, and the process host forgets it
            except Exception:
                logger.exception("building the control plane of cluster %s failed; retrying", self.cluster_id)
                await asyncio.sleep(REBUILD_DELAY_SECONDS)

    def _joined(self, subscribed: asyncio.Event):
        async def joined(first: bool) -> None:
            if not first:
                self.stale = True
                self.wake.set()
            subscribed.set()

        return joined

    def _receive(self, message: dict) -> None:
        kind = message.get("type")
        if kind == "watch.event":
            self.inbox.append(message["event"])
        elif kind == "watch.events":
            self.inbox.extend(message["events"])
        elif kind == CLOCK_CONTROL:
            if message.get("action") == "step":
                self.step_requests += 1
            self.settings_stale = True
            self.wake.set()


class ControlPlaneHost:
    """All clusters' control planes in this process, while it holds the worker lease."""

    def __init__(self, identity: str | None = None):
        self.identity = identity or f"{socket.gethostname()}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        self.hosts: dict[int, tuple[ClusterHost, asyncio.Task]] = {}
        # One engine thread for every cluster: their ticks take turns instead of threads fighting over the GIL and
        # the database's write lock, which with dozens of classroom sandboxes stalled everyone for seconds.
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="control-plane")

    async def run(self) -> None:
        renewed = None  # when this process last took or renewed the lease (monotonic), while it holds it
        while True:
            try:
                leading = await sync_to_async(worker_lease.try_acquire, thread_sensitive=False)(self.identity)
                renewed = time.monotonic() if leading else None
            except Exception:
                # The database is out of reach (restarting, say). Like a leader that cannot renew its lease upstream,
                # go on acting until the renew deadline, then stand down; the lease is retried either way.
                logger.exception("renewing the worker lease failed")
                leading = renewed is not None and time.monotonic() - renewed < worker_lease.RENEW_DEADLINE
            if leading:
                try:
                    await self._sync_clusters()
                except Exception:
                    logger.exception("listing the clusters failed; retrying")
            else:
                await self._stop_all()
            await asyncio.sleep(worker_lease.RETRY_PERIOD if not leading else CLUSTER_SCAN_SECONDS)

    async def _sync_clusters(self) -> None:
        cluster_ids = set(await sync_to_async(_cluster_ids, thread_sensitive=False)())
        for cluster_id in cluster_ids - set(self.hosts):
            host = ClusterHost(cluster_id, executor=self.executor)
            self.hosts[cluster_id] = (host, asyncio.create_task(host.run()))
        for cluster_id in set(self.hosts) - cluster_ids:
            await self._stop(cluster_id)
        for cluster_id, (_host, task) in list(self.hosts.items()):
            if task.done():  # a host that died (its cluster deleted mid-tick, say) is restarted on the next scan
                if not task.cancelled() and task.exception():
                    logger.error("control plane of cluster %s stopped: %r", cluster_id, task.exception())
                del self.hosts[cluster_id]

    async def _stop(self, cluster_id: int) -> None:
        _host, task = self.hosts.pop(cluster_id)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task

    async def _stop_all(self) -> None:
        for cluster_id in list(self.hosts):
            await self._stop(cluster_id)

    async def stop(self) -> None:
        """Stop every cluster and wait for the engine thread's tick in progress to end, while the event loop still
        runs: a tick commits by publishing its watch events through this loop, and a thread left waiting for a loop
        that has stopped would keep the process from exiting."""
        await self._stop_all()
        await asyncio.get_running_loop().run_in_executor(self.executor, lambda: None)
        self.executor.shutdown(wait=False)
        await publishing.flush()
        await sync_to_async(worker_lease.release, thread_sensitive=False)(self.identity)


def _cluster_ids() -> list[int]:
    close_old_connections()
    return list(Cluster.objects.values_list("pk", flat=True))


_process_host: ControlPlaneHost | None = None


def start_in_process() -> asyncio.Task:
    """Start the control plane on the running event loop (Daphne's ready_callable, or a test's loop)."""
    global _process_host
    _process_host = ControlPlaneHost()
    atexit.register(worker_lease.release, _process_host.identity)
    return asyncio.ensure_future(_process_host.run())


async def stop_in_process() -> None:
    """Stop what start_in_process started (the server's shutdown, before its event loop stops)."""
    if _process_host is not None:
        await _process_host.stop()


def pod_logs(
    cluster_id: int, namespace: str, pod: str, container: str | None, previous: bool = False
) -> list[str] | None:
    """The simulated container's log lines (a LogLines, which says how far they go, so `kubectl logs -f` can ask
    again for what came since), if this process runs that cluster's kubelets; else None."""
    if _process_host is None or cluster_id not in _process_host.hosts:
        return None
    return _process_host.hosts[cluster_id][0].pod_logs(namespace, pod, container, previous)
