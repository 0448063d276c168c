"""Traffic from the page: the `traffic` action starts, re-rates and stops a Service's client, and the control-plane
host sends what its requests met to the page's stream."""

import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from cluster_engine.api.errors import ApiError
from cluster_engine.traffic.component import Traffic
from lab import live_actions
from lab.engine_host import ClusterHost
from lab.groups import TRAFFIC_STATE, cluster_group
from lab.models import proxy_for

pytestmark = pytest.mark.django_db(transaction=True)


def clients():
    return {row.name: row.manifest["data"] for row in proxy_for("ConfigMap").objects.all()}


def test_the_traffic_action_starts_rerates_and_stops_a_client(cluster):
    request = {"action": "traffic", "service": "web", "rate": 40, "via": "NodePort"}
    live_actions.perform(cluster.pk, request)
    assert clients() == {"traffic-web": {"service": "web", "rate": "40", "via": "NodePort"}}
    live_actions.perform(cluster.pk, {**request, "rate": 400})
    assert clients()["traffic-web"]["rate"] == "400"
    live_actions.perform(cluster.pk, {**request, "rate": 0})
    assert clients() == {}
    assert live_actions.perform(cluster.pk, {**request, "rate": 0}) == {"objects": []}  # stopping twice is no error


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"rate": -1}, 'action "traffic" needs an integer "rate" from 0 (stop) to 5000'),
        ({"rate": "fast"}, 'action "traffic" needs an integer "rate" from 0 (stop) to 5000'),
        ({"via": "Ingress"}, "action 'traffic' needs \"via\" to be one of: ClusterIP, NodePort, LoadBalancer"),
        ({"service": ""}, "action 'traffic' needs a non-empty string \"service\""),
    ],
)
def test_bad_traffic_requests_are_refused_and_change_nothing(cluster, change, message):
    request = {"action": "traffic", "service": "web", "rate": 40, "via": "ClusterIP", **change}
    with pytest.raises(ApiError) as refused:
        live_actions.perform(cluster.pk, request)
    assert refused.value.code == 400
    assert refused.value.message == message
    assert clients() == {}


def test_the_host_publishes_what_a_clients_requests_met(cluster, channel_layer):
    live_actions.perform(cluster.pk, {"action": "traffic", "service": "web", "rate": 20, "via": "ClusterIP"})

    async def main():
        layer = get_channel_layer()
        channel = await layer.new_channel()
        await layer.group_add(cluster_group(cluster.pk), channel)
        host = ClusterHost(cluster.pk, [Traffic])
        task = asyncio.create_task(host.run())
        try:
            while True:
                message = await asyncio.wait_for(layer.receive(channel), 30)
                if message["type"] == TRAFFIC_STATE and message["traffic"]["clients"][0]["last"]:
                    return message["traffic"]["clients"][0]
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            host.executor.shutdown(wait=True)

    client = async_to_sync(main)()
    assert client["dnsName"] == "web.default.svc.cluster.local"
    # No Service "web" exists: cluster DNS answers NXDOMAIN for every request
    assert client["last"]["sent"] == 20 and client["last"]["failed"] == {"unresolved": 20}
