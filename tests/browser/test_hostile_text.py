"""Text a hostile student or client controls is shown as text, never run: annotations, images, event reasons and
messages, explanations, user agents, classroom and student names carry HTML payloads (object names, labels and
container names cannot: Kubernetes restricts them to DNS names and label values), and every page that shows them,
the cluster page's panels, the admin's lists and forms and the classroom's rooms, must neither run nor build them."""

import pytest

from tests.livelab import ADMIN_PASSWORD
from tests.reliability.conftest import kube_api

pytestmark = pytest.mark.browser
WAIT = 30_000
LIVE = "document.body.dataset.connection === 'live'"

# Each payload would set window.__xss if a page parsed it as HTML; both fit a student's 40-character display name.
IMG = "<img src=x onerror=window.__xss=1>"
SCRIPT = '"><script>window.__xss=2</script>'
SVG = "'><svg onload=window.__xss=3>"
HOSTILE = {"kubelab.io/img": IMG, "kubelab.io/script": SCRIPT, "kubelab.io/svg": SVG}
INERT = """() => ({
  ran: window.__xss,
  built: document.querySelectorAll('img[src="x"], svg[onload], [onerror], [onload]').length,
  scripts: [...document.scripts].filter((script) => script.textContent.includes("__xss")).length,
})"""


def assert_inert(frame, where: str) -> None:
    assert frame.evaluate(INERT) == {"ran": None, "built": 0, "scripts": 0}, where


def hostile_session(kube):
    """A client whose user agent carries a payload (the page's request feed shows it)."""
    session = kube.session()
    session.headers["User-Agent"] = f"kubectl/{IMG}"
    return session


def hostile_objects(kube) -> None:
    """A Deployment, its Service, a Node, an Event and a traffic client whose free-text fields carry the payloads."""
    session = hostile_session(kube)
    labels = {"app": "xss"}
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "xss", "annotations": HOSTILE},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels, "annotations": HOSTILE},
                "spec": {"containers": [{"name": "web", "image": f"nginx{SCRIPT}"}]},
            },
        },
    }
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "xss", "annotations": HOSTILE},
        "spec": {"selector": labels, "ports": [{"port": 80}]},
    }
    node = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "worker-xss", "annotations": HOSTILE}}
    event = {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {
            "name": "xss.1",
            "annotations": {"kubelab.io/explanation": SVG},
        },
        "involvedObject": {"kind": "Deployment", "namespace": "default", "name": "xss", "apiVersion": "apps/v1"},
        "reason": SCRIPT,
        "message": IMG,
        "type": "Warning",
        "source": {"component": SVG},
    }
    traffic = {  # a traffic client of a Service no DNS name can match: the meter names it all the same
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "traffic-xss", "labels": {"kubelab.io/traffic": "client"}},
        "data": {"service": IMG, "rate": "5", "via": "ClusterIP"},
    }
    for path, body in (
        ("/api/v1/namespaces/default/configmaps", traffic),
        ("/apis/apps/v1/namespaces/default/deployments", deployment),
        ("/api/v1/namespaces/default/services", service),
        ("/api/v1/nodes", node),
        ("/api/v1/namespaces/default/events", event),
    ):
        answer = session.post(f"{kube.api}{path}", json=body)
        assert answer.status_code == 201, answer.text


def sign_in(page, server, next_url: str) -> None:
    page.goto(f"{server.url}/admin/login/?next={next_url}")
    page.fill("#id_username", "admin")
    page.fill("#id_password", ADMIN_PASSWORD)
    page.click("input[type=submit]")


def new_page(browser):
    page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


