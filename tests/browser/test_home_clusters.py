"""The home page in chromium against a live lab: an admin creates a two-zone, four-worker cluster there, its card
shows its state, its diagram draws the four workers, and the admin deletes it; the page in Japanese."""

import pytest

from tests.livelab import ADMIN_PASSWORD, screenshot

pytestmark = pytest.mark.browser

LIVE = "document.body.dataset.connection === 'live'"
CARD = '.cluster-card[data-cluster="zonal"]'
WORKERS = ["worker-1", "worker-2", "worker-3", "worker-4"]
# every worker's status in the diagram reads Ready (kubectl's STATUS column)
WORKERS_READY = (
    "[...document.querySelectorAll('.node')].filter(n => "
    "n.querySelector('.node-status').textContent.trim() === 'Ready').length === 4"
)


def sign_in_as_admin(page, lab_server):
    page.goto(f"{lab_server.url}/admin/login/?next=/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", ADMIN_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{lab_server.url}/")


def test_an_admin_creates_a_zonal_cluster_watches_it_and_deletes_it(page, lab_server):
    sign_in_as_admin(page, lab_server)
    assert page.locator(".cluster-card .cluster-link").all_text_contents() == ["demo"]
    page.fill("#id_name", "zonal")
    page.check("#id_topology input[value=single]")
    page.fill("#id_workers", "4")
    page.select_option("#id_vm_size", "Standard_D4s_v3")
    page.select_option("#id_zones", "2")
    page.fill("#id_speed", "5")
    page.click("#new-cluster-form button[type=submit]")
    page.wait_for_url(f"{lab_server.url}/#cluster-zonal")
    assert page.locator(".messages").text_content().strip() == "Cluster zonal created."
    card = page.locator(CARD)
    assert card.locator(".topology").text_content() == "Single control plane"
    assert card.locator(".nodes").text_content().endswith("/5")  # four workers and the control-plane node
    assert card.locator(".time").text_content().endswith("· 5×")
    assert card.locator(".clock-state").text_content() == "▶ running"
    assert card.locator(".membership").text_content() == "Outside any classroom"
    screenshot(page, "30-home-cluster-created")

    card.locator(".diagram-link").click()
    page.wait_for_function(LIVE)
    page.wait_for_function(WORKERS_READY, timeout=30_000)
    assert page.locator(".node .node-name").all_text_contents() == WORKERS
    assert page.locator(".plane-title").all_text_contents() == ["control-plane-1"]
    screenshot(page, "31-zonal-cluster-diagram")

    page.goto(f"{lab_server.url}/")
    assert card.locator(".nodes").text_content() == "5/5"
    card.locator(".delete-link").click()
    assert page.locator("h1").text_content() == "Delete the cluster zonal?"
    page.click("#delete-cluster-form button[type=submit]")
    page.wait_for_url(f"{lab_server.url}/")
    assert page.locator(".messages").text_content().strip() == "Cluster zonal deleted."
    assert page.locator(CARD).count() == 0
    assert page.locator(".cluster-card .cluster-link").all_text_contents() == ["demo"]


def test_a_refused_form_shows_why_on_its_field(page, lab_server):
    sign_in_as_admin(page, lab_server)
    page.fill("#id_name", "demo")
    page.fill("#id_workers", "51")
    page.click("#new-cluster-form button[type=submit]")
    assert page.locator("#id_name_error").text_content().strip() == "A cluster named demo already exists."
    assert page.locator("#id_workers_error").text_content().strip() == "Ensure this value is less than or equal to 50."
    assert page.locator(".cluster-card .cluster-link").all_text_contents() == ["demo"]
    screenshot(page, "32-home-form-errors")


def test_the_home_page_in_japanese(browser, lab_server):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="ja-JP")
    page = context.new_page()
    sign_in_as_admin(page, lab_server)
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.locator(".new-cluster h2").text_content() == "新しいクラスター"
    assert page.locator('.cluster-card[data-cluster="demo"] .diagram-link').text_content() == "図を開く"
    screenshot(page, "33-home-japanese-admin")
    context.close()


def test_a_student_reaches_her_sandbox_from_the_home_page_in_one_click(browser, lab_server):
    teacher = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    sign_in_as_admin(teacher, lab_server)
    teacher.goto(f"{lab_server.url}/classroom/")
    teacher.fill("#id_name", "Kubernetes 101")
    teacher.click("#new-classroom-form button[type=submit]")
    teacher.wait_for_function("window.kubelabClassroom && window.kubelabClassroom.state", timeout=30_000)
    code = teacher.text_content("#join-code")

    student = browser.new_context(viewport={"width": 1280, "height": 720}, locale="ja-JP").new_page()
    student.goto(f"{lab_server.url}/classroom/?code={code}")
    student.fill("#id_display_name", "Aiko")
    student.click("#join-form button[type=submit]")
    student.wait_for_function("window.kubelabClassroom && window.kubelabClassroom.state", timeout=30_000)
    student.click("#open-sandbox")
    student.wait_for_function("window.kubelabClassroom.state.me.sandbox !== null", timeout=30_000)
    sandbox = student.evaluate("window.kubelabClassroom.state.me.sandbox.name")

    student.goto(f"{lab_server.url}/")
    assert student.locator(".open-sandbox").text_content() == "自分のサンドボックスを開く"
    demo = f"class-{code.lower()}"
    assert sorted(student.locator(".cluster-card .cluster-link").all_text_contents()) == sorted(["demo", demo, sandbox])
    screenshot(student, "34-home-student-japanese")
    student.click(".open-sandbox")
    student.wait_for_url(f"{lab_server.url}/clusters/{sandbox}/")
    student.wait_for_function(LIVE)

    teacher.goto(f"{lab_server.url}/")
    membership = teacher.locator(f'.cluster-card[data-cluster="{sandbox}"] .membership').text_content()
    assert membership == "Classroom Kubernetes 101: sandbox of Aiko"
    student.context.close()
    teacher.context.close()
