"""The kubectl terminal in chromium: typed commands run as the real kubectl on the server, and the diagram shows
what they change; refused lines say why, Tab completes, the arrow keys recall."""

import pytest

from tests.livelab import screenshot

pytestmark = pytest.mark.browser

TEXT = "window.kubelabTerminal.text()"
WEB_PODS_READY = "document.querySelectorAll('.pod.cat-ready[data-key^=\"default/web-\"]').length"
PROMPT_READY = f"{TEXT}.trimEnd().endsWith('\\n$')"  # the last line is an empty prompt: the command has ended


def type_line(page, line: str) -> None:
    page.keyboard.type(line)
    page.keyboard.press("Enter")


def test_kubectl_typed_in_the_page_scales_the_deployment_on_the_diagram(page, lab_server):
    page.goto(f"{lab_server.url}/clusters/demo/")
    page.wait_for_function("document.body.dataset.connection === 'live'")
    page.wait_for_function(f"{WEB_PODS_READY} === 3", timeout=30_000)
    page.click("#terminal-toggle")
    page.wait_for_function(f"{TEXT}.includes('Try: kubectl get nodes')")

    type_line(page, "kubectl get nodes")
    page.wait_for_function(f"/NAME +STATUS +ROLES/.test({TEXT})", timeout=30_000)
    page.wait_for_function(f"{TEXT}.includes('worker-1') && {PROMPT_READY}", timeout=30_000)
    assert "control-plane-1" in page.evaluate(TEXT)

    page.keyboard.type("kubectl sca")
    page.keyboard.press("Tab")
    page.wait_for_function(f"{TEXT}.trimEnd().endsWith('$ kubectl scale')")
    page.keyboard.type("deployment w")
    page.keyboard.press("Tab")
    page.wait_for_function(f"{TEXT}.includes('kubectl scale deployment web ')")
    type_line(page, "--replicas=5")
    page.wait_for_function(f"{TEXT}.includes('deployment.apps/web scaled')", timeout=30_000)
    page.wait_for_function(f"{WEB_PODS_READY} === 5", timeout=60_000)
    screenshot(page, "terminal-01-scaled-to-five")

    type_line(page, "kubectl get pods | grep web")
    page.wait_for_function(f"{TEXT}.includes('There is no shell here: | (a pipe) is not available')")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    page.wait_for_function(f"{TEXT}.trimEnd().endsWith('$ kubectl scale deployment web --replicas=5')")
    screenshot(page, "terminal-02-refused-and-recalled")


def test_a_watch_runs_until_ctrl_c_and_the_editor_is_applied(page, lab_server):
    page.goto(f"{lab_server.url}/clusters/demo/")
    page.wait_for_function("document.body.dataset.connection === 'live'")
    page.click("#terminal-toggle")
    page.wait_for_function(f"{TEXT}.includes('Try: kubectl get nodes')")
    page.fill(
        "#terminal-editor", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  colour: blue\n"
    )
    page.click("#terminal-screen")
    type_line(page, "kubectl apply -f -")
    page.wait_for_function(f"{TEXT}.includes('configmap/settings created')", timeout=30_000)

    type_line(page, "kubectl get pods -w")
    page.wait_for_function(f"{TEXT}.includes('web-')", timeout=30_000)
    page.keyboard.press("Control+C")
    page.wait_for_function(f"{TEXT}.includes('^C') && {PROMPT_READY}", timeout=10_000)
    type_line(page, "kubectl get configmap settings -o jsonpath={.data.colour}")
    page.wait_for_function(f"/^blue$/m.test({TEXT})", timeout=30_000)
