"""The admin edits objects as YAML and acts on them, always through the API server."""

import pytest
import yaml
from asgiref.sync import async_to_sync
from django.contrib.auth.models import User
from django.urls import reverse

from cluster_engine.api.kinds import ALL_KINDS
from lab.apiserver import api_server_for, clock_for
from lab.groups import cluster_group
from lab.models import Cluster, proxy_for
from tests.engine.api.test_documents import laughs

ConfigMap, Deployment, Node, Pod, ReplicationController = (
    proxy_for(kind) for kind in ("ConfigMap", "Deployment", "Node", "Pod", "ReplicationController")
)

CONFLICT = (
    'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; '
    "please apply your changes to the latest version and try again"
)


@pytest.fixture
def browser(client, db):
    client.force_login(User.objects.create_superuser("admin", "admin@example.com", "pw"))
    return client


def _form(deployment, **changes):
    data = {
        "resource_version": str(deployment.resource_version),
        "labels": yaml.safe_dump(deployment.manifest["metadata"]["labels"]),
        "annotations": "",
        "spec": yaml.safe_dump(deployment.manifest["spec"]),
        "_save": "Save",
    }
    return {**data, **changes}


def _change_url(row):
    return reverse(f"admin:lab_{row._meta.model_name}_change", args=[row.pk])


def _web(demo):
    return Deployment.objects.get(cluster=demo, name="web")


def test_change_form_shows_the_object_as_yaml(browser, demo):
    page = browser.get(_change_url(_web(demo))).content.decode()
    assert "replicas: 3" in page
    assert f'name="resource_version" value="{_web(demo).resource_version}"' in page


def test_saving_the_form_writes_through_the_api_server(browser, demo):
    web = _web(demo)
    spec = {**web.manifest["spec"], "replicas": 5}
    response = browser.post(_change_url(web), _form(web, spec=yaml.safe_dump(spec)))
    assert response.status_code == 302
    saved = _web(demo)
    assert saved.manifest["spec"]["replicas"] == 5
    assert saved.manifest["metadata"]["generation"] == 2
    assert saved.resource_version == demo.resource_version + 1 == Cluster.objects.get(pk=demo.pk).resource_version


