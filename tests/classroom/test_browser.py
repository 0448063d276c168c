"""The classroom in chromium: an instructor and students, each in their own browser context, on a live lab."""

import pytest

from tests.livelab import ADMIN_PASSWORD, screenshot

pytestmark = pytest.mark.browser
WAIT = 30_000


def new_page(browser, locale="en-US"):
    context = browser.new_context(viewport={"width": 1400, "height": 820}, locale=locale)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


def open_classroom(page, server, lesson):
    page.goto(f"{server.url}/admin/login/?next=/classroom/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", ADMIN_PASSWORD)
    page.click("input[type=submit]")
    page.fill("#id_name", "Kubernetes 101")
    page.select_option("#id_lesson", lesson)
    page.click("#new-classroom-form button[type=submit]")
    page.wait_for_function("window.kubelabClassroom && window.kubelabClassroom.state", timeout=WAIT)
    return page.text_content("#join-code")


def join(page, server, code, name):
    page.goto(f"{server.url}/classroom/?code={code}")
    page.fill("#id_display_name", name)
    page.click("#join-form button[type=submit]")
    page.wait_for_function("window.kubelabClassroom && window.kubelabClassroom.state", timeout=WAIT)


def diagram(page):
    """The live cluster page inside the room, once its store has listed."""
    frame = page.frame_locator("#cluster-frame")
    frame.locator(".node").first.wait_for(timeout=WAIT)
    return page.frame(url=lambda url: "/clusters/" in url)


def test_a_classroom_end_to_end(browser, lab_server):
    teacher = new_page(browser)
    code = open_classroom(teacher, lab_server, "cluster-and-nodes")
    students = [new_page(browser), new_page(browser)]
    for page, name in zip(students, ("Aiko", "Ben"), strict=True):
        join(page, lab_server, code, name)
    teacher_frame = diagram(teacher)
    student_frames = [diagram(page) for page in students]

    # The instructor powers off a node: every student's view shows it.
    teacher_frame.evaluate("window.kubelab.connection.request({action: 'power', node: 'worker-2', state: 'off'})")
    for frame in student_frames:
        frame.wait_for_selector('.node.off[data-key="worker-2"]', timeout=WAIT)
    screenshot(students[0], "classroom-01-student-sees-node-off")

    # Follow me: the instructor's selection, pause and step reach the students.
    teacher_frame.click('.node[data-key="worker-1"]')
    for frame in student_frames:
        frame.wait_for_function("document.querySelector('#inspector').textContent.includes('worker-1')", timeout=WAIT)
    teacher.click("#demo-pause")
    for frame in student_frames:
        frame.wait_for_function("window.kubelab.store.clock.paused === true", timeout=WAIT)
        assert "paused" in frame.text_content("#sim-time")
    frozen = [frame.evaluate("window.kubelab.store.clock.now") for frame in student_frames]
    teacher.click("#demo-step")
    for frame, before in zip(student_frames, frozen, strict=True):
        frame.wait_for_function(f"window.kubelab.store.clock.now > {before}", timeout=WAIT)
    stepped = [frame.evaluate("window.kubelab.store.clock.now") for frame in student_frames]
    assert stepped[0] == stepped[1]
    screenshot(students[1], "classroom-02-following-paused-and-stepped")

    # A student's forbidden action is refused and changes nothing.
    refusal = student_frames[0].evaluate(
        "window.kubelab.connection.request({action: 'scale', name: 'web', replicas: 9}).then(() => null, (s) => s)"
    )
    assert refusal["code"] == 403
    assert "the class demo cluster is the instructor's" in refusal["message"]
    student_frames[0].click("[data-tab=actions]")
    assert teacher_frame.evaluate("window.kubelab.store.get('Deployment', 'default/web').spec.replicas") == 3

    # The checkpoint passes only once its state is reached in the student's sandbox.
    aiko = students[0]
    teacher.click("#next-step")
    teacher.click("#next-step")
    aiko.wait_for_selector("#checkpoint:not([hidden])", timeout=WAIT)
    aiko.click("#open-sandbox")
    aiko.wait_for_function("window.kubelabClassroom.state.me.sandbox !== null", timeout=WAIT)
    name = aiko.evaluate("window.kubelabClassroom.state.me.sandbox.name")
    aiko.wait_for_function(f"document.querySelector('#cluster-frame').src.endsWith('/clusters/{name}/')")
    aiko.frame_locator("#cluster-frame").locator('.pod.cat-ready[data-key^="default/web-"]').nth(2).wait_for(
        timeout=WAIT
    )
    sandbox_frame = aiko.frame(url=lambda url: url.endswith(f"/clusters/{name}/"))
    aiko.click("#check")
    aiko.wait_for_function("document.querySelector('#checkpoint-status').textContent.includes('Not yet')")
    sandbox_frame.evaluate("window.kubelab.connection.request({action: 'clock', speed: 20})")  # her own: allowed
    aiko.click("#run-action")
    # Nobody presses Check again: the checkpoint judges itself as the sandbox reaches five ready pods.
    aiko.wait_for_selector("#checkpoint-status.passed", timeout=WAIT)
    sandbox_frame.wait_for_function(  # web's pods, beside the node agents' DaemonSet pods
        "document.querySelectorAll('.pod.cat-ready[data-key^=\"default/web-\"]').length === 5", timeout=WAIT
    )
    teacher.click("[data-view=grid]")
    teacher.wait_for_selector(".sandbox-card.passed", timeout=WAIT)
    screenshot(aiko, "classroom-03-checkpoint-reached")
    screenshot(teacher, "classroom-04-instructor-grid")

    for page in [teacher, *students]:
        assert page.errors == []
        page.context.close()


