"""A lesson step's action is explained as a click is: the kubectl command that does the same and the diff of what
it wrote, in the answer and on every page of the cluster."""

import copy
import json

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from cluster_engine.api.errors import ApiError
from lab import explained_lesson_actions, watchcache
from lab.apiserver import api_server_for
from lab.demo import create_demo_cluster
from lab.lessons.actions import POD_TEMPLATE_HASH, REVISION_ANNOTATION
from lab.lessons.f_rolling_update import NEW_IMAGE
from lab.routing import websocket_urlpatterns

from .test_explained_actions import _frames_until, bare_pod

pytestmark = pytest.mark.django_db(transaction=True)
application = URLRouter(websocket_urlpatterns)
CONFIG = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "site", "namespace": "default"}}


@pytest.fixture
def demo(transactional_db, channel_layer):
    cluster = create_demo_cluster()
    yield cluster
    watchcache._caches.clear()


def explained(cluster, **action):
    return explained_lesson_actions.run(cluster, action, "ada")["explanation"]


def test_apply_creates_a_new_object_and_merges_into_an_existing_one(demo):
    created = explained(demo, action="apply", objects=[{**CONFIG, "data": {"color": "blue"}}])
    assert created["command"] == (
        "kubectl create -f - <<'EOF'\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: site\n"
        "  namespace: default\ndata:\n  color: blue\nEOF"
    )
    assert "+++ b/v1.ConfigMap.default.site\n" in created["diff"] and "+  color: blue\n" in created["diff"]
    merged = explained(demo, action="apply", objects=[{**CONFIG, "data": {"color": "red"}}])
    assert merged["command"] == """kubectl patch configmap site --type=merge -p '{"data":{"color":"red"}}' -n default"""
    assert "-  color: blue\n+  color: red\n" in merged["diff"]


def test_patch_is_kubectl_patch_with_the_steps_body_and_type(demo):
    explanation = explained(
        demo, action="patch", kind="Deployment", namespace="default", name="web", body=NEW_IMAGE, patch_type="strategic"
    )
    assert explanation["command"].startswith("kubectl patch deployment web --type=strategic -p ")
    assert json.loads(explanation["command"].split(" -p ")[1].rsplit(" -n ", 1)[0].strip("'")) == NEW_IMAGE
    assert "image: nginx:1.28\n" in explanation["diff"] and explanation["actor"] == "ada"


def revision(server, deployment: dict, number: int, image: str) -> dict:
    """A ReplicaSet of `deployment` at `number`, as its controller would have left it (none runs in these tests)."""
    template = copy.deepcopy(deployment["spec"]["template"])
    template["metadata"]["labels"][POD_TEMPLATE_HASH] = f"hash{number}"
    template["spec"]["containers"][0]["image"] = image
    owner = {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "uid": deployment["metadata"]["uid"]}
    manifest = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": f"web-hash{number}",
            "namespace": "default",
            "annotations": {REVISION_ANNOTATION: str(number)},
            "ownerReferences": [{**owner, "controller": True}],
        },
        "spec": {"replicas": 0, "selector": deployment["spec"]["selector"], "template": template},
    }
    return server.create("ReplicaSet", manifest)


def test_undo_is_kubectl_rollout_undo_with_the_previous_template_in_the_diff(demo):
    server = api_server_for(demo)
    web = server.get("Deployment", "default", "web")
    current = web["spec"]["template"]["spec"]["containers"][0]["image"]
    revision(server, web, 1, "nginx:1.26")
    revision(server, web, 2, current)
    explanation = explained(demo, action="undo", name="web")
    assert explanation["command"] == "kubectl rollout undo deployment/web -n default"
    assert f"-        image: {current}\n+        image: nginx:1.26\n" in explanation["diff"]
    assert POD_TEMPLATE_HASH not in explanation["diff"]


def test_force_delete_annotate_and_power_node_of(demo):
    pod = bare_pod(demo, "db-0", "worker-1")["metadata"]["name"]
    crashed = explained(demo, action="annotate-pod", selector={}, annotations={"kubelab.io/crash": "app"})
    assert crashed["command"].startswith("kubectl annotate pod ")
    assert crashed["command"].endswith(" kubelab.io/crash=app --overwrite -n default")
    powered = explained(demo, action="power-node-of", pod=pod, state="off")
    assert powered["command"] == "kubectl annotate node worker-1 kubelab.io/power=off --overwrite"
    assert "kubelab.io/power: 'off'" in powered["diff"]
    deleted = explained(demo, action="force-delete-pod", name=pod)
    assert deleted["command"] == "kubectl delete pod db-0 --grace-period=0 --force -n default"
    assert all(line.startswith("-") for line in deleted["diff"].splitlines()[3:])


def test_a_refused_step_has_no_explanation_and_changes_nothing(demo):
    with pytest.raises(ApiError):
        explained(
            demo, action="patch", kind="Deployment", namespace="default", name="web", body={"spec": {"replicas": -1}}
        )
    assert api_server_for(demo).get("Deployment", "default", "web")["spec"]["replicas"] == 3


def test_every_page_of_the_cluster_hears_a_steps_explanation(demo):
    async def scenario():
        page = WebsocketCommunicator(application, f"/ws/clusters/{demo.pk}/")
        assert (await page.connect())[0]
        await page.receive_from(timeout=3)
        explanation = await sync_to_async(explained)(demo, action="apply", objects=[{**CONFIG, "data": {"a": "b"}}])
        heard = await _frames_until(page, lambda m: m.get("type") == "edit")
        assert heard["explanation"] == {**explanation, "actor": "ada"}
        await page.disconnect()

    async_to_sync(scenario)()