def test_a_stale_form_gets_the_conflict_and_saves_nothing(browser, demo):
    opened = _web(demo)
    api_server_for(demo).patch("Deployment", "default", "web", {"metadata": {"labels": {"app": "web", "tier": "x"}}})
    before = _web(demo)
    response = browser.post(
        _change_url(opened), _form(opened, spec=yaml.safe_dump({**opened.manifest["spec"], "replicas": 9}))
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [CONFLICT]
    after = _web(demo)
    assert (after.manifest["spec"], after.manifest["metadata"]["labels"], after.resource_version) == (
        before.manifest["spec"],
        before.manifest["metadata"]["labels"],
        before.resource_version,
    )


def test_an_invalid_value_is_reported_on_its_field_and_saves_nothing(browser, demo):
    web = _web(demo)
    response = browser.post(_change_url(web), _form(web, spec=yaml.safe_dump({**web.manifest["spec"], "replicas": -1})))
    form = response.context["adminform"].form
    assert form.errors["spec"] == ["spec.replicas: Invalid value: -1: must be greater than or equal to 0"]
    assert _web(demo).manifest["spec"]["replicas"] == 3
    assert Cluster.objects.get(pk=demo.pk).resource_version == demo.resource_version


def test_an_invalid_label_is_reported_on_the_labels_field(browser, demo):
    web = _web(demo)
    response = browser.post(_change_url(web), _form(web, labels="app: web\nbad key!: x\n"))
    errors = response.context["adminform"].form.errors["labels"]
    assert len(errors) == 1 and errors[0].startswith(
        'metadata.labels: Invalid value: "bad key!": name part must consist of'
    )


def test_adding_an_object_creates_it_through_the_api_server(browser, demo):
    response = browser.post(
        reverse("admin:lab_configmap_add"),
        {"cluster": demo.pk, "name": "settings", "namespace": "default", "data": "mode: fast\n", "_save": "Save"},
    )
    assert response.status_code == 302
    created = ConfigMap.objects.get(cluster=demo, name="settings")
    assert (created.manifest["data"], created.resource_version) == ({"mode": "fast"}, demo.resource_version + 1)
    assert len(created.uid) == 36


def _run_pod(cluster, name: str, node: str, annotations=None) -> None:
    operator = api_server_for(cluster, operator=True)
    if not operator.storage.get("ServiceAccount", "default", "default"):
        operator.create("ServiceAccount", {"metadata": {"name": "default", "namespace": "default"}})
    metadata = {"name": name, "namespace": "default", **({"annotations": annotations} if annotations else {})}
    operator.create("Pod", {"metadata": metadata, "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
    operator.bind("default", name, node)


def test_deleting_a_pod_in_the_admin_starts_graceful_termination(browser, demo):
    _run_pod(demo, "lonely", "worker-1")
    pod = Pod.objects.get(cluster=demo, name="lonely")
    response = browser.post(reverse("admin:lab_pod_delete", args=[pod.pk]), {"post": "yes"})
    assert response.status_code == 302
    pod.refresh_from_db()
    assert pod.manifest["metadata"]["deletionGracePeriodSeconds"] == 30
    # 30 s of grace after the cluster's present (simulated second 0 of a fresh cluster)
    expected = clock_for(demo).timestamp(30).replace("Z", "+00:00")
    assert pod.deletion_timestamp.isoformat() == expected


def test_deleting_a_configmap_in_the_admin_removes_it(browser, demo):
    api_server_for(demo).create("ConfigMap", {"metadata": {"name": "settings"}})
    row = ConfigMap.objects.get(cluster=demo, name="settings")
    browser.post(reverse("admin:lab_configmap_delete", args=[row.pk]), {"post": "yes"})
    assert not ConfigMap.objects.filter(cluster=demo).exists()


def _act(browser, model: str, action: str, rows, **extra):
    url = reverse(f"admin:lab_{model}_changelist")
    return browser.post(url, {"action": action, "_selected_action": [row.pk for row in rows], **extra})


def _node(cluster, name):
    return Node.objects.get(cluster=cluster, name=name)


def test_cordon_and_uncordon(browser, demo):
    _act(browser, "node", "cordon", [_node(demo, "worker-1")])
    assert _node(demo, "worker-1").manifest["spec"]["unschedulable"] is True
    _act(browser, "node", "uncordon", [_node(demo, "worker-1")])
    assert "unschedulable" not in _node(demo, "worker-1").manifest["spec"]


def test_drain_cordons_and_evicts_all_but_mirror_pods(browser, demo):
    _run_pod(demo, "app", "worker-2")
    _run_pod(demo, "static", "worker-2", annotations={"kubernetes.io/config.mirror": "abc"})
    _run_pod(demo, "elsewhere", "worker-3")
    _act(browser, "node", "drain", [_node(demo, "worker-2")])
    assert _node(demo, "worker-2").manifest["spec"]["unschedulable"] is True
    terminating = set(Pod.objects.filter(cluster=demo, deletion_timestamp__isnull=False).values_list("name", flat=True))
    assert terminating == {"app"}


def test_power_off_the_control_plane_takes_the_api_down_and_power_on_brings_it_back(browser, demo):
    _act(browser, "node", "power_off", [_node(demo, "control-plane-1")])
    assert _node(demo, "control-plane-1").manifest["metadata"]["annotations"]["kubelab.io/power"] == "off"
    response = _act(browser, "node", "cordon", [_node(demo, "worker-1")])
    assert "unschedulable" not in _node(demo, "worker-1").manifest["spec"]
    shown = [str(message) for message in response.wsgi_request._messages]
    assert shown[-1] == "worker-1: the server is currently unable to handle the request (kube-apiserver is down)"
    _act(browser, "node", "power_on", [_node(demo, "control-plane-1")])
    _act(browser, "node", "cordon", [_node(demo, "worker-1")])
    assert _node(demo, "worker-1").manifest["spec"]["unschedulable"] is True


def test_scale_asks_for_the_count_then_scales(browser, demo):
    page = _act(browser, "deployment", "scale", [_web(demo)])
    assert page.status_code == 200 and b'name="replicas"' in page.content
    _act(browser, "deployment", "scale", [_web(demo)], replicas="6", apply="Scale")
    assert _web(demo).manifest["spec"]["replicas"] == 6


def test_scale_beyond_the_cluster_cap_is_refused(browser, demo):
    Cluster.objects.filter(pk=demo.pk).update(max_replicas=10)
    response = _act(browser, "deployment", "scale", [_web(demo)], replicas="11", apply="Scale")
    assert _web(demo).manifest["spec"]["replicas"] == 3
    shown = [str(message) for message in response.wsgi_request._messages]
    assert len(shown) == 1 and shown[0].startswith('default/web: Deployment.apps "web" is invalid: spec.replicas')


@pytest.mark.django_db(transaction=True)
def test_admin_writes_publish_watch_events(browser, demo, channel_layer):
    channel = async_to_sync(channel_layer.new_channel)()
    async_to_sync(channel_layer.group_add)(cluster_group(demo.pk), channel)
    _act(browser, "node", "cordon", [_node(demo, "worker-3")])
    message = async_to_sync(channel_layer.receive)(channel)
    assert message["type"] == "watch.event"
    assert message["event"]["type"] == "MODIFIED"
    assert message["event"]["object"]["metadata"]["name"] == "worker-3"
    assert message["event"]["object"]["spec"]["unschedulable"] is True


def test_every_list_page_renders(browser, demo):
    _run_pod(demo, "app", "worker-1")
    assert browser.get(reverse("admin:lab_cluster_changelist")).status_code == 200
    for kind in ALL_KINDS:
        assert browser.get(reverse(f"admin:lab_{kind.kind.lower()}_changelist")).status_code == 200
    page = browser.get(reverse("admin:lab_node_changelist")).content.decode()
    assert "node-role.kubernetes.io/control-plane:NoSchedule" in page
    assert "1900m" in page


def test_adding_a_cluster_in_the_admin_seeds_its_nodes(browser, db):
    form = {"name": "class-b", "topology": "ha", "speed": "2", "max_replicas": "50", "seed": "3", "_save": "Save"}
    assert browser.post(reverse("admin:lab_cluster_add"), form).status_code == 302
    cluster = Cluster.objects.get(name="class-b")
    assert (cluster.topology, cluster.speed, cluster.max_replicas) == ("ha", 2.0, 50)
    assert Node.objects.filter(cluster=cluster).count() == 6
    assert not Deployment.objects.filter(cluster=cluster).exists()


def test_a_billion_laughs_in_a_yaml_field_is_refused_and_nothing_is_saved(browser, demo):
    web = _web(demo)
    response = browser.post(_change_url(web), _form(web, labels=laughs(9)))
    assert response.status_code == 200
    assert "This is not valid YAML: document contains excessive aliasing" in response.content.decode()
    assert _web(demo).resource_version == web.resource_version


def _replication_controller(demo, replicas: int = 2):
    labels = {"app": "legacy"}
    template = {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}}
    api_server_for(demo).create(
        "ReplicationController",
        {"metadata": {"name": "legacy", "namespace": "default"}, "spec": {"replicas": replicas, "template": template}},
    )
    return ReplicationController.objects.get(cluster=demo, name="legacy")


def test_replication_controllers_are_listed_with_kubectl_columns_and_edited_as_yaml(browser, demo):
    row = _replication_controller(demo)
    page = browser.get(reverse("admin:lab_replicationcontroller_changelist")).content.decode()
    assert "legacy" in page
    for header in ("Desired", "Current", "Ready", "Age"):
        assert f">{header}<" in page
    form = browser.get(_change_url(row)).content.decode()
    assert "selector:\n  app: legacy" in form  # defaulted from the template's labels
    spec = {**row.manifest["spec"], "replicas": 4}
    response = browser.post(_change_url(row), _form(row, spec=yaml.safe_dump(spec)))
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.manifest["spec"]["replicas"], row.manifest["metadata"]["generation"]) == (4, 2)


def test_replication_controllers_scale_from_the_admin(browser, demo):
    row = _replication_controller(demo)
    page = _act(browser, "replicationcontroller", "scale", [row])
    assert b"Scale replication controllers" in page.content
    response = _act(browser, "replicationcontroller", "scale", [row], replicas="5", apply="Scale")
    row.refresh_from_db()
    assert row.manifest["spec"]["replicas"] == 5
    scaled, explained = [str(message) for message in response.wsgi_request._messages]
    assert scaled == "replicationcontroller/legacy scaled"
    assert "kubectl scale replicationcontroller legacy --replicas=5 -n default" in explained
