"""The two forms of the classroom's front door: a student joining, an instructor opening a classroom."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lab.lessons import LESSONS

from .models import JOIN_CODE_LENGTH, Classroom


class JoinForm(forms.Form):
    code = forms.CharField(label=_("Join code"), max_length=JOIN_CODE_LENGTH, min_length=JOIN_CODE_LENGTH)
    display_name = forms.CharField(label=_("Your name"), max_length=40)

    def clean_code(self):
        code = self.cleaned_data["code"].strip().upper()
        classroom = Classroom.objects.filter(join_code=code).first()
        if classroom is None:
            raise forms.ValidationError(
                _("No classroom has the code %(code)s. Check it with your instructor."), params={"code": code}
            )
        self.classroom = classroom
        return code

    def clean_display_name(self):
        name = " ".join(self.cleaned_data["display_name"].split())
        if not name:
            raise forms.ValidationError(_("Please enter the name the class will see."))
        return name


class NewClassroomForm(forms.Form):
    name = forms.CharField(label=_("Classroom name"), max_length=80)
    lesson = forms.ChoiceField(label=_("First lesson"), choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lesson"].choices = [(lesson.slug, lesson.title) for lesson in LESSONS]