def test_the_japanese_classroom(browser, lab_server):
    teacher = new_page(browser)
    code = open_classroom(teacher, lab_server, "node-failure")
    student = new_page(browser, locale="ja-JP")
    student.goto(f"{lab_server.url}/classroom/?code={code}")
    assert student.text_content("h2") == "クラスに参加"
    student.fill("#id_display_name", "さくら")
    student.click("#join-form button[type=submit]")
    student.wait_for_selector(".step-title", timeout=WAIT)
    assert student.text_content(".lesson-title") == "ワーカー ノードの障害"
    assert student.text_content(".step-title") == "ワーカーに分散したポッド"
    assert "予想しよう" in student.text_content("#question")
    student.click("button.choice[data-choice='350s']")
    teacher.wait_for_function("document.querySelector('.tally[data-choice=\"350s\"]').textContent === '1'")
    diagram(student)
    screenshot(student, "classroom-05-japanese")
    # switching the language back to English for this browser
    student.select_option(".language-switcher select", "en")
    student.wait_for_selector("text=A worker node fails", timeout=WAIT)
    assert student.errors == [] and teacher.errors == []


def test_reloads_lose_nothing(browser, lab_server):
    teacher = new_page(browser)
    code = open_classroom(teacher, lab_server, "node-failure")
    student = new_page(browser)
    join(student, lab_server, code, "Aiko")
    student.click("button.choice[data-choice='350s']")
    student.wait_for_selector("button.choice.chosen[data-choice='350s']", timeout=WAIT)
    student.click("#open-sandbox")
    student.wait_for_function("window.kubelabClassroom.state.me.sandbox !== null", timeout=WAIT)
    sandbox = student.evaluate("window.kubelabClassroom.state.me.sandbox.name")
    student.wait_for_function(f"document.querySelector('#cluster-frame').src.endsWith('/clusters/{sandbox}/')")

    # The student reloads mid-lesson: same step, same prediction, same sandbox, still looking at it.
    student.reload()
    student.wait_for_function("window.kubelabClassroom && window.kubelabClassroom.state", timeout=WAIT)
    assert student.text_content(".step-title") == "Pods spread over the workers"
    assert student.evaluate("window.kubelabClassroom.state.me.answer") == "350s"
    student.wait_for_selector("button.choice.chosen[data-choice='350s']", timeout=WAIT)
    assert student.evaluate("window.kubelabClassroom.state.me.sandbox.name") == sandbox
    student.wait_for_function(f"document.querySelector('#cluster-frame').src.endsWith('/clusters/{sandbox}/')")
    assert student.get_attribute('[data-view="sandbox"]', "aria-selected") == "true"

    # The instructor moves on (which points at the step's object), selects a node, turns follow me off, then reloads: all of it is still there.
    teacher.click("#next-step")
    teacher.wait_for_function("window.kubelabClassroom.state.step.index === 1", timeout=WAIT)
    diagram(teacher).click('.node[data-key="worker-3"]')
    teacher.wait_for_function("window.kubelabClassroom.state.classroom.focus?.key === 'worker-3'", timeout=WAIT)
    teacher.uncheck("#follow-me")
    teacher.wait_for_function("window.kubelabClassroom.state.classroom.follow_me === false", timeout=WAIT)
    student.wait_for_function("window.kubelabClassroom.state.classroom.follow_me === false", timeout=WAIT)
    student.click('[data-view="sandbox"]')
    teacher.reload()
    teacher.wait_for_function("window.kubelabClassroom && window.kubelabClassroom.state", timeout=WAIT)
    assert teacher.text_content(".step-title") == "Power off worker-2"
    assert teacher.is_checked("#follow-me") is False
    assert teacher.evaluate("window.kubelabClassroom.state.classroom.focus") == {"kind": "Node", "key": "worker-3"}
    diagram(teacher).wait_for_function(
        "document.querySelector('#inspector').textContent.includes('worker-3')", timeout=WAIT
    )
    # Follow me is still off after the instructor's reload: stepping back does not pull the student off her sandbox.
    teacher.click("#prev-step")
    student.wait_for_function("window.kubelabClassroom.state.step.index === 0", timeout=WAIT)
    assert student.get_attribute('[data-view="sandbox"]', "aria-selected") == "true"
    for page in (teacher, student):
        assert page.errors == []
        page.context.close()
