"""The import form: a snapshot file or a library scenario, and the new cluster's name."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .library import SCENARIOS
from .reading import CLUSTER_NAME_LIMIT, MAX_SNAPSHOT_BYTES


class ImportForm(forms.Form):
    name = forms.CharField(label=_("New cluster's name"), max_length=CLUSTER_NAME_LIMIT)
    snapshot = forms.FileField(label=_("Snapshot file"), required=False)
    scenario = forms.ChoiceField(
        label=_("Or a prepared scenario"),
        required=False,
        choices=[("", "—")] + [(s.slug, f"{s.title}: {s.description}") for s in SCENARIOS],
    )

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("snapshot")) == bool(cleaned.get("scenario")):
            raise forms.ValidationError(_("Choose a snapshot file or a prepared scenario (one of them)."))
        return cleaned

    def content(self) -> bytes | str:
        """The snapshot's text; a file past the limit is read only to one byte beyond it, which the import refuses."""
        if self.cleaned_data.get("scenario"):
            return next(s for s in SCENARIOS if s.slug == self.cleaned_data["scenario"]).read()
        return self.cleaned_data["snapshot"].read(MAX_SNAPSHOT_BYTES + 1)
