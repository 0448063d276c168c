"""The calls the official `kubernetes` Python client's own end-to-end suite makes against a cluster, made against a
live lab: typed reads (its pydantic models refuse an object that lacks a required field), the three patch types,
deletes whose answer is the deleted object or a Status as each upstream registry answers, deletecollection, watches
from a list's resourceVersion, ReplicationControllers, and `utils.create_from_yaml`, with and without server-side
apply. The suite's exec and port-forward journeys need real containers and stay out."""

import uuid

import pytest
import yaml
from kubernetes import client, utils, watch
from kubernetes.client.rest import ApiException


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def namespace(api_client):
    """A namespace of the test's own, so lists and deletecollection see only what the test made; ready once the
    service account controller has made its `default` account, which pods are admitted with (as the client's own
    suite waits for it)."""
    core = client.CoreV1Api(api_client)
    name = unique("journey")
    created = core.create_namespace({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
    accounts = core.list_namespaced_service_account(name)
    if not any(account.metadata.name == "default" for account in accounts.items):
        for event in watch.Watch().stream(
            core.list_namespaced_service_account,
            name,
            resource_version=accounts.metadata.resource_version,
            timeout_seconds=30,
        ):
            if event["object"].metadata.name == "default":
                break
        else:
            raise AssertionError(f"no default service account in {created.metadata.name}")
    yield name
    core.delete_namespace(name)


def test_nodes_read_as_typed_objects(api_client):
    core = client.CoreV1Api(api_client)
    nodes = core.list_node().items
    assert len(nodes) >= 2
    for listed in nodes:
        node = core.read_node(listed.metadata.name)
        info = node.status.node_info
        assert isinstance(node.metadata.labels, dict) and node.metadata.labels
        assert (info.operating_system, info.architecture) == ("linux", "amd64")
        assert info.kubelet_version.startswith("v1.")
        assert info.container_runtime_version.startswith("containerd://")
        assert len({info.machine_id, info.system_uuid, info.boot_id}) == 3


def test_a_service_is_created_patched_and_its_delete_answers_the_service(api_client, namespace):
    core = client.CoreV1Api(api_client)
    name = unique("frontend")
    manifest = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "labels": {"name": name}},
        "spec": {"selector": {"name": name}, "ports": [{"name": "web", "port": 80, "targetPort": 80}]},
    }
    created = core.create_namespaced_service(namespace, manifest)
    assert created.spec.cluster_ip
    manifest["spec"]["ports"] = [{"name": "alt", "port": 8080, "targetPort": 8080}]
    # a dict body goes as a strategic merge patch: ports merge by their port number
    patched = core.patch_namespaced_service(name, namespace, manifest)
    assert sorted(port.port for port in patched.spec.ports) == [80, 8080]
    deleted = core.delete_namespaced_service(name, namespace, body={})
    assert (deleted.kind, deleted.metadata.name) == ("Service", name)
    with pytest.raises(ApiException) as missing:
        core.read_namespaced_service(name, namespace)
    assert missing.value.status == 404


def test_config_maps_take_json_and_merge_patches_and_go_by_label(api_client, namespace):
    core = client.CoreV1Api(api_client)
    name = unique("settings")
    core.create_namespaced_config_map(
        namespace,
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": name, "labels": {"journey": "true"}},
            "data": {"app.json": '{"debug": false}', "db.cnf": "[db]\nport = 5432\n"},
        },
    )
    replaced = core.patch_namespaced_config_map(
        name, namespace, [{"op": "replace", "path": "/data", "value": {"only": "json-patch"}}]
    )
    assert replaced.data == {"only": "json-patch"}
    merged = core.patch_namespaced_config_map(name, namespace, {"data": {"only": "merged"}})
    assert merged.data == {"only": "merged"}
    deleted = core.delete_namespaced_config_map(name, namespace, body={})
    assert (deleted["kind"], deleted["status"]) == ("Status", "Success")  # the client hands an untyped answer back
    assert core.list_namespaced_config_map(namespace, label_selector="journey=true").items == []


