"""Judging a student's checkpoint: the one place that decides, for the Check button and for the automatic check.

A checkpoint is judged on the student's sandbox as it is in the database, for the step the classroom is on now. A
pass is recorded once, as "lesson:step" in the student's `passed` list, so a reload or the instructor's grid shows
it; a later change that undoes the state does not take a reached checkpoint away.
"""

from dataclasses import dataclass

from cluster_engine.api import errors
from lab.lessons.base import ClusterState

from .clusters import cluster_objects_by_kind
from .models import Student
from .room import current_step


@dataclass(frozen=True)
class Verdict:
    passed: bool
    newly: bool  # reached by this judgement: the student's screens and the instructor's grid must hear of it


def judge(student_id: int) -> Verdict:
    """Judge the current step's checkpoint on the student's sandbox; 400 when there is nothing to judge."""
    student = Student.objects.select_related("classroom", "sandbox").get(pk=student_id)
    _lesson, current = current_step(student.classroom)
    if current is None or current.checkpoint is None:
        raise errors.bad_request("this step has no checkpoint")
    if student.sandbox is None:
        raise errors.bad_request("open your sandbox first: checkpoints are checked there")
    key = f"{student.classroom.lesson}:{student.classroom.step}"
    if key in student.passed:
        return Verdict(passed=True, newly=False)
    if not current.checkpoint.check(ClusterState(cluster_objects_by_kind(student.sandbox))):
        return Verdict(passed=False, newly=False)
    student.passed = [*student.passed, key]
    student.save(update_fields=["passed"])
    return Verdict(passed=True, newly=True)


def judge_if_due(student_id: int) -> Verdict | None:
    """`judge` when the current step has a checkpoint and the student a sandbox; None otherwise (nothing to do)."""
    student = Student.objects.select_related("classroom").get(pk=student_id)
    _lesson, current = current_step(student.classroom)
    if current is None or current.checkpoint is None or student.sandbox_id is None:
        return None
    return judge(student_id)
