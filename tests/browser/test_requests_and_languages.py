"""The cluster page against a live lab: the real kubectl's requests appear in the request feed as they are answered
and the diagram shows their effect; the home and cluster pages, the diagram's own strings included, in Japanese."""

import os
import subprocess
import sys

import pytest

from tests.livelab import KUBECTLS, REPO, screenshot

pytestmark = pytest.mark.browser

LIVE = "document.body.dataset.connection === 'live'"
# web's pods: each node also runs the cluster's node agents (kube-system DaemonSets)
READY_PODS = "document.querySelectorAll('.pod.cat-ready[data-key^=\"default/web-\"]').length"


def kubeconfig(lab_server, role: str):
    """A kubeconfig for the demo cluster's kube API on this server's HTTPS port, written the way the README says."""
    path = lab_server.var_dir / f"demo-{role}.kubeconfig"
    server = f"https://127.0.0.1:{lab_server.kube_port}"
    printed = subprocess.run(
        [sys.executable, "manage.py", "kubeconfig", "demo", "--role", role, "--server", server],
        cwd=REPO,
        env={**os.environ, "KUBELAB_VAR_DIR": str(lab_server.var_dir)},
        capture_output=True,
        text=True,
        check=True,
    )
    path.write_text(printed.stdout)
    return path


def kubectl(config, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(KUBECTLS["newest"]), "--kubeconfig", str(config), *args], capture_output=True, text=True, timeout=60
    )


def test_kubectl_requests_appear_in_the_feed_and_their_effect_in_the_diagram(page, lab_server):
    page.goto(f"{lab_server.url}/clusters/demo/")
    page.wait_for_function(LIVE)
    page.wait_for_function(f"{READY_PODS} === 3", timeout=30_000)
    page.select_option("#speed", "10")
    page.wait_for_function("window.kubelab.store.clock.speed === 10")
    assert page.locator("#request-feed .hint").text_content() == "No request yet: try kubectl get pods."

    scaled = kubectl(kubeconfig(lab_server, "admin"), "scale", "deployment", "web", "--replicas=4")
    assert (scaled.returncode, scaled.stdout) == (0, "deployment.apps/web scaled\n"), scaled.stderr
    page.wait_for_function(
        "[...document.querySelectorAll('.request-what')].some(r => r.textContent === 'PATCH deployments/web (scale)')"
    )
    patch = page.locator(".request", has_text="PATCH deployments/web (scale)")
    assert patch.get_attribute("class") == "request ok"
    assert patch.locator(".request-code").text_content() == "200"
    assert patch.locator(".request-user").text_content() == "kubelab-admin"
    assert "namespace default · system:serviceaccount:kube-system:kubelab-admin · kubectl/" in patch.get_attribute(
        "title"
    )
    page.wait_for_function(f"{READY_PODS} === 4", timeout=30_000)
    assert page.locator(".deployment .deploy-head span").text_content() == "4/4 ready · 4 up-to-date"
    screenshot(page, "10-kubectl-scale-in-the-feed")

    refused = kubectl(kubeconfig(lab_server, "view"), "get", "secrets")
    assert refused.returncode == 1
    assert 'cannot list resource "secrets"' in refused.stderr
    page.wait_for_function("document.querySelector('.request').classList.contains('refused')")
    assert page.locator(".request").first.text_content().split() == ["LIST", "secrets", "403", "·", "kubelab-student"]
    assert page.evaluate(READY_PODS) == 4
    screenshot(page, "11-refused-request-in-the-feed")


def test_the_pages_in_japanese(browser, lab_server):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="ja-JP")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{lab_server.url}/")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.locator(".home h1").text_content() == "クラスター"
    assert page.locator(".classroom-link a").text_content() == "クラス"
    screenshot(page, "12-home-japanese")

    page.click(".cluster-link")
    page.wait_for_function(LIVE)
    page.wait_for_function(f"{READY_PODS} === 3", timeout=30_000)
    assert page.locator("#api-status").text_content() == "API サーバー稼働中"
    assert page.locator("[data-tab]").all_text_contents() == ["イベント", "詳細", "操作"]
    assert page.locator(".requests-box h2").text_content() == "kubectl／API リクエスト"
    assert page.locator(".queue-title").text_content() == "スケジューリング待ち行列 · Pod 0 個"
    assert "Pending（待ち行列の中）" in page.locator("#legend").text_content()
    page.click("#play-pause")
    page.wait_for_function("document.querySelector('#sim-time').textContent.endsWith('· 一時停止中')")
    assert page.locator("#play-pause").text_content() == "▶ 再生"
    page.click("[data-tab=actions]")
    assert page.locator("button[data-request=power-off]").text_content() == "電源を切る"
    screenshot(page, "13-cluster-japanese")

    page.select_option(".language-switcher select", "en")
    page.wait_for_function(LIVE)
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("[data-tab]").all_text_contents() == ["Events", "Inspector", "Actions"]
    context.close()
    assert errors == []


def test_a_frame_of_several_messages_applies_each_of_them(page, lab_server):
    """The server sends what queued up meanwhile as one JSON array; the page must apply every message in it."""
    page.goto(f"{lab_server.url}/clusters/demo/")
    page.wait_for_function(LIVE)
    page.evaluate(
        """() => {
        const request = (verb, name) => ({ type: "request", request: { verb, group: "", resource: "pods",
          subresource: "", namespace: "default", name, user: "kubelab-admin", userAgent: "", code: 200 } });
        window.kubelab.connection.receive([request("list", ""), request("get", "web-1")]);
    }"""
    )
    page.wait_for_function("document.querySelectorAll('.request').length === 2")
    assert page.locator(".request-what").all_text_contents() == ["GET pods/web-1", "LIST pods"]
