"""Each page action answers with the kubectl command that does the same and the diff of what it wrote; every page
of the cluster hears of it, with who made it."""

import json

import pytest
from asgiref.sync import async_to_sync
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from lab import explained_actions, watchcache
from lab.apiserver import api_server_for
from lab.demo import create_demo_cluster
from lab.routing import websocket_urlpatterns

pytestmark = pytest.mark.django_db(transaction=True)
application = URLRouter(websocket_urlpatterns)


@pytest.fixture
def demo(transactional_db, channel_layer):
    cluster = create_demo_cluster()
    yield cluster
    watchcache._caches.clear()


def bare_pod(cluster, name: str, node: str) -> dict:
    """A pod no controller owns, already bound to `node` (no scheduler or controller runs in these tests)."""
    server = api_server_for(cluster)
    if not server.list("ServiceAccount", namespace="default")[0]:
        server.create("ServiceAccount", {"metadata": {"name": "default", "namespace": "default"}})
    manifest = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"nodeName": node, "containers": [{"name": "app", "image": "nginx"}]},
    }
    return server.create("Pod", manifest)


def explained(cluster, **request):
    return explained_actions.perform(cluster.pk, request, "ada")["explanation"]


def test_scale_is_kubectl_scale_with_the_replicas_diff(demo):
    explanation = explained(demo, action="scale", namespace="default", name="web", replicas=5)
    assert explanation["command"] == "kubectl scale deployment web --replicas=5 -n default"
    assert explanation["actor"] == "ada"
    assert "-  replicas: 3\n+  replicas: 5\n" in explanation["diff"]
    assert "resourceVersion" not in explanation["diff"] and "managedFields" not in explanation["diff"]


def test_cordon_and_uncordon(demo):
    cordoned = explained(demo, action="cordon", node="worker-2", unschedulable=True)
    assert cordoned["command"] == "kubectl cordon worker-2"
    assert "+  unschedulable: true\n" in cordoned["diff"]
    uncordoned = explained(demo, action="cordon", node="worker-2", unschedulable=False)
    assert uncordoned["command"] == "kubectl uncordon worker-2"
    assert "-  unschedulable: true\n" in uncordoned["diff"]


def test_power_off_is_an_annotation(demo):
    explanation = explained(demo, action="power", node="worker-1", state="off")
    assert explanation["command"] == "kubectl annotate node worker-1 kubelab.io/power=off --overwrite"
    assert "kubelab.io/power: 'off'" in explanation["diff"]


def test_drain_shows_the_node_and_every_evicted_pod(demo):
    bare_pod(demo, "alone", "worker-1")
    explanation = explained(demo, action="drain", node="worker-1")
    assert explanation["command"] == "kubectl drain worker-1 --ignore-daemonsets --force"
    assert "--- a/v1.Node.worker-1\n" in explanation["diff"]
    assert "--- a/v1.Pod.default.alone\n" in explanation["diff"]
    assert "+  deletionTimestamp:" in explanation["diff"]


def test_delete_crash_and_traffic(demo):
    pod = bare_pod(demo, "alone", "worker-2")["metadata"]["name"]
    crash = explained(demo, action="crash", namespace="default", name=pod)
    assert crash["command"] == f"kubectl annotate pod {pod} kubelab.io/crash=app --overwrite -n default"
    delete = explained(demo, action="delete-pod", namespace="default", name=pod)
    assert delete["command"] == f"kubectl delete pod {pod} -n default"
    started = explained(demo, action="traffic", service="web", rate=50, via="ClusterIP")
    assert started["command"].startswith("kubectl create -f - <<'EOF'\napiVersion: v1\nkind: ConfigMap\n")
    rerated = explained(demo, action="traffic", service="web", rate=80, via="ClusterIP")
    assert rerated["command"].startswith("kubectl patch configmap ")
    assert """-p '{"data":{"rate":"80"}}'""" in rerated["command"]
    stopped = explained(demo, action="traffic", service="web", rate=0, via="ClusterIP")
    assert stopped["command"].startswith("kubectl delete configmap ")
    assert stopped["diff"].splitlines()[3:] and all(line.startswith("-") for line in stopped["diff"].splitlines()[3:])


def test_a_refused_action_has_no_explanation_and_changes_nothing(demo):
    from cluster_engine.api.errors import ApiError

    with pytest.raises(ApiError) as refused:
        explained(demo, action="scale", namespace="default", name="web", replicas=-1)
    assert refused.value.code == 422
    assert api_server_for(demo).get("Deployment", "default", "web")["spec"]["replicas"] == 3


async def _frames_until(socket, predicate):
    for _ in range(20):
        frame = json.loads(await socket.receive_from(timeout=3))
        for message in frame if isinstance(frame, list) else [frame]:
            if predicate(message):
                return message
    raise AssertionError("no matching message arrived")


def test_the_actor_gets_it_in_the_reply_and_every_other_page_hears_it(demo):
    async def scenario():
        actor = WebsocketCommunicator(application, f"/ws/clusters/{demo.pk}/")
        watcher = WebsocketCommunicator(application, f"/ws/clusters/{demo.pk}/")
        for socket in (actor, watcher):
            assert (await socket.connect())[0]
            await socket.receive_from(timeout=3)
        await actor.send_to(text_data=json.dumps({"id": 4, "action": "cordon", "node": "worker-3"}))
        reply = await _frames_until(actor, lambda m: m.get("id") == 4)
        assert reply["explanation"]["command"] == "kubectl cordon worker-3"
        assert reply["explanation"]["actor"] == "anonymous"
        heard = await _frames_until(watcher, lambda m: m.get("type") == "edit")
        assert heard["explanation"] == reply["explanation"]
        for socket in (actor, watcher):
            await socket.disconnect()

    async_to_sync(scenario)()
