"""A pod's claim in the inspector: a link from the pod to its PersistentVolumeClaim, which shows its phase."""

import pytest

from tests.livelab import ADMIN_PASSWORD, screenshot

from .test_diagram import open_demo

pytestmark = pytest.mark.browser

CLAIM_SPEC = """\
accessModes: [ReadWriteMany]
storageClassName: azurefile-csi
resources:
  requests:
    storage: 1Gi
"""
POD_SPEC = """\
containers:
- name: app
  image: nginx:1.27
volumes:
- name: shared
  persistentVolumeClaim:
    claimName: shared
"""


def add(admin, lab_server, kind: str, name: str, spec: str) -> None:
    admin.goto(f"{lab_server.url}/admin/lab/{kind}/add/")
    admin.select_option("#id_cluster", label="demo")
    admin.fill("#id_name", name)
    admin.fill("#id_namespace", "default")
    admin.fill("#id_spec", spec)
    admin.click("input[name=_save]")
    admin.wait_for_load_state()


def test_a_pods_claim_opens_in_the_inspector_with_its_phase(page, browser, lab_server):
    open_demo(page, lab_server)
    admin = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    admin.goto(f"{lab_server.url}/admin/login/?next=/admin/")
    admin.fill("#id_username", "admin")
    admin.fill("#id_password", ADMIN_PASSWORD)
    admin.click("input[type=submit]")
    add(admin, lab_server, "persistentvolumeclaim", "shared", CLAIM_SPEC)
    add(admin, lab_server, "pod", "app", POD_SPEC)
    admin.context.close()

    chip = '.pod[data-key="default/app"]'
    page.wait_for_function(f"document.querySelector('{chip}') !== null", timeout=30_000)
    page.locator(chip).click()
    link = page.locator('.claims a[data-goto-kind="PersistentVolumeClaim"]')
    assert link.text_content() == "PersistentVolumeClaim/shared"
    link.click()
    assert page.locator(".inspect-title").text_content() == "PersistentVolumeClaim default/shared"
    page.wait_for_function(
        "document.querySelector('.inspect-status').textContent.startsWith('Bound · pvc-')", timeout=30_000
    )
    assert page.locator(".inspect-status").text_content().endswith(" · 1Gi · azurefile-csi")
    screenshot(page, "20-claim-in-the-inspector")
