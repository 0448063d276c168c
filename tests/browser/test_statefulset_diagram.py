"""A StatefulSet in the diagram: its pods show their ordinals, grouped under their set, and db-1 on a dead node
stays a Terminating chip that nothing replaces."""

import pytest

from tests.livelab import ADMIN_PASSWORD, screenshot

from .test_diagram import open_demo

pytestmark = pytest.mark.browser

DB_SPEC = """\
serviceName: db
replicas: 3
selector:
  matchLabels:
    app: db
template:
  metadata:
    labels:
      app: db
  spec:
    containers:
    - name: postgres
      image: postgres:16
volumeClaimTemplates:
- metadata:
    name: data
  spec:
    accessModes: [ReadWriteOnce]
    resources:
      requests:
        storage: 1Gi
"""
CARD = '.statefulset[data-kind="StatefulSet"][data-key="default/db"]'


def test_stateful_set_pods_carry_their_ordinal_and_db_1_stays_terminating_on_a_dead_node(page, browser, lab_server):
    open_demo(page, lab_server)
    admin = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    admin.goto(f"{lab_server.url}/admin/login/?next=/admin/lab/statefulset/add/")
    admin.fill("#id_username", "admin")
    admin.fill("#id_password", ADMIN_PASSWORD)
    admin.click("input[type=submit]")
    admin.select_option("#id_cluster", label="demo")
    admin.fill("#id_name", "db")
    admin.fill("#id_namespace", "default")
    admin.fill("#id_spec", DB_SPEC)
    admin.click("input[name=_save]")
    admin.wait_for_load_state()
    admin.context.close()

    page.select_option("#speed", "100")
    page.wait_for_function(f"document.querySelectorAll('{CARD} .mini.cat-ready').length === 3", timeout=30_000)
    assert page.locator(f"{CARD} .mini").all_text_contents() == ["0", "1", "2"]
    assert page.locator(f"{CARD} .rs-count").all_text_contents() == ["3/3 ready", "claims data-db-N"]
    title = page.locator(f'{CARD} .mini[data-key="default/db-1"]').get_attribute("title")
    assert title == "db-1 · Running · data-db-1"
    chip = page.locator('.pod[data-key="default/db-1"]')
    assert chip.locator("text").text_content() == "1"
    node = chip.get_attribute("data-node")
    owners = page.locator(f'.node[data-key="{node}"] .group-label title').all_text_contents()
    assert "StatefulSet/db" in owners
    screenshot(page, "11-statefulset-ordinals")

    page.click("[data-tab=actions]")
    page.select_option("#action-node", node)
    page.click("button[data-request=power-off]")
    page.wait_for_function(
        f"document.querySelector('{CARD} .mini[data-key=\"default/db-1\"]')?.classList.contains('cat-terminating')",
        timeout=60_000,
    )
    assert page.locator('.pod[data-key="default/db-1"]').get_attribute("data-node") == node
    assert page.locator(f"{CARD} .mini").all_text_contents() == ["0", "1", "2"]
    screenshot(page, "12-statefulset-db-1-terminating")