def test_a_watch_from_a_list_sees_what_followed_it_including_a_deletecollection(api_client, namespace):
    core = client.CoreV1Api(api_client)
    first, second = unique("first"), unique("second")

    def config_map(name: str) -> dict:
        return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"key": name}}

    core.create_namespaced_config_map(namespace, config_map(first))
    version = core.list_namespaced_config_map(namespace).metadata.resource_version
    core.create_namespaced_config_map(namespace, config_map(second))
    core.patch_namespaced_config_map(second, namespace, {"data": {"key": "changed"}})
    core.delete_collection_namespaced_config_map(
        namespace
    )  # answers the deleted list, which this client types as a Status
    seen = [
        (event["type"], event["object"].metadata.name)
        for event in watch.Watch().stream(
            core.list_namespaced_config_map, namespace, resource_version=version, timeout_seconds=3
        )
    ]
    assert seen[:2] == [("ADDED", second), ("MODIFIED", second)]
    assert sorted(seen[2:]) == sorted([("DELETED", first), ("DELETED", second)])
    assert core.list_namespaced_config_map(namespace).items == []


def test_a_replication_controller_is_served_and_keeps_its_pods(api_client, namespace):
    core = client.CoreV1Api(api_client)
    name = unique("frontend")
    labels = {"name": name}
    created = core.create_namespaced_replication_controller(
        namespace,
        {
            "apiVersion": "v1",
            "kind": "ReplicationController",
            "metadata": {"name": name, "labels": labels},
            "spec": {
                "replicas": 2,
                "selector": labels,
                "template": {
                    "metadata": {"labels": labels},
                    "spec": {
                        "containers": [{"name": "nginx", "image": "nginx:1.27", "ports": [{"containerPort": 80}]}]
                    },
                },
            },
        },
    )
    assert (created.metadata.name, created.spec.replicas) == (name, 2)
    assert core.read_namespaced_replication_controller(name, namespace).spec.replicas == 2
    scaled = core.patch_namespaced_replication_controller_scale(name, namespace, {"spec": {"replicas": 3}})
    assert scaled.spec.replicas == 3
    core.delete_namespaced_replication_controller(name, namespace, propagation_policy="Background")
    with pytest.raises(ApiException) as missing:
        core.read_namespaced_replication_controller(name, namespace)
    assert missing.value.status == 404


def test_create_from_yaml_makes_every_document_and_a_list(api_client, namespace, tmp_path):
    app = unique("shop")
    documents = [
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": app, "namespace": namespace},
            "spec": {
                "replicas": 2,
                "selector": {"matchLabels": {"app": app}},
                "template": {
                    "metadata": {"labels": {"app": app}},
                    "spec": {"containers": [{"name": "web", "image": "nginx:1.27", "ports": [{"containerPort": 80}]}]},
                },
            },
        },
        {
            "apiVersion": "v1",
            "kind": "List",
            "items": [
                {
                    "apiVersion": "v1",
                    "kind": "Service",
                    "metadata": {"name": app, "namespace": namespace},
                    "spec": {"selector": {"app": app}, "ports": [{"port": 80}]},
                },
                {
                    "apiVersion": "v1",
                    "kind": "Pod",
                    "metadata": {"name": f"{app}-debug", "namespace": namespace},
                    "spec": {"containers": [{"name": "shell", "image": "busybox:1.36"}]},
                },
            ],
        },
    ]
    manifest = tmp_path / "shop.yaml"
    manifest.write_text(yaml.safe_dump_all(documents))
    utils.create_from_yaml(api_client, str(manifest))
    deployment = client.AppsV1Api(api_client).read_namespaced_deployment(app, namespace)
    assert (deployment.spec.replicas, deployment.spec.template.spec.containers[0].ports[0].container_port) == (2, 80)
    core = client.CoreV1Api(api_client)
    assert core.read_namespaced_service(app, namespace).spec.selector == {"app": app}
    assert core.read_namespaced_pod(f"{app}-debug", namespace).spec.containers[0].image == "busybox:1.36"
    with pytest.raises(utils.FailToCreateError) as again:
        utils.create_from_yaml(api_client, str(manifest))
    assert {error.status for error in again.value.api_exceptions} == {409}


def test_create_from_yaml_with_apply_is_idempotent(api_client, namespace):
    name = unique("applied")
    manifest = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]},
            },
        },
    }
    utils.create_from_dict(api_client, manifest, namespace=namespace)
    utils.create_from_dict(api_client, manifest, namespace=namespace, apply=True)
    utils.create_from_dict(api_client, manifest, namespace=namespace, apply=True)
    applied = client.AppsV1Api(api_client).read_namespaced_deployment(name, namespace)
    assert applied.spec.replicas == 3
    managers = {(entry.manager, entry.operation) for entry in applied.metadata.managed_fields}
    assert ("python-client", "Apply") in managers  # create_from_dict applies as the manager "python-client"
