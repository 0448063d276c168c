"""What one person's classroom screen shows, rendered in their language: the single source for page and socket.

Everything comes from the database (classroom, lesson position, follow-me, answers), so a reload or a reconnect
shows exactly what was there before.
"""

from collections import Counter

from django.db.models import Count, Q

from lab.lessons import LESSONS, Lesson, Step, lesson_for
from lab.models import Cluster, proxy_for

from .models import Answer, Classroom, Student


def current_step(classroom: Classroom) -> tuple[Lesson | None, Step | None]:
    lesson = lesson_for(classroom.lesson)
    if lesson is None or not lesson.steps:
        return lesson, None
    return lesson, lesson.steps[min(classroom.step, len(lesson.steps) - 1)]


def _cluster(cluster: Cluster | None) -> dict | None:
    return None if cluster is None else {"id": cluster.pk, "name": cluster.name}


def _step(classroom: Classroom, lesson: Lesson, step: Step, instructor: bool) -> dict:
    question = None
    if step.question is not None:
        show_answer = classroom.revealed
        question = {
            "prompt": str(step.question.prompt),
            "choices": [{"value": value, "label": str(label)} for value, label in step.question.choices],
            "answer": step.question.answer if show_answer or instructor else None,
            "why": str(step.question.why) if show_answer or instructor else None,
            "revealed": show_answer,
        }
    return {
        "index": classroom.step,
        "count": len(lesson.steps),
        "title": str(step.title),
        "narration": str(step.narration),
        "action": str(step.action_label) if step.action else None,
        "goal": str(step.checkpoint.goal) if step.checkpoint else None,
        "question": question,
        "focus": list(step.focus) if step.focus else None,
    }


def tallies(classroom: Classroom) -> dict:
    """How the class answered the current step's question: {choice: count}, and how many answered of how many."""
    answers = Answer.objects.filter(student__classroom=classroom, lesson=classroom.lesson, step=classroom.step)
    counts = Counter(answers.values_list("choice", flat=True))
    return {"counts": dict(counts), "answered": sum(counts.values()), "students": classroom.students.count()}


def state_for(classroom: Classroom, student: Student | None) -> dict:
    """The screen of the classroom's instructor (student None) or of one of its students."""
    instructor = student is None
    lesson, step = current_step(classroom)
    spotlight_owner = (
        Student.objects.filter(classroom=classroom, sandbox_id=classroom.spotlight_id).first()
        if classroom.spotlight_id
        else None
    )
    state = {
        "type": "state",
        "role": "instructor" if instructor else "student",
        "classroom": {
            "id": classroom.pk,
            "name": classroom.name,
            "code": classroom.join_code,
            "follow_me": classroom.follow_me,
            "focus": classroom.focus,
            "demo": _cluster(classroom.demo_cluster),
            "spotlight": (
                {**_cluster(spotlight_owner.sandbox), "student": spotlight_owner.display_name}
                if spotlight_owner and spotlight_owner.sandbox
                else None
            ),
        },
        "lesson": None
        if lesson is None
        else {"slug": lesson.slug, "title": str(lesson.title), "summary": str(lesson.summary)},
        "step": None if step is None else _step(classroom, lesson, step, instructor),
    }
    if instructor:
        state["lessons"] = [{"slug": item.slug, "title": str(item.title)} for item in LESSONS]
        state["tallies"] = tallies(classroom)
    else:
        answer = Answer.objects.filter(student=student, lesson=classroom.lesson, step=classroom.step).first()
        state["me"] = {
            "id": student.pk,
            "name": student.display_name,
            "sandbox": _cluster(student.sandbox),
            "answer": answer.choice if answer else None,
            "passed": f"{classroom.lesson}:{classroom.step}" in (student.passed or []),
        }
    return state


def grid(classroom: Classroom) -> dict:
    """The instructor's live grid: every student's sandbox at a glance, from two aggregate queries."""
    students = list(classroom.students.select_related("sandbox"))
    sandbox_ids = [student.sandbox_id for student in students if student.sandbox_id]
    pods = {
        row["cluster_id"]: row
        for row in proxy_for("Pod")
        .objects.filter(cluster_id__in=sandbox_ids, deletion_timestamp__isnull=True)
        .values("cluster_id")
        .annotate(
            total=Count("pk"),
            running=Count("pk", filter=Q(manifest__status__phase="Running")),
            pending=Count("pk", filter=Q(manifest__status__phase="Pending")),
        )
    }
    clocks = dict(Cluster.objects.filter(pk__in=sandbox_ids).values_list("pk", "now"))
    key = f"{classroom.lesson}:{classroom.step}"
    cards = []
    for student in students:
        counts = pods.get(student.sandbox_id, {})
        cards.append(
            {
                "student": student.pk,
                "name": student.display_name,
                "sandbox": _cluster(student.sandbox),
                "pods": {name: counts.get(name, 0) for name in ("total", "running", "pending")},
                "now": clocks.get(student.sandbox_id),
                "passed": key in (student.passed or []),
            }
        )
    return {"type": "grid", "students": cards, "spotlight": classroom.spotlight_id}
