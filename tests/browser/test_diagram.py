"""The live diagram in chromium against a running lab: it renders, follows edits made elsewhere, animates a node
failure to its end, obeys pause and step, and recovers by itself when the server restarts."""

import pytest

from tests.livelab import ADMIN_PASSWORD, screenshot

pytestmark = pytest.mark.browser

LIVE = "document.body.dataset.connection === 'live'"


def open_demo(page, lab_server):
    page.goto(f"{lab_server.url}/clusters/demo/")
    page.wait_for_function(LIVE)


# The web pods; each node also runs the cluster's node agents (kube-system DaemonSets), which never move.
WEB = '[data-key^="default/web-"]'


def ready_pods_off(page, node: str) -> int:
    return page.locator(f'.pod.cat-ready{WEB}:not([data-node="{node}"])').count()


def test_the_demo_cluster_renders(page, lab_server):
    open_demo(page, lab_server)
    page.wait_for_function(f"document.querySelectorAll('.pod.cat-ready{WEB}').length === 3", timeout=30_000)
    assert page.locator(".node .node-name").all_text_contents() == ["worker-1", "worker-2", "worker-3"]
    assert page.locator(".plane-title").all_text_contents() == ["control-plane-1"]
    components = page.locator(".component .component-name").all_text_contents()
    assert components == [
        "etcd",
        "kube-apiserver",
        "kube-scheduler",
        "kube-controller-manager",
        "cloud-controller-manager",
    ]
    assert page.locator("#api-status").text_content() == "API server up"
    assert page.locator(".deployment .deploy-head strong").all_text_contents() == ["web"]
    assert page.locator("#diagram").get_attribute("data-renderer") == "svg"
    page.wait_for_function("document.querySelectorAll('.svc-endpoints .endpoint.ready').length === 3", timeout=30_000)
    screenshot(page, "01-demo-cluster")

    page.locator(f'.pod{WEB}[data-node="worker-2"]').click()
    assert page.locator(".inspect-title").text_content().startswith("Pod default/web-")
    assert page.locator(".verdicts tr.chosen td").first.text_content() == "worker-2"
    yaml_text = page.locator(".inspect-title ~ details.yaml pre").text_content()
    assert "nodeName: worker-2" in yaml_text and "managedFields" not in yaml_text  # as kubectl get -o yaml
    screenshot(page, "02-inspector-scheduler-verdicts")


def test_an_admin_edit_shows_in_the_diagram_within_a_second(page, browser, lab_server):
    open_demo(page, lab_server)
    admin = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    admin.goto(f"{lab_server.url}/admin/login/?next=/admin/lab/node/")
    admin.fill("#id_username", "admin")
    admin.fill("#id_password", ADMIN_PASSWORD)
    admin.click("input[type=submit]")
    admin.locator("tr", has_text="worker-1").locator("input[name=_selected_action]").check()
    admin.select_option("select[name=action]", "cordon")
    admin.click("button[name=index]")
    admin.wait_for_load_state()
    page.wait_for_function(
        "[...document.querySelectorAll('.node')].some(n => n.dataset.key === 'worker-1'"
        " && n.querySelector('.node-status').textContent.includes('SchedulingDisabled'))",
        timeout=1000,
    )
    # then the node lifecycle controller reacts to the cordon with its taint, on the control plane's next tick
    page.wait_for_function(
        "(document.querySelector('.node[data-key=\"worker-1\"] .taints title')?.textContent || '')"
        ".includes('node.kubernetes.io/unschedulable')"
    )
    screenshot(page, "03-admin-cordon-shown")
    admin.context.close()


def test_a_powered_off_nodes_pods_end_up_on_other_nodes(page, lab_server):
    open_demo(page, lab_server)
    page.wait_for_function(f"document.querySelectorAll('.pod.cat-ready{WEB}').length === 3", timeout=30_000)
    page.select_option("#speed", "100")
    page.wait_for_function("window.kubelab.store.clock.speed === 100")
    page.click("[data-tab=actions]")
    page.select_option("#action-node", "worker-1")
    page.click("button[data-request=power-off]")
    page.wait_for_function(
        "document.querySelector('.node[data-key=\"worker-1\"] .node-status').textContent.includes('powered off')"
    )
    page.wait_for_function(
        "document.querySelector('.node[data-key=\"worker-1\"] .node-status').textContent.includes('Unknown')",
        timeout=30_000,
    )
    screenshot(page, "04-node-unknown-tainted")
    page.wait_for_function(
        f"document.querySelectorAll('.pod.cat-ready{WEB}:not([data-node=\"worker-1\"])').length === 3", timeout=60_000
    )
    assert page.locator(f'.pod.cat-ready{WEB}[data-node="worker-1"]').count() == 0
    taints = page.locator('.node[data-key="worker-1"] .taints title').text_content()
    assert "node.kubernetes.io/unreachable:NoExecute" in taints
    page.click("[data-tab=events]")
    page.fill("#event-filter", "TaintManagerEviction")
    page.wait_for_function(
        "[...document.querySelectorAll('.event .reason')].map(r => r.textContent).join() === 'TaintManagerEviction'"
    )
    screenshot(page, "05-pods-replaced-on-healthy-nodes")