def test_the_cluster_page_shows_hostile_text_as_text(browser, lab_server):
    kube = kube_api(lab_server)
    hostile_objects(kube)
    page = new_page(browser)
    page.goto(f"{lab_server.url}/clusters/demo/")
    page.wait_for_function(LIVE)
    assert hostile_session(kube).get(f"{kube.api}/api/v1/namespaces/default/pods").ok
    page.wait_for_function(
        "document.querySelectorAll('.pod[data-key^=\"default/xss-\"]').length === 1"
        " && document.querySelector('.node[data-key=\"worker-xss\"]') !== null",
        timeout=WAIT,
    )
    assert_inert(page, "diagram")
    page.fill("#event-filter", "__xss")
    page.wait_for_selector(".event .reason", timeout=WAIT)
    event = page.locator(".event").filter(has=page.locator(".reason", has_text=SCRIPT))
    assert IMG in event.text_content() and SVG in event.text_content()
    pulling = page.locator(".event").filter(has=page.locator(".reason", has_text="Pulling")).first
    assert f'Pulling image "nginx{SCRIPT}"' in pulling.text_content()
    page.wait_for_selector("#request-feed .request", timeout=WAIT)
    assert IMG in page.locator("#request-feed .request").first.get_attribute("title")
    page.wait_for_selector(".traffic-meter", timeout=WAIT)
    assert IMG in page.locator(".traffic-meter").first.text_content()
    assert_inert(page, "diagram, timeline, traffic and request feed")

    for kind, key in (
        ("Deployment", "default/xss"),
        ("Service", "default/xss"),
        ("Node", "worker-xss"),
        ("Pod", page.evaluate("window.kubelab.store.list('Pod').find((p) => p.metadata.name.startsWith('xss-'))")),
    ):
        key = key if isinstance(key, str) else f"default/{key['metadata']['name']}"
        page.locator(f'[data-kind="{kind}"][data-key="{key}"]').first.click()
        yaml_text = page.locator("#inspector details.yaml pre").text_content()
        assert all(payload in yaml_text for payload in (IMG, SVG)), kind
        assert_inert(page, f"inspector of {kind} {key}")
    for tab in ("events", "inspector", "actions"):
        page.click(f"[data-tab={tab}]")
        assert_inert(page, f"{tab} tab")
    assert page.errors == []
    page.context.close()


def test_the_admin_shows_hostile_text_as_text(browser, lab_server):
    hostile_objects(kube_api(lab_server))
    page = new_page(browser)
    sign_in(page, lab_server, "/admin/")
    for model, name in (("deployment", "xss"), ("service", "xss"), ("node", "worker-xss"), ("event", "xss.1")):
        # Events list newest first, a hundred a page: the search keeps ours, which has no time, on the page.
        page.goto(f"{lab_server.url}/admin/lab/{model}/" + ("?q=xss" if model == "event" else ""))
        assert_inert(page, f"{model} list")
        if model == "event":
            row = page.locator("#result_list tr", has_text="onerror")
            assert IMG in row.text_content() and SCRIPT in row.text_content()
            row.locator("th a, td a").first.click()
        else:
            page.locator("#result_list a", has_text=name).first.click()
        page.wait_for_selector("textarea")
        forms = "".join(area.input_value() for area in page.locator("textarea").all())
        assert IMG in forms, model
        assert_inert(page, f"{model} {name} change form")
    assert page.errors == []
    page.context.close()


def test_the_classroom_shows_hostile_names_as_text(browser, lab_server):
    teacher = new_page(browser)
    sign_in(teacher, lab_server, "/classroom/")
    teacher.fill("#id_name", IMG)
    teacher.select_option("#id_lesson", "cluster-and-nodes")
    teacher.click("#new-classroom-form button[type=submit]")
    teacher.wait_for_function("window.kubelabClassroom && window.kubelabClassroom.state", timeout=WAIT)
    code = teacher.text_content("#join-code")

    student = new_page(browser)
    student.goto(f"{lab_server.url}/classroom/?code={code}")
    student.fill("#id_display_name", SCRIPT)
    student.click("#join-form button[type=submit]")
    student.wait_for_function("window.kubelabClassroom && window.kubelabClassroom.state", timeout=WAIT)
    student.click("#open-sandbox")
    student.wait_for_function("window.kubelabClassroom.state.me.sandbox !== null", timeout=WAIT)
    assert IMG in student.locator("body").text_content()
    assert_inert(student, "the student's room")

    teacher.click("[data-view=grid]")
    teacher.wait_for_selector(".sandbox-card", timeout=WAIT)
    assert SCRIPT in teacher.locator(".sandbox-card").first.text_content()
    assert IMG in teacher.locator("body").text_content()
    assert_inert(teacher, "the instructor's room and grid")
    teacher.goto(f"{lab_server.url}/classroom/")
    assert IMG in teacher.locator("body").text_content()
    assert_inert(teacher, "the instructor's list of classrooms")
    for page in (teacher, student):
        assert page.errors == []
        page.context.close()
