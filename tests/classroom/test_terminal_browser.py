"""The kubectl terminal in a classroom, in chromium: the instructor's command on the class demo appears, with its
output, on a student's page beside the diagram it changes; the student's own kubectl there is refused by the API
server (a view token: kubectl's real Forbidden), and in their sandbox it acts."""

import pytest

from tests.classroom.test_browser import WAIT, diagram, join, new_page, open_classroom
from tests.livelab import screenshot

pytestmark = pytest.mark.browser
TEXT = "window.kubelabTerminal.text()"
PROMPT_READY = f"{TEXT}.trimEnd().endsWith('\\n$')"


def open_terminal(page, frame):
    frame.click("#terminal-toggle")
    frame.wait_for_function(f"{TEXT}.includes('Try: kubectl get nodes')", timeout=WAIT)


def type_line(page, line: str) -> None:
    page.keyboard.type(line)
    page.keyboard.press("Enter")


def test_the_class_sees_the_instructors_commands_and_students_only_view_the_demo(browser, lab_server):
    teacher = new_page(browser)
    code = open_classroom(teacher, lab_server, "cluster-and-nodes")
    student = new_page(browser)
    join(student, lab_server, code, "Aiko")
    teacher_frame, student_frame = diagram(teacher), diagram(student)
    open_terminal(teacher, teacher_frame)
    student_frame.wait_for_function(f"{TEXT}.includes('Try: kubectl get nodes')", timeout=WAIT)
    assert student_frame.text_content("#terminal-role").endswith("read-only (view)")
    assert student_frame.is_hidden("#terminal-body")

    type_line(teacher, "kubectl scale deployment web --replicas=5")
    teacher_frame.wait_for_function(f"{TEXT}.includes('deployment.apps/web scaled') && {PROMPT_READY}", timeout=WAIT)
    student_frame.wait_for_function(
        f"{TEXT}.includes('admin$ kubectl scale deployment web --replicas=5') && {TEXT}.includes('deployment.apps/web scaled')",
        timeout=WAIT,
    )
    student_frame.wait_for_function(
        "document.querySelectorAll('.pod.cat-ready[data-key^=\"default/web-\"]').length === 5", timeout=60_000
    )
    assert student_frame.is_visible("#terminal-body")  # the drawer opened by itself to show the command
    screenshot(student, "terminal-classroom-01-student-sees-the-instructors-command")
    student_frame.evaluate("window.kubelabTerminal.session.term.focus()")

    type_line(student, "kubectl scale deployment web --replicas=1")
    student_frame.wait_for_function(f"{TEXT}.includes('Error from server (Forbidden)')", timeout=WAIT)
    assert (
        'deployments.apps "web" is forbidden: User "system:serviceaccount:default:kubelab-student" cannot patch '
        'resource "deployments/scale"' in student_frame.evaluate(TEXT).replace("\n", "")
    )
    teacher_frame.wait_for_function(f"!{TEXT}.includes('Forbidden')")  # a student's command is theirs alone
    assert student.errors == [] and teacher.errors == []