def test_pause_freezes_and_step_advances_one_happening(page, lab_server):
    open_demo(page, lab_server)
    page.click("#play-pause")
    page.wait_for_function("window.kubelab.store.clock.paused === true")
    frozen = page.evaluate("window.kubelab.store.clock.now")
    page.wait_for_timeout(1500)
    assert page.evaluate("window.kubelab.store.clock.now") == frozen
    assert page.locator("#sim-time").text_content().endswith("· paused")
    screenshot(page, "06-paused")

    before = page.evaluate("window.kubelab.store.clock")
    page.keyboard.press("s")
    page.wait_for_function(f"window.kubelab.store.clock.now > {before['now']}")
    after = page.evaluate("window.kubelab.store.clock")
    assert after["now"] == before["next_due"]
    page.wait_for_timeout(1000)
    assert page.evaluate("window.kubelab.store.clock.now") == after["now"]
    screenshot(page, "07-stepped")

    page.keyboard.press(" ")
    page.wait_for_function("window.kubelab.store.clock.paused === false")


def test_the_page_recovers_by_itself_after_a_server_restart(page, lab_server):
    open_demo(page, lab_server)
    lab_server.stop()
    page.wait_for_function("document.body.dataset.connection !== 'live'")
    screenshot(page, "08-server-gone")
    lab_server.start()
    page.wait_for_function(LIVE, timeout=30_000)
    page.click("[data-tab=actions]")
    page.select_option("#action-node", "worker-3")
    page.click("button[data-request=cordon]")
    page.wait_for_function(
        "document.querySelector('.node[data-key=\"worker-3\"] .node-status').textContent.includes('SchedulingDisabled')"
    )
    screenshot(page, "09-recovered-after-restart")


RC_SPEC = """\
replicas: 2
template:
  metadata:
    labels:
      app: legacy
  spec:
    containers:
    - name: nginx
      image: nginx:1.27
"""


def test_a_replication_controllers_pods_are_drawn_grouped_by_their_owner(page, browser, lab_server):
    open_demo(page, lab_server)
    admin = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    admin.goto(f"{lab_server.url}/admin/login/?next=/admin/lab/replicationcontroller/add/")
    admin.fill("#id_username", "admin")
    admin.fill("#id_password", ADMIN_PASSWORD)
    admin.click("input[type=submit]")
    admin.select_option("#id_cluster", label="demo")
    admin.fill("#id_name", "legacy")
    admin.fill("#id_namespace", "default")
    admin.fill("#id_spec", RC_SPEC)
    admin.click("input[name=_save]")
    admin.wait_for_load_state()
    admin.context.close()

    card = '.replicaset[data-kind="ReplicationController"][data-key="default/legacy"]'
    page.wait_for_function(f"document.querySelectorAll('{card} .mini.cat-ready').length === 2", timeout=30_000)
    assert page.locator(f"{card} .rs-count").text_content() == "2/2 ready"
    nodes = set(
        page.evaluate(
            "[...document.querySelectorAll('.pod.cat-ready')]"
            ".filter(chip => chip.dataset.key.startsWith('default/legacy-')).map(chip => chip.dataset.node)"
        )
    )
    assert nodes and nodes <= {"worker-1", "worker-2", "worker-3"}
    for node in nodes:
        # inside each node its pods share one row, labelled with their owner
        owners = page.locator(f'.node[data-key="{node}"] .group-label title').all_text_contents()
        assert "ReplicationController/legacy" in owners
    page.locator(card).click()
    assert page.locator(".inspect-title").text_content() == "ReplicationController default/legacy"
    screenshot(page, "10-replication-controller-pods-grouped")
