"""Service traffic in chromium: started from the page, drawn as dots through the Service to the pods, and the meter
turning red while a powered-off node's pods still receive requests, then green again once they are taken out."""

import pytest

from tests.livelab import screenshot

pytestmark = pytest.mark.browser

SUCCESS = "Number(document.querySelector('.traffic-meter .success')?.dataset.successRate)"


def test_dots_and_the_meter_react_to_a_node_failure(page, lab_server):
    page.goto(f"{lab_server.url}/clusters/demo/")
    page.wait_for_function("document.body.dataset.connection === 'live'")
    page.wait_for_function("document.querySelectorAll('.pod.cat-ready').length === 3", timeout=30_000)
    page.wait_for_function("document.querySelector('#traffic-service')?.value === 'default/web'")
    page.select_option("#speed", "10")
    page.select_option("#traffic-via", "LoadBalancer")
    page.fill("#traffic-rate", "120")
    page.click("button[data-traffic=start]")

    page.wait_for_function(f"{SUCCESS} === 1", timeout=30_000)
    page.wait_for_function("document.querySelectorAll('.traffic-dot.result-ok').length > 0")
    assert page.locator(".traffic-source").get_attribute("data-via") == "LoadBalancer"
    assert page.locator(".traffic-meter .meter-head strong").text_content() == "web.default.svc.cluster.local"
    page.wait_for_function("document.querySelectorAll('.meter-pods li').length === 3")
    page.wait_for_function("document.querySelectorAll('.layer-traffic .pod-rps').length === 3")
    screenshot(page, "traffic-01-healthy")

    page.click("[data-tab=actions]")
    page.select_option("#action-node", "worker-1")
    page.click("button[data-request=power-off]")
    # The node's pods stay in the endpoints until the node controller marks them not ready: requests time out.
    page.wait_for_function(f"{SUCCESS} < 0.9", timeout=30_000)
    page.wait_for_function("document.querySelectorAll('.traffic-dot.result-timeout').length > 0", timeout=30_000)
    assert "timed out" in page.locator(".traffic-meter .meter-failures").text_content()
    assert page.locator(".traffic-meter.level-bad").count() == 1
    screenshot(page, "traffic-02-node-failure-timeouts")
    page.locator("#traffic .traffic-meters").scroll_into_view_if_needed()
    screenshot(page, "traffic-03-meter-during-the-failure")

    page.wait_for_function(
        "document.querySelector('.node[data-key=\"worker-1\"] .node-status').textContent.includes('Unknown')",
        timeout=60_000,
    )
    page.wait_for_function(f"{SUCCESS} === 1", timeout=60_000)
    page.wait_for_function("document.querySelectorAll('.layer-traffic .pod-rps').length === 2")
    screenshot(page, "traffic-04-recovered")

    page.click("button[data-traffic=stop]")
    page.wait_for_function("document.querySelectorAll('.traffic-meter').length === 0")
    assert page.locator(".layer-traffic .traffic-band").count() == 0


def test_the_traffic_panel_speaks_japanese(browser, lab_server):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="ja-JP")
    page = context.new_page()
    page.goto(f"{lab_server.url}/clusters/demo/")
    page.wait_for_function("document.body.dataset.connection === 'live'")
    page.wait_for_function("document.querySelectorAll('.pod.cat-ready').length === 3", timeout=30_000)
    page.select_option("#traffic-via", "ClusterIP")
    page.click("button[data-traffic=start]")
    page.wait_for_function(f"{SUCCESS} === 1", timeout=30_000)
    assert page.locator(".traffic h2").text_content() == "トラフィック"
    assert "成功" in page.locator(".traffic-meter .success").text_content()
    assert "クライアント Pod" in page.locator(".traffic-source").text_content()
    screenshot(page, "traffic-05-japanese")
    context.close()
