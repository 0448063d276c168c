"""The diff an edit shows: the object's YAML before and after, without what kubectl hides by default."""

from lab.object_diff import unified_diff


def deployment(replicas: int, version: str, ready: int) -> dict:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": "web",
            "namespace": "default",
            "resourceVersion": version,
            "generation": replicas,
            "managedFields": [{"manager": "kubectl", "operation": "Update", "time": version}],
        },
        "spec": {"replicas": replicas},
        "status": {"readyReplicas": ready},
    }


def test_a_scale_shows_replicas_and_generation_but_no_resource_version_managed_fields_or_status():
    diff = unified_diff(deployment(3, "10", 3), deployment(5, "42", 4))
    assert diff.splitlines() == [
        "--- a/apps.v1.Deployment.default.web",
        "+++ b/apps.v1.Deployment.default.web",
        "@@ -3,6 +3,6 @@",
        " metadata:",
        "   name: web",
        "   namespace: default",
        "-  generation: 3",
        "+  generation: 5",
        " spec:",
        "-  replicas: 3",
        "+  replicas: 5",
    ]


def test_a_write_to_status_shows_status():
    diff = unified_diff(deployment(3, "10", 3), deployment(3, "11", 2), subresource="status")
    assert "-  readyReplicas: 3\n+  readyReplicas: 2\n" in diff


def test_nothing_visible_changed_is_an_empty_diff():
    assert unified_diff(deployment(3, "10", 3), deployment(3, "11", 1)) == ""


def test_a_created_object_is_all_added_and_a_deleted_one_all_removed():
    created = unified_diff(None, deployment(1, "5", 0))
    assert created.startswith("--- a/apps.v1.Deployment.default.web\n+++ b/apps.v1.Deployment.default.web\n")
    assert all(line.startswith("+") for line in created.splitlines()[3:])
    gone = unified_diff(deployment(1, "5", 0), None)
    assert all(line.startswith("-") for line in gone.splitlines()[3:])


def test_a_secrets_values_are_masked_as_kubectl_diff_masks_them():
    before = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db"}, "data": {"user": "YQ==", "pw": "Yg=="}}
    after = {**before, "data": {"user": "YQ==", "pw": "Yw=="}}
    diff = unified_diff(before, after)
    assert "-  pw: '*** (before)'\n+  pw: '*** (after)'\n" in diff
    assert "Yg==" not in diff and "Yw==" not in diff and "YQ==" not in diff


def test_markup_in_a_value_is_kept_as_text_for_the_page_and_admin_to_escape():
    before = deployment(1, "1", 1)
    after = {**before, "metadata": {**before["metadata"], "labels": {"team": "<b>&"}}}
    assert "+  labels:\n+    team: <b>&\n" in unified_diff(before, after)
