"""The cluster page's "What this did" panel: a click shows at once the kubectl command that does the same and the
YAML diff it applied; an edit someone else makes in the admin appears there too, marked with who made it."""

import pytest

from tests.livelab import ADMIN_PASSWORD, screenshot

pytestmark = pytest.mark.browser

LIVE = "document.body.dataset.connection === 'live'"


def test_cordon_in_the_page_then_scale_in_the_admin_are_explained(page, browser, lab_server):
    japanese = browser.new_context(viewport={"width": 1280, "height": 720}, locale="ja-JP").new_page()
    japanese.goto(f"{lab_server.url}/clusters/demo/")
    japanese.wait_for_function(LIVE)
    assert japanese.locator(".edits-box h2").text_content() == "この操作がしたこと"
    page.goto(f"{lab_server.url}/clusters/demo/")
    page.wait_for_function(LIVE)
    page.click("[data-tab=actions]")
    page.select_option("#action-node", "worker-2")
    page.click("button[data-request=cordon]")
    mine = page.locator(".edit.mine").first
    mine.wait_for()
    assert mine.locator(".edit-who").text_content() == "you"
    assert mine.locator(".edit-command").text_content() == "kubectl cordon worker-2"
    assert mine.locator(".edit-diff .file").all_text_contents() == ["--- a/v1.Node.worker-2", "+++ b/v1.Node.worker-2"]
    assert "+  unschedulable: true" in mine.locator(".edit-diff .add").all_text_contents()
    assert "resourceVersion" not in mine.locator(".edit-diff").text_content()
    # Another page of the cluster (here in Japanese) lists the same edit as someone else's.
    heard = japanese.locator(".edit").first
    heard.wait_for()
    assert heard.locator(".edit-who").text_content() == "anonymous による"
    assert heard.locator(".edit-command").text_content() == "kubectl cordon worker-2"
    japanese.context.close()

    admin = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    admin.goto(f"{lab_server.url}/admin/login/?next=/admin/lab/deployment/")
    admin.fill("#id_username", "admin")
    admin.fill("#id_password", ADMIN_PASSWORD)
    admin.click("input[type=submit]")
    admin.locator("tr", has_text="default").locator("input[name=_selected_action]").first.check()
    admin.select_option("select[name=action]", "scale")
    admin.click("button[name=index]")
    admin.fill("#id_replicas", "5")
    admin.click("input[name=apply]")
    admin.wait_for_load_state()
    assert "kubectl scale deployment web --replicas=5 -n default" in admin.locator(".kubelab-command").text_content()
    admin.context.close()

    theirs = page.locator(".edit:not(.mine)").first
    theirs.wait_for()
    assert theirs.locator(".edit-who").text_content() == "by admin"
    assert theirs.locator(".edit-command").text_content() == "kubectl scale deployment web --replicas=5 -n default"
    assert "+  replicas: 5" in theirs.locator(".edit-diff .add").all_text_contents()
    screenshot(page, "edit-panel")
