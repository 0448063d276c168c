"""After a save or an action, the admin shows the kubectl command that makes the same change and the YAML diff the
API server applied, HTML-escaped; every page of the cluster hears of it too."""

import copy
import html
import json
import re
import shlex

import pytest
import yaml
from asgiref.sync import async_to_sync
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils.html import escape, strip_tags

from lab.apiserver import api_server_for
from lab.demo import create_demo_cluster
from lab.edit_explanations import EDIT_MESSAGE
from lab.groups import cluster_group
from lab.models import proxy_for

Deployment, Node, Secret = proxy_for("Deployment"), proxy_for("Node"), proxy_for("Secret")


@pytest.fixture
def browser(client, db):
    client.force_login(User.objects.create_superuser("admin", "admin@example.com", "pw"))
    return client


def _change(browser, row, **fields):
    data = {"resource_version": str(row.resource_version), "labels": "", "annotations": "", "_save": "Save", **fields}
    return browser.post(reverse(f"admin:lab_{row._meta.model_name}_change", args=[row.pk]), data, follow=True)


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _explained(response) -> str:
    """The one message that explains the write (Django's own "was changed successfully" comes beside it)."""
    (shown,) = [message for message in _messages(response) if "kubelab-explanation" in message]
    return shown


def test_a_yaml_edit_is_the_merge_patch_it_made_and_its_diff(browser, demo):
    web = Deployment.objects.get(cluster=demo, name="web")
    spec = {**web.manifest["spec"], "replicas": 5}
    labels = yaml.safe_dump(web.manifest["metadata"]["labels"])
    response = _change(browser, web, labels=labels, spec=yaml.safe_dump(spec))
    shown = _explained(response)
    command = """kubectl patch deployment web --type=merge -p '{"spec":{"replicas":5}}' -n default"""
    assert escape(command) in shown
    assert escape("-  replicas: 3\n") in shown and escape("+  replicas: 5\n") in shown
    assert "resourceVersion" not in shown and "managedFields" not in shown
    assert escape(command) in response.content.decode()


def test_markup_in_an_edit_is_escaped_in_the_command_and_the_diff(browser, demo):
    web = Deployment.objects.get(cluster=demo, name="web")
    annotations = "note: <script>alert(1)</script>\n"
    labels = yaml.safe_dump(web.manifest["metadata"]["labels"])
    response = _change(browser, web, labels=labels, annotations=annotations, spec=yaml.safe_dump(web.manifest["spec"]))
    page = response.content.decode()
    assert "<script>alert(1)</script>" not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2  # in the command and in the diff


def test_adding_an_object_is_kubectl_create_with_its_manifest(browser, demo):
    response = browser.post(
        reverse("admin:lab_configmap_add"),
        {"cluster": demo.pk, "name": "settings", "namespace": "default", "data": "mode: fast\n", "_save": "Save"},
        follow=True,
    )
    shown = _explained(response)
    assert escape("kubectl create -f - <<'EOF'\napiVersion: v1\nkind: ConfigMap\n") in shown
    assert escape("+data:\n+  mode: fast\n") in strip_tags(shown)


def test_actions_show_their_commands(browser, demo):
    worker = Node.objects.get(cluster=demo, name="worker-1")
    url = reverse("admin:lab_node_changelist")
    cordoned = browser.post(url, {"action": "cordon", "_selected_action": [worker.pk]}, follow=True)
    assert "kubectl cordon worker-1" in _explained(cordoned)
    assert escape("+  unschedulable: true\n") in _explained(cordoned)
    powered = browser.post(url, {"action": "power_off", "_selected_action": [worker.pk]}, follow=True)
    assert "kubectl annotate node worker-1 kubelab.io/power=off --overwrite" in _explained(powered)


def test_a_deleted_object_is_kubectl_delete(browser, demo):
    api_server_for(demo).create("ConfigMap", {"metadata": {"name": "settings", "namespace": "default"}})
    row = proxy_for("ConfigMap").objects.get(cluster=demo, name="settings")
    response = browser.post(reverse("admin:lab_configmap_delete", args=[row.pk]), {"post": "yes"}, follow=True)
    explained = _explained(response)
    assert "kubectl delete configmap settings -n default" in explained
    assert escape("-kind: ConfigMap\n") in explained


@pytest.mark.django_db(transaction=True)
def test_a_secret_edit_never_shows_its_values_and_stays_off_the_pages(browser, demo, channel_layer):
    api_server_for(demo).create("Secret", {"metadata": {"name": "db", "namespace": "default"}, "data": {"pw": "b2xk"}})
    channel = async_to_sync(channel_layer.new_channel)()
    async_to_sync(channel_layer.group_add)(cluster_group(demo.pk), channel)
    row = Secret.objects.get(cluster=demo, name="db")
    response = _change(browser, row, data="pw: bmV3\n", type="Opaque\n")
    shown = _explained(response)
    assert "kubectl patch secret db" in shown
    assert "b2xk" not in shown and "bmV3" not in shown and escape("*** (after)") in shown
    message = async_to_sync(channel_layer.receive)(channel)
    assert message["type"] == "watch.event"  # the Secret's write; no explanation follows it
    assert async_to_sync(_nothing_more)(channel_layer, channel)


