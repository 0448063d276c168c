"""The event timeline explains each Event in the reader's language: a fixed explanation through the page's catalog,
a templated one translated and then filled in with the arguments the control plane stored beside it."""

import pytest

pytestmark = pytest.mark.browser

LIVE = "document.body.dataset.connection === 'live'"
# web's pods: each node also runs the cluster's node agents (kube-system DaemonSets)
READY_PODS = "document.querySelectorAll('.pod.cat-ready[data-key^=\"default/web-\"]').length"


def explanation(page, reason: str, involved: str):
    row = page.locator(".event").filter(has=page.locator(".reason", has_text=reason))
    return row.filter(has=page.locator(".event-object", has_text=involved)).first.locator(".explanation")


def test_event_explanations_in_japanese_and_english(browser, lab_server):
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="ja-JP")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{lab_server.url}/clusters/demo/")
    page.wait_for_function(LIVE)
    page.wait_for_function(f"{READY_PODS} === 3", timeout=30_000)

    leader = explanation(page, "LeaderElection", "Lease/kube-scheduler")
    assert leader.text_content() == (
        "control-plane-1 の kube-scheduler がリースを取得したため、実際に動くのはこのインスタンスだけになります。"
    )
    assert explanation(page, "Started", "Pod/web-").text_content() == "コンテナのプロセスが動いています。"
    scheduled = explanation(page, "Scheduled", "Pod/web-").text_content()
    assert scheduled.startswith("スケジューラーは 4 台中 4 台のノードを調べました。Pod を動かせるのは 3 台で、最高の ")

    fallbacks = page.evaluate(
        """async () => {
        const module = new URL("timeline.js", document.querySelector("script[src*='diagram/main.js']").src);
        const { explanationText } = await import(module.href);
        return [
          explanationText({ "kubelab.io/explanation": "Not in the catalog." }),
          explanationText({ "kubelab.io/explanation": "Sent to 1.2.3.4 now.",
            "kubelab.io/explanation-template": "Sent to {ip} now.", "kubelab.io/explanation-args": '{"ip":"1.2.3.4"}' }),
          explanationText({ "kubelab.io/explanation": "Kept as written.",
            "kubelab.io/explanation-template": "Kept {as}.", "kubelab.io/explanation-args": "not json" }),
          explanationText({}),
        ];
    }"""
    )
    assert fallbacks == ["Not in the catalog.", "Sent to 1.2.3.4 now.", "Kept as written.", ""]

    page.select_option(".language-switcher select", "en")
    page.wait_for_function(LIVE)
    assert page.locator("html").get_attribute("lang") == "en"
    assert explanation(page, "LeaderElection", "Lease/kube-scheduler").text_content() == (
        "The kube-scheduler on control-plane-1 now holds the lease, so it is the one instance that acts."
    )
    context.close()
    assert errors == []
