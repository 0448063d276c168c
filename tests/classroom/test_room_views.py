"""The instructor's room in chromium: signed in as a non-staff instructor, one view of the stage at a time."""

import os
import subprocess
import sys

import pytest

from tests.livelab import REPO, screenshot

pytestmark = pytest.mark.browser
WAIT = 30_000
PASSWORD = "Teach-a-class-42!"
MAKE_INSTRUCTOR = (
    "from django.contrib.auth.models import Permission, User\n"
    f"user = User.objects.create_user('sensei', password='{PASSWORD}')\n"
    "user.user_permissions.add(Permission.objects.get(codename='teach_classroom'))\n"
)


def make_instructor(server):
    env = {**os.environ, "KUBELAB_VAR_DIR": str(server.var_dir)}
    subprocess.run([sys.executable, "manage.py", "shell", "-c", MAKE_INSTRUCTOR], cwd=REPO, env=env, check=True)


# The label's words (its first line of text) and its control overlap vertically: they are on one line.
SHARES_A_LINE_WITH_ITS_WORDS = """(selector) => {
    const control = document.querySelector(selector);
    const words = [...control.closest('label').childNodes].find((node) => node.nodeType === 3 && node.textContent.trim());
    const range = document.createRange();
    range.selectNodeContents(words);
    const line = range.getClientRects()[0];
    const box = control.getBoundingClientRect();
    return line.top < box.bottom && box.top < line.bottom;
}"""


def box(page, selector):
    return page.locator(selector).bounding_box()


def topbar_spills(frame) -> list[str]:
    """The cluster page's top-bar items drawn past the frame's right edge or off the bar's single 48px row."""
    return frame.evaluate(
        """() => [...document.querySelectorAll('.topbar > *, .topbar button, .topbar select')]
            .filter((item) => item.offsetParent !== null)
            .filter((item) => { const r = item.getBoundingClientRect(); return r.right > innerWidth || r.bottom > 48; })
            .map((item) => item.id || item.className)"""
    )


def test_the_class_cluster_fills_the_stage_with_its_whole_bar_until_the_instructor_shows_the_students(
    browser, lab_server
):
    make_instructor(lab_server)
    page = browser.new_context(viewport={"width": 1280, "height": 720}, locale="ja").new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{lab_server.url}/classroom/")
    page.click("a[href^='/signin/']")
    page.fill("#id_username", "sensei")
    page.fill("#id_password", PASSWORD)
    page.click("#signin-form button[type=submit]")
    page.fill("#id_name", "Kubernetes 101")
    page.select_option("#id_lesson", "node-failure")
    page.click("#new-classroom-form button[type=submit]")
    page.wait_for_function("window.kubelabClassroom && window.kubelabClassroom.state", timeout=WAIT)

    # The instructor's controls stay inside the lesson pane, each checkbox and select beside its words.
    assert (
        page.evaluate(
            """() => { const pane = document.querySelector('.lesson-pane').getBoundingClientRect();
            return [...document.querySelectorAll('.lesson-pane *')]
                .filter((item) => item.getBoundingClientRect().right > pane.right + 1).map((item) => item.id || item.tagName); }"""
        )
        == []
    )
    for control in ("#follow-me", "#lesson-select"):
        assert page.evaluate(SHARES_A_LINE_WITH_ITS_WORDS, control), f"{control} sits on a line of its own"

    # The class cluster's view: the frame reaches the bottom of the window; the students' grid takes no room.
    assert page.locator("#grid").is_hidden()
    frame = box(page, "#cluster-frame")
    assert frame["y"] + frame["height"] == pytest.approx(720, abs=2)
    # In the frame, narrower than the window, the cluster page's bar keeps every control on screen, in Japanese too.
    cluster = page.frame(url=lambda url: "/clusters/" in url)
    cluster.wait_for_selector("#api-status.up", timeout=WAIT)
    assert topbar_spills(cluster) == []
    assert cluster.locator(".topbar .language-switcher").is_hidden()  # the room has its own
    screenshot(page, "classroom-room-class-cluster")

    page.click("[data-view=grid]")
    page.wait_for_selector("#grid .hint", timeout=WAIT)
    assert page.locator("#cluster-frame").is_hidden()
    grid = box(page, "#grid")
    assert grid["y"] + grid["height"] == pytest.approx(720, abs=2)

    page.click("[data-view=demo]")
    assert page.locator("#grid").is_hidden()

    # A step's action runs on the class cluster for the instructor, on a student's own sandbox for the student:
    # the button says which, whatever cluster the student is looking at.
    student = browser.new_context(viewport={"width": 1280, "height": 720}, locale="ja").new_page()
    student.goto(f"{lab_server.url}/classroom/?code={page.text_content('#join-code')}")
    student.fill("#id_display_name", "さくら")
    student.click("#join-form button[type=submit]")
    student.wait_for_function("window.kubelabClassroom && window.kubelabClassroom.state", timeout=WAIT)
    page.click("#next-step")
    assert page.text_content("#run-action") == "このステップの操作を実行: worker-2 の電源を切る"
    student.wait_for_selector("#run-action", timeout=WAIT)
    assert (
        student.text_content("#run-action") == "このステップの操作を自分のサンドボックスで実行: worker-2 の電源を切る"
    )
    student.context.close()
    assert errors == []