async def _nothing_more(layer, channel) -> bool:
    import asyncio

    try:
        await asyncio.wait_for(layer.receive(channel), timeout=0.2)
    except TimeoutError:
        return True
    return False


@pytest.mark.django_db(transaction=True)
def test_admin_edits_are_announced_to_the_clusters_pages_with_who_made_them(browser, demo, channel_layer):
    channel = async_to_sync(channel_layer.new_channel)()
    async_to_sync(channel_layer.group_add)(cluster_group(demo.pk), channel)
    worker = Node.objects.get(cluster=demo, name="worker-3")
    browser.post(reverse("admin:lab_node_changelist"), {"action": "cordon", "_selected_action": [worker.pk]})
    messages = [async_to_sync(channel_layer.receive)(channel) for _ in range(2)]
    assert [message["type"] for message in messages] == ["watch.event", EDIT_MESSAGE]
    explanation = messages[1]["explanation"]
    assert (explanation["command"], explanation["actor"]) == ("kubectl cordon worker-3", "admin")


def test_the_patch_an_edit_is_explained_with_makes_the_same_edit_on_a_twin_cluster(browser, demo):
    """The merge patch in the command, sent as kubectl sends it (PATCH, application/merge-patch+json) to a second
    cluster seeded alike, leaves the Deployment as the form's save left it: labels added and removed, a container
    list replaced, an annotation set."""
    twin = create_demo_cluster(name="twin")
    web = Deployment.objects.get(cluster=demo, name="web")
    spec = copy.deepcopy(web.manifest["spec"])
    spec["template"]["spec"]["containers"][0]["image"] = "nginx:1.28"
    spec["minReadySeconds"] = 5
    response = _change(browser, web, labels="tier: front\n", annotations="owner: it's me\n", spec=yaml.safe_dump(spec))
    command = re.search(r'<pre class="kubelab-command"[^>]*>(.*?)</pre>', _explained(response), re.S).group(1)
    words = shlex.split(html.unescape(command))
    assert words[-2:] == ["-n", "default"]
    assert words[:5] == ["kubectl", "patch", "deployment", "web", "--type=merge"]
    api_server_for(twin).patch("Deployment", "default", "web", json.loads(words[words.index("-p") + 1]))

    def edited(cluster):
        obj = Deployment.objects.get(cluster=cluster, name="web").manifest
        return obj["metadata"].get("labels"), obj["metadata"].get("annotations"), obj["spec"]

    assert edited(twin) == edited(demo)
    assert edited(demo)[:2] == ({"tier": "front"}, {"owner": "it's me"})


@pytest.mark.django_db(transaction=True)
def test_a_form_saves_explanation_is_announced_after_its_commit(browser, demo, channel_layer):
    channel = async_to_sync(channel_layer.new_channel)()
    async_to_sync(channel_layer.group_add)(cluster_group(demo.pk), channel)
    web = Deployment.objects.get(cluster=demo, name="web")
    _change(browser, web, labels="app: web\nlesson: one\n", spec=yaml.safe_dump(web.manifest["spec"]))
    messages = [async_to_sync(channel_layer.receive)(channel) for _ in range(2)]
    assert [message["type"] for message in messages] == ["watch.event", EDIT_MESSAGE]
    assert messages[1]["explanation"]["command"] == (
        """kubectl patch deployment web --type=merge -p '{"metadata":{"labels":{"lesson":"one"}}}' -n default"""
    )


def test_drain_is_kubectl_drain_with_the_flags_its_pods_need_and_each_pods_diff(browser, demo):
    operator = api_server_for(demo, operator=True)
    operator.create("ServiceAccount", {"metadata": {"name": "default", "namespace": "default"}})
    pod = {"metadata": {"name": "alone", "namespace": "default"}, "spec": {"containers": [{"name": "c", "image": "x"}]}}
    operator.create("Pod", pod)
    operator.bind("default", "alone", "worker-2")
    worker = Node.objects.get(cluster=demo, name="worker-2")
    response = browser.post(
        reverse("admin:lab_node_changelist"), {"action": "drain", "_selected_action": [worker.pk]}, follow=True
    )
    shown = strip_tags(_explained(response))
    assert "kubectl drain worker-2 --ignore-daemonsets --force" in shown
    assert "--- a/v1.Node.worker-2" in shown and "--- a/v1.Pod.default.alone" in shown
    assert "+  deletionTimestamp:" in shown
