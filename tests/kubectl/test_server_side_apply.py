"""Server-side apply with the real kubectl: field managers, conflicts with another writer, and forcing them."""

import yaml

from .test_kubectl import DOCS_DEPLOYMENT, jsonpath


def managers(kubectl, name: str) -> dict[tuple[str, str], dict]:
    shown = kubectl("get", "deployment", name, "-o", "yaml", "--show-managed-fields")
    assert shown.returncode == 0, shown.stderr
    entries = yaml.safe_load(shown.stdout)["metadata"]["managedFields"]
    return {(entry["manager"], entry["operation"]): entry for entry in entries}


def test_server_side_apply_creates_updates_and_reports_a_conflict_with_scale(kubectl):
    manifest = DOCS_DEPLOYMENT.replace("nginx-deployment", "ssa-web")
    created = kubectl("apply", "--server-side", "-f", "-", stdin=manifest.format(replicas=2))
    assert created.stdout.strip() == "deployment.apps/ssa-web serverside-applied", created.stderr
    applied = managers(kubectl, "ssa-web")[("kubectl", "Apply")]
    assert applied["apiVersion"] == "apps/v1" and applied["fieldsType"] == "FieldsV1"
    assert applied["fieldsV1"]["f:spec"]["f:replicas"] == {}
    container = applied["fieldsV1"]["f:spec"]["f:template"]["f:spec"]["f:containers"]['k:{"name":"nginx"}']
    assert set(container) == {".", "f:image", "f:name", "f:ports"}

    changed = kubectl("apply", "--server-side", "-f", "-", stdin=manifest.format(replicas=3))
    assert changed.stdout.strip() == "deployment.apps/ssa-web serverside-applied", changed.stderr
    assert jsonpath(kubectl, "deployment", "ssa-web", "-o", "jsonpath={.spec.replicas}") == "3"

    assert kubectl("scale", "deployment", "ssa-web", "--replicas=5").returncode == 0
    scaled = [entry for (name, _), entry in managers(kubectl, "ssa-web").items() if entry.get("subresource") == "scale"]
    assert [entry["fieldsV1"] for entry in scaled] == [{"f:spec": {"f:replicas": {}}}]
    scaler = scaled[0]["manager"]

    refused = kubectl("apply", "--server-side", "-f", "-", stdin=manifest.format(replicas=2))
    assert refused.returncode != 0
    assert (
        f'Apply failed with 1 conflict: conflict with "{scaler}" with subresource "scale" using apps/v1: .spec.replicas'
        in refused.stderr
    )
    assert jsonpath(kubectl, "deployment", "ssa-web", "-o", "jsonpath={.spec.replicas}") == "5"

    forced = kubectl("apply", "--server-side", "--force-conflicts", "-f", "-", stdin=manifest.format(replicas=2))
    assert forced.returncode == 0, forced.stderr
    assert jsonpath(kubectl, "deployment", "ssa-web", "-o", "jsonpath={.spec.replicas}") == "2"
    after = managers(kubectl, "ssa-web")
    assert after[("kubectl", "Apply")]["fieldsV1"]["f:spec"]["f:replicas"] == {}
    assert not any(entry.get("subresource") == "scale" for entry in after.values())


def test_client_side_apply_is_a_manager_server_side_apply_conflicts_with(kubectl):
    manifest = DOCS_DEPLOYMENT.replace("nginx-deployment", "csa-web")
    assert kubectl("apply", "-f", "-", stdin=manifest.format(replicas=2)).returncode == 0
    assert ("kubectl-client-side-apply", "Update") in managers(kubectl, "csa-web")
    refused = kubectl("apply", "--server-side", "--field-manager=lesson", "-f", "-", stdin=manifest.format(replicas=4))
    assert refused.returncode != 0
    assert (
        'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas'
        in refused.stderr
    )
    # kubectl itself takes over the fields whose values are still as last applied client-side
    upgraded = kubectl("apply", "--server-side", "-f", "-", stdin=manifest.format(replicas=4))
    assert upgraded.returncode == 0, upgraded.stderr
    assert managers(kubectl, "csa-web")[("kubectl", "Apply")]["fieldsV1"]["f:spec"]["f:replicas"] == {}
    assert kubectl("apply", "-f", "-", stdin=manifest.format(replicas=1)).returncode == 0
    assert jsonpath(kubectl, "deployment", "csa-web", "-o", "jsonpath={.spec.replicas}") == "1"


def test_get_hides_managed_fields_unless_asked(kubectl):
    manifest = DOCS_DEPLOYMENT.replace("nginx-deployment", "hidden-fields")
    assert kubectl("apply", "--server-side", "-f", "-", stdin=manifest.format(replicas=1)).returncode == 0
    shown = yaml.safe_load(kubectl("get", "deployment", "hidden-fields", "-o", "yaml").stdout)
    assert "managedFields" not in shown["metadata"]
    assert managers(kubectl, "hidden-fields")
