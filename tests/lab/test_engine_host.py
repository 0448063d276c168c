"""The control-plane host drives a cluster stored in the ORM: clock, pause and step, edits from elsewhere, crashes."""

import asyncio

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer

from cluster_engine.runtime.component import Controller
from lab import clockcontrol, worker_lease
from lab.apiserver import api_server_for
from lab.engine_host import ClusterHost
from lab.groups import CLOCK_STATE, cluster_group
from lab.models import Cluster, proxy_for

pytestmark = pytest.mark.django_db(transaction=True)


class Counter(Controller):
    """Keeps a ConfigMap `count` per ConfigMap `source`, and resyncs every 10 s (a timer to step to)."""

    name = "counter"
    primary_kind = "ConfigMap"
    resync_period = 10
    crash_next = False

    def start(self):
        super().start()
        self.watch("ConfigMap")

    def reconcile(self, key):
        if Counter.crash_next:
            Counter.crash_next = False
            raise RuntimeError("the controller crashed mid-reconcile")
        source = self.ctx.cache.get("ConfigMap", key)
        if source is None or not key.endswith("/source"):
            return None
        value = str(len(source.get("data") or {}))
        mirror = self.ctx.cache.get("ConfigMap", "default/mirror")
        if mirror is None:
            self.ctx.client.create(
                "ConfigMap", {"metadata": {"name": "mirror", "namespace": "default"}, "data": {"n": value}}
            )
        elif mirror["data"] != {"n": value}:
            self.ctx.client.update("ConfigMap", {**mirror, "data": {"n": value}})
        return None


async def clock_states(cluster_id):
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(cluster_group(cluster_id), channel)
    while True:
        message = await layer.receive(channel)
        if message["type"] == CLOCK_STATE:
            yield message["clock"]


async def until(predicate, states, limit=200):
    """Consume clock states (several per second) until `predicate(state)` holds."""
    async for state in states:
        if await sync_to_async(predicate)(state):
            return state
        limit -= 1
        assert limit, "the host never reached the expected state"


def run_with_host(cluster, scenario, components=(Counter,)):
    async def main():
        host = ClusterHost(cluster.pk, None if components is None else list(components))
        task = asyncio.create_task(host.run())
        try:
            await asyncio.wait_for(scenario(host, clock_states(cluster.pk)), 60)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            host.executor.shutdown(wait=True)

    async_to_sync(main)()


def mirror_value():
    row = proxy_for("ConfigMap").objects.filter(name="mirror").first()
    return row and row.manifest["data"]["n"]


def test_time_runs_at_the_cluster_speed_and_is_stored(cluster, channel_layer):
    Cluster.objects.filter(pk=cluster.pk).update(speed=100)

    async def scenario(host, states):
        state = await until(lambda state: state["now"] >= 20, states)
        assert state["speed"] == 100 and state["paused"] is False

    run_with_host(cluster, scenario)
    assert Cluster.objects.get(pk=cluster.pk).now >= 20


def test_pause_freezes_and_step_jumps_to_the_next_happening(cluster, channel_layer):
    Cluster.objects.filter(pk=cluster.pk).update(paused=True)

    async def scenario(host, states):
        frozen = await until(lambda state: state["paused"], states)
        assert frozen["now"] == 0 and frozen["next_due"] == 10  # the controller's first resync
        await clockcontrol.step(cluster.pk)
        stepped = await until(lambda state: state["now"] > 0, states)
        assert stepped["now"] == 10 and stepped["next_due"] == 20
        await clockcontrol.set_clock(cluster.pk, paused=False, speed=50)
        await until(lambda state: not state["paused"] and state["now"] > 20, states)

    run_with_host(cluster, scenario)


def test_an_edit_made_elsewhere_reaches_the_controllers(cluster, channel_layer):
    async def scenario(host, states):
        await until(lambda state: host.stack is not None, states)
        server = api_server_for(cluster)
        await sync_to_async(server.create)("ConfigMap", {"metadata": {"name": "source"}, "data": {"a": "1", "b": "2"}})
        await until(lambda state: mirror_value() == "2", states)
        await sync_to_async(server.patch)("ConfigMap", "default", "source", {"data": {"c": "3"}})
        await until(lambda state: mirror_value() == "3", states)

    run_with_host(cluster, scenario)


def test_a_crash_mid_tick_rolls_back_and_the_rebuilt_host_converges(cluster, channel_layer):
    async def scenario(host, states):
        await until(lambda state: host.stack is not None, states)
        Counter.crash_next = True
        await sync_to_async(api_server_for(cluster).create)(
            "ConfigMap", {"metadata": {"name": "source"}, "data": {"a": "1"}}
        )
        await until(lambda state: mirror_value() == "1", states)

    run_with_host(cluster, scenario)
    assert proxy_for("ConfigMap").objects.filter(name="mirror").count() == 1


def test_speed_outside_the_supported_range_is_refused(cluster):
    with pytest.raises(Exception) as refused:
        async_to_sync(clockcontrol.set_clock)(cluster.pk, speed=500)
    assert refused.value.status()["code"] == 422
    assert Cluster.objects.get(pk=cluster.pk).speed == 1.0


def test_only_one_worker_holds_the_lease_until_it_lapses_or_is_released():
    assert worker_lease.try_acquire("a", now=100.0)
    assert not worker_lease.try_acquire("b", now=110.0)
    assert worker_lease.try_acquire("a", now=112.0)  # renewal
    assert not worker_lease.try_acquire("b", now=126.9)
    assert worker_lease.try_acquire("b", now=127.1)  # 15 s after a's last renewal
    assert not worker_lease.try_acquire("a", now=128.0)
    worker_lease.release("b")
    assert worker_lease.try_acquire("a", now=129.0)


def test_a_step_survives_a_tick_that_crashes(cluster, channel_layer):
    async def scenario(host, states):
        await until(lambda state: host.stack is not None, states)
        await sync_to_async(api_server_for(cluster).create)("ConfigMap", {"metadata": {"name": "source"}})
        await until(lambda state: mirror_value() == "0", states)
        await clockcontrol.set_clock(cluster.pk, paused=True)
        frozen = await until(lambda state: state["paused"], states)
        Counter.crash_next = True  # the resync the step runs will crash mid-reconcile
        await clockcontrol.step(cluster.pk)
        stepped = await until(lambda state: state["now"] > frozen["now"], states)
        assert Counter.crash_next is False  # it did crash, and the step still happened
        # the rebuilt control plane re-arms its resync from the present, so the step lands one period on
        assert frozen["next_due"] <= stepped["now"] < frozen["next_due"] + 1

    run_with_host(cluster, scenario)


def test_deleting_a_cluster_ends_its_control_plane_quietly(cluster, caplog):
    async def main():
        host = ClusterHost(cluster.pk, [Counter])
        task = asyncio.create_task(host.run())
        states = clock_states(cluster.pk)
        try:
            await asyncio.wait_for(anext(states), 30)  # it ticks
            await sync_to_async(Cluster.objects.filter(pk=cluster.pk).delete)()
            await asyncio.wait_for(task, 30)  # and then ends by itself, without an error
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            host.executor.shutdown(wait=True)

    async_to_sync(main)()
    assert "failed" not in caplog.text
