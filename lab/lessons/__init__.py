"""The course: lessons as data, in teaching order (see base.py for what a lesson is made of)."""

from . import (
    a_cluster_and_nodes,
    b_control_plane,
    c_node_failure,
    d_control_plane_ha,
    e_bin_packing,
    f_rolling_update,
    g_self_healing,
    h_services,
    i_config,
    j_cloud_nodes,
)
from .base import Checkpoint, ClusterState, Lesson, Question, Step

LESSONS: tuple[Lesson, ...] = tuple(
    module.LESSON
    for module in (
        a_cluster_and_nodes,
        b_control_plane,
        c_node_failure,
        d_control_plane_ha,
        e_bin_packing,
        f_rolling_update,
        g_self_healing,
        h_services,
        i_config,
        j_cloud_nodes,
    )
)
LESSONS_BY_SLUG = {lesson.slug: lesson for lesson in LESSONS}


def lesson_for(slug: str) -> Lesson | None:
    return LESSONS_BY_SLUG.get(slug)


__all__ = ["LESSONS", "LESSONS_BY_SLUG", "Checkpoint", "ClusterState", "Lesson", "Question", "Step", "lesson_for"]
