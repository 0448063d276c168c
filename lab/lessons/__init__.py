"""The course: lessons as data, in teaching order (see base.py for what a lesson is made of)."""

import importlib
import pkgutil
import re

from .base import Checkpoint, ClusterState, Lesson, Question, Step

# One module per lesson, named a_..., b_..., ... so that file order is teaching order.
LESSONS: tuple[Lesson, ...] = tuple(
    importlib.import_module(f"{__name__}.{module.name}").LESSON
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda module: module.name)
    if re.fullmatch(r"[a-z]_\w+", module.name)
)
LESSONS_BY_SLUG = {lesson.slug: lesson for lesson in LESSONS}


def lesson_for(slug: str) -> Lesson | None:
    return LESSONS_BY_SLUG.get(slug)


__all__ = ["LESSONS", "LESSONS_BY_SLUG", "Checkpoint", "ClusterState", "Lesson", "Question", "Step", "lesson_for"]
