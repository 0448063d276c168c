"""metadata.managedFields on every write: Update entries per manager, subresources, the cap, and what clients send."""

import pytest

from cluster_engine.api import managedfields
from cluster_engine.api.errors import ApiError

from .manifests import config_map, deployment, pod


def entries(obj: dict) -> list[tuple]:
    return [
        (entry["manager"], entry["operation"], entry.get("subresource", ""))
        for entry in obj["metadata"].get("managedFields") or []
    ]


def test_create_records_an_update_by_its_manager_with_upstreams_encoding(server):
    created = server.create("Deployment", deployment(), manager="kubectl-create")
    (entry,) = created["metadata"]["managedFields"]
    assert list(entry) == ["manager", "operation", "apiVersion", "time", "fieldsType", "fieldsV1"]
    assert (entry["manager"], entry["operation"], entry["apiVersion"]) == ("kubectl-create", "Update", "apps/v1")
    assert entry["time"] == server.clock.timestamp()
    spec = entry["fieldsV1"]["f:spec"]
    assert spec["f:template"]["f:metadata"] == {"f:labels": {".": {}, "f:app": {}}}
    assert spec["f:progressDeadlineSeconds"] == {}  # defaults count, as upstream's decoding applies them first
    assert "f:name" not in entry["fieldsV1"]["f:metadata"] and "f:uid" not in entry["fieldsV1"]["f:metadata"]


def test_an_update_moves_the_fields_it_changes_to_its_manager(server):
    server.create("Deployment", deployment(), manager="kubectl-create")
    scaled = server.patch("Deployment", "default", "web", {"spec": {"replicas": 5}}, subresource="scale", manager="s")
    assert entries(scaled) == [("kubectl-create", "Update", ""), ("s", "Update", "scale")]
    by_manager = {entry["manager"]: entry["fieldsV1"] for entry in scaled["metadata"]["managedFields"]}
    assert by_manager["s"] == {"f:spec": {"f:replicas": {}}}
    assert "f:replicas" not in by_manager["kubectl-create"]["f:spec"]


def test_a_status_write_owns_only_status_and_names_its_subresource(server):
    created = server.create("Deployment", deployment(), manager="kubectl-create")
    updated = server.update(
        "Deployment", {**created, "status": {"replicas": 3}}, subresource="status", manager="kube-controller-manager"
    )
    (status_entry,) = [e for e in updated["metadata"]["managedFields"] if e["manager"] == "kube-controller-manager"]
    assert (status_entry["manager"], status_entry["subresource"]) == ("kube-controller-manager", "status")
    assert status_entry["fieldsV1"] == {"f:status": {"f:replicas": {}}}


def test_a_write_that_changes_nothing_keeps_the_managers_and_their_times(server):
    created = server.create("ConfigMap", config_map(), manager="first")
    server.clock.advance_to(server.clock.now + 60)
    again = server.update("ConfigMap", created, manager="second")
    assert again["metadata"]["managedFields"] == created["metadata"]["managedFields"]


def test_past_ten_update_managers_the_oldest_merge_into_ancient_changes(server):
    obj = server.create("ConfigMap", config_map(), manager="creator")
    for index in range(11):
        server.clock.advance_to(server.clock.now + 1)
        obj = server.patch(
            "ConfigMap", "default", obj["metadata"]["name"], {"data": {f"k{index}": "v"}}, manager=f"m{index}"
        )
    managers = [entry["manager"] for entry in obj["metadata"]["managedFields"]]
    assert len(managers) == managedfields.MAX_UPDATE_MANAGERS
    assert "ancient-changes" in managers and "creator" not in managers and "m0" not in managers
    ancient = next(e for e in obj["metadata"]["managedFields"] if e["manager"] == "ancient-changes")
    assert {"f:k0"} <= set(ancient["fieldsV1"]["f:data"])


def test_managers_a_client_sends_replace_the_stored_ones_and_an_empty_list_clears_them(server):
    created = server.create("ConfigMap", config_map(), manager="first")
    sent = [
        {
            "manager": "imported",
            "operation": "Update",
            "apiVersion": "v1",
            "fieldsType": "FieldsV1",
            "fieldsV1": {"f:data": {}},
        }
    ]
    replaced = server.update("ConfigMap", {**created, "metadata": {**created["metadata"], "managedFields": sent}})
    assert entries(replaced) == [("imported", "Update", "")]
    cleared = server.update("ConfigMap", {**replaced, "metadata": {**replaced["metadata"], "managedFields": []}})
    assert "managedFields" not in cleared["metadata"]


def test_managers_that_do_not_decode_leave_the_stored_ones(server):
    created = server.create("ConfigMap", config_map(), manager="first")
    sent = [{"manager": "x", "operation": "Invalid", "apiVersion": "v1", "fieldsType": "FieldsV1"}]
    kept = server.update("ConfigMap", {**created, "metadata": {**created["metadata"], "managedFields": sent}})
    assert kept["metadata"]["managedFields"] == created["metadata"]["managedFields"]


def test_a_manager_name_over_128_bytes_is_invalid(server):
    created = server.create("ConfigMap", config_map(), manager="first")
    sent = [
        {
            "manager": "m" * 129,
            "operation": "Update",
            "apiVersion": "v1",
            "fieldsType": "FieldsV1",
            "fieldsV1": {"f:data": {"f:mode": {}}},
        }
    ]
    with pytest.raises(ApiError) as refused:
        server.update("ConfigMap", {**created, "metadata": {**created["metadata"], "managedFields": sent}})
    assert refused.value.code == 422
    assert refused.value.causes == [
        {
            "reason": "FieldValueTooLong",
            "message": "Too long: must have at most 128 bytes",
            "field": "metadata.managedFields[0].manager",
        }
    ]


@pytest.mark.parametrize(
    ("user_agent", "manager"),
    [
        ("kubectl/v1.37.0 (linux/amd64) kubernetes/abcdef", "kubectl"),
        ("OpenAPI-Generator/33.1.0/python", "OpenAPI-Generator"),
        ("tab\there", "tabhere"),
        ("", ""),
    ],
)
def test_the_default_manager_is_the_user_agents_first_part(user_agent, manager):
    assert managedfields.manager_from_user_agent(user_agent) == manager


def test_what_admission_and_the_registry_add_after_the_field_manager_belongs_to_nobody(server):
    created = server.create("Pod", pod(), manager="creator")
    spec_fields = created["metadata"]["managedFields"][0]["fieldsV1"]["f:spec"]
    assert "f:restartPolicy" in spec_fields and "f:dnsPolicy" in spec_fields  # scheme defaults: the creator's
    assert created["spec"]["tolerations"] and created["spec"]["serviceAccountName"] == "default"
    assert "f:tolerations" not in spec_fields and "f:serviceAccountName" not in spec_fields
    namespace = server.create("Namespace", {"metadata": {"name": "lesson"}}, manager="kubectl-create")
    (entry,) = namespace["metadata"]["managedFields"]
    assert entry["fieldsV1"] == {"f:metadata": {"f:labels": {".": {}, "f:kubernetes.io/metadata.name": {}}}}
