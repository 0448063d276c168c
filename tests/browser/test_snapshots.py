"""Snapshots in chromium: an admin downloads the demo cluster's snapshot from its page, imports it from the page the
home page links to, and lands on the new cluster, paused with the same pods on the same nodes."""

import pytest

from tests.livelab import ADMIN_PASSWORD, screenshot

pytestmark = pytest.mark.browser

LIVE = "document.body.dataset.connection === 'live'"
WEB = '[data-key^="default/web-"]'


def web_pods_by_node(page) -> list[tuple[str, str]]:
    pods = page.locator(f".pod{WEB}")
    return sorted((pods.nth(i).get_attribute("data-key"), pods.nth(i).get_attribute("data-node")) for i in range(3))


def test_download_a_snapshot_and_import_it_from_the_page(page, lab_server, tmp_path):
    page.goto(f"{lab_server.url}/admin/login/?next=/clusters/demo/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", ADMIN_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_function(LIVE)
    page.wait_for_function(f"document.querySelectorAll('.pod.cat-ready{WEB}').length === 3", timeout=30_000)
    page.click("#play-pause")  # paused, so the snapshot holds what the diagram shows
    page.wait_for_function("document.querySelector('#play-pause').textContent.includes('Play')")
    placed = web_pods_by_node(page)
    with page.expect_download() as download:
        page.click("a.snapshot-link")
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name == "kubelab-demo-snapshot.yaml"

    page.goto(f"{lab_server.url}/")
    page.click(".snapshot-link a")
    page.fill("#id_name", "demo-copy")
    page.set_input_files("#id_snapshot", str(path))
    screenshot(page, "snapshot-import-form")
    page.click("#snapshot-import-form button[type=submit]")
    page.wait_for_url(f"{lab_server.url}/clusters/demo-copy/")
    page.wait_for_function(LIVE)
    page.wait_for_function(f"document.querySelectorAll('.pod.cat-ready{WEB}').length === 3", timeout=30_000)
    assert web_pods_by_node(page) == placed
    page.wait_for_function("document.querySelector('#play-pause').textContent.includes('Play')")  # imported paused
    screenshot(page, "snapshot-imported-cluster")


def test_a_refused_file_is_explained_on_the_page(page, lab_server, tmp_path):
    page.goto(f"{lab_server.url}/admin/login/?next=/snapshots/import/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", ADMIN_PASSWORD)
    page.click("input[type=submit]")
    bad = tmp_path / "bad.yaml"
    bad.write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n")
    page.fill("#id_name", "bad")
    page.set_input_files("#id_snapshot", str(bad))
    page.click("#snapshot-import-form button[type=submit]")
    assert page.locator("#snapshot-error").text_content() == (
        "a snapshot is a v1 List (apiVersion: v1, kind: List, items: [...]), not Pod"
    )
