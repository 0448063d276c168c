"""Time travel in chromium: an admin fails a node, drags the slider back to before it, sees the node Ready again,
plays the failure forward, and forks a new cluster from the moment shown."""

import re

import pytest

from tests.livelab import ADMIN_PASSWORD, screenshot

pytestmark = pytest.mark.browser

LIVE = "document.body.dataset.connection === 'live'"
WORKER_1_STATUS = "document.querySelector('.node[data-key=\"worker-1\"] .node-status').textContent"


def sign_in(page, lab_server):
    page.goto(f"{lab_server.url}/admin/login/?next=/clusters/demo/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", ADMIN_PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{lab_server.url}/clusters/demo/")
    page.wait_for_function(LIVE)


def test_an_admin_rewinds_past_a_node_failure_and_forks_the_moment_before(page, lab_server):
    sign_in(page, lab_server)
    page.wait_for_function("document.querySelectorAll('.pod.cat-ready[data-key^=\"default/web-\"]').length === 3")
    page.select_option("#speed", "100")
    page.wait_for_function("window.kubelab.store.clock.speed === 100")
    page.wait_for_function(f"{WORKER_1_STATUS}.startsWith('Ready')")
    before_failure = page.evaluate("window.kubelab.store.clock.now")
    page.click("[data-tab=actions]")
    page.select_option("#action-node", "worker-1")
    page.click("button[data-request=power-off]")
    page.wait_for_function(f"{WORKER_1_STATUS}.includes('Unknown')", timeout=30_000)
    assert page.locator("#time-status").text_content() == "live"

    page.locator("#time-slider").fill(str(before_failure))
    page.wait_for_function("document.getElementById('time-status').textContent.startsWith('replay at ')")
    page.wait_for_function(f"{WORKER_1_STATUS}.startsWith('Ready')")
    assert "powered off" not in page.evaluate(WORKER_1_STATUS)
    assert page.evaluate("document.body.classList.contains('replaying')")
    screenshot(page, "time-travel-01-rewound-before-the-failure")

    # live frames no longer move the diagram: the node stays Ready while the cluster goes on without it
    page.wait_for_timeout(1500)
    assert page.evaluate(WORKER_1_STATUS).startswith("Ready")

    # play forward at 100x: the power-off comes back, then the node goes Unknown as it did
    page.select_option("#time-speed", "100")
    page.click("#time-play")
    page.wait_for_function(f"{WORKER_1_STATUS}.includes('powered off')", timeout=30_000)
    page.wait_for_function(f"{WORKER_1_STATUS}.includes('Unknown')", timeout=30_000)
    screenshot(page, "time-travel-02-replayed-the-failure")

    page.locator("#time-slider").fill(str(before_failure))
    page.wait_for_function(f"{WORKER_1_STATUS}.startsWith('Ready') && !{WORKER_1_STATUS}.includes('powered off')")
    page.click("#time-fork")
    page.wait_for_url(re.compile(r"/clusters/demo-at-\d+/$"))
    page.wait_for_function(LIVE)
    assert page.locator("h1.cluster-name").text_content().startswith("demo-at-")
    page.wait_for_function(f"{WORKER_1_STATUS}.startsWith('Ready')")
    assert page.locator("#time-status").text_content() == "live"
    screenshot(page, "time-travel-03-forked")


def test_visitors_without_an_account_get_no_time_travel_bar(page, lab_server):
    page.goto(f"{lab_server.url}/clusters/demo/")
    page.wait_for_function(LIVE)
    assert page.locator("#time-travel").count() == 0


def test_the_time_travel_bar_in_japanese(browser, lab_server):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="ja-JP")
    page = context.new_page()
    sign_in(page, lab_server)
    assert page.locator("#time-status").text_content() == "ライブ"
    assert page.locator("#time-fork").text_content() == "ここから続ける"
    page.locator("#time-slider").fill(str(page.evaluate("window.kubelab.store.clock.now") / 2))
    page.wait_for_function("document.getElementById('time-status').textContent.endsWith(' のリプレイ')")
    assert page.locator("#time-play").text_content() == "リプレイを再生"
    screenshot(page, "time-travel-04-japanese")
    context.close()
