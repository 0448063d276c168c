"""The classroom's pages: the front door (join, or open a classroom) and the room itself.

Students have no account: joining stores their Student id in the session, so a reload or a new tab of the same
browser is the same student. Instructors are Django users with the `lab.teach_classroom` permission.
"""

from django.contrib.auth.decorators import permission_required
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lab.lessons import lesson_for

from .clusters import start_demo
from .forms import JoinForm, NewClassroomForm
from .models import TEACH_PERMISSION, Classroom, Student
from .permissions import STUDENT_SESSION_KEY, actor_for


def front_door(request):
    join_form = JoinForm(request.POST if request.method == "POST" else None, initial={"code": request.GET.get("code")})
    if request.method == "POST" and join_form.is_valid():
        return _join(request, join_form.classroom, join_form.cleaned_data["display_name"])
    actor = actor_for(request.user, request.session)
    context = {
        "join_form": join_form,
        "new_form": NewClassroomForm() if actor.is_instructor else None,
        "teaching": Classroom.objects.filter(instructor=request.user) if actor.is_instructor else [],
        "student": actor.student,
    }
    return render(request, "classroom/front_door.html", context)


def _join(request, classroom: Classroom, name: str):
    """The same browser joining again keeps its student (and sandbox); only the display name may change."""
    if not request.session.session_key:
        request.session.save()
    student = Student.objects.filter(classroom=classroom, session_key=request.session.session_key).first()
    if student is None:
        student = Student.objects.create(
            classroom=classroom, session_key=request.session.session_key, display_name=name
        )
    elif student.display_name != name:
        student.display_name = name
        student.save(update_fields=["display_name"])
    request.session[STUDENT_SESSION_KEY] = student.pk
    return HttpResponseRedirect(reverse("classroom-room", args=[classroom.join_code]))


@require_POST
@permission_required(TEACH_PERMISSION)
def new_classroom(request):
    form = NewClassroomForm(request.POST)
    if not form.is_valid():
        return render(request, "classroom/front_door.html", {"join_form": JoinForm(), "new_form": form}, status=400)
    classroom = Classroom.objects.create(name=form.cleaned_data["name"], instructor=request.user)
    start_demo(classroom, lesson_for(form.cleaned_data["lesson"]))
    return HttpResponseRedirect(reverse("classroom-room", args=[classroom.join_code]))


def room(request, code: str):
    classroom = get_object_or_404(Classroom, join_code=code.upper())
    actor = actor_for(request.user, request.session)
    if actor.student is not None and actor.student.classroom_id == classroom.pk:
        role = "student"
    elif actor.is_admin or (actor.is_instructor and classroom.instructor_id == request.user.pk):
        role = "instructor"
    else:
        return HttpResponseRedirect(f"{reverse('classroom')}?code={classroom.join_code}")
    return render(request, "classroom/room.html", {"classroom": classroom, "role": role, "texts": page_texts()})


def page_texts() -> dict:
    """The words the room's script shows, in the page's language (the script itself holds no text)."""
    return {
        "step": _("Step %(index)s of %(count)s"),
        "run": _("Run this step's action"),
        # A student's button acts on their own sandbox, whichever cluster they are looking at.
        "runInSandbox": _("Run this step's action in my sandbox"),
        "check": _("Check my sandbox"),
        "goal": _("Checkpoint"),
        "passed": _("Checkpoint reached"),
        "notYet": _("Not yet: keep going, then check again."),
        "needSandbox": _("Open your sandbox to work on this checkpoint."),
        "autoCheck": _("Checked by itself whenever your sandbox changes."),
        "predict": _("Predict"),
        "yourAnswer": _("Your prediction: %(answer)s"),
        "answer": _("Answer: %(answer)s"),
        "reveal": _("Reveal the answer"),
        "hide": _("Hide the answer"),
        "answered": _("%(answered)s of %(students)s answered"),
        "live": _("● live"),
        "connecting": _("connecting…"),
        "offline": _("○ offline, retrying"),
        "spotlight": _("Put on everyone's screen"),
        "unspotlight": _("Take it off"),
        "noSandbox": _("no sandbox yet"),
        "pods": _("%(running)s running · %(pending)s pending"),
        "resetSandbox": _("Reset my sandbox"),
        "done": _("Done"),
        "refused": _("Refused"),
        "following": _("Following the instructor"),
        "noStudents": _("No student has joined yet. Share the code."),
    }
