"""Classrooms, the students in them (no account: a session and a display name) and their answers.

The models belong to the `lab` app (lab/models imports them), so their table names and migrations live with the
rest of the lab's.
"""

import secrets

from django.conf import settings
from django.db import models

from lab.models.cluster import Cluster

# No 0/O or 1/I/L: a code read aloud or copied from a projector survives.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6
TEACH_PERMISSION = "lab.teach_classroom"


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


class Classroom(models.Model):
    name = models.CharField(max_length=80)
    join_code = models.CharField(max_length=JOIN_CODE_LENGTH, unique=True, default=new_join_code)
    instructor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="classrooms")
    demo_cluster = models.ForeignKey(Cluster, null=True, on_delete=models.SET_NULL, related_name="+")
    lesson = models.CharField(max_length=63, blank=True, default="")
    step = models.PositiveIntegerField(default=0)
    # Follow me: the students' screens track the instructor's step, selection and spotlight.
    follow_me = models.BooleanField(default=True)
    focus = models.JSONField(null=True, blank=True, help_text='The object the instructor selected: {"kind", "key"}.')
    spotlight = models.ForeignKey(Cluster, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revealed = models.BooleanField(default=False, help_text="Whether the current question's answer is shown.")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "lab"
        ordering = ["-created"]
        permissions = [("teach_classroom", "Can run a classroom")]

    def __str__(self) -> str:
        return f"{self.name} ({self.join_code})"


class Student(models.Model):
    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="students")
    session_key = models.CharField(max_length=40)
    display_name = models.CharField(max_length=40)
    sandbox = models.ForeignKey(Cluster, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    passed = models.JSONField(default=list, blank=True, help_text='Checkpoints reached, as "lesson:step".')
    joined = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "lab"
        ordering = ["display_name", "pk"]

    def __str__(self) -> str:
        return self.display_name


class Answer(models.Model):
    """A student's prediction for one step's question; answering again replaces it."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="answers")
    lesson = models.CharField(max_length=63)
    step = models.PositiveIntegerField()
    choice = models.CharField(max_length=63)
    answered = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "lab"
        constraints = [
            models.UniqueConstraint(fields=["student", "lesson", "step"], name="lab_answer_one_per_step"),
        ]

    def __str__(self) -> str:
        return f"{self.student}: {self.lesson} step {self.step} → {self.choice}"
