"""The admin's object form: the editable parts of an object as YAML, saved through the API server.

Saving builds the object the user sees (labels, annotations, spec and the kind's own fields) on top of the version
the form was opened at, and asks the API server to write it. The API server decides: a stale form gets the upstream
409 conflict, an invalid value gets each 422 cause on the field it belongs to, and in both cases nothing is saved.
"""

import copy

import yaml
from django import forms

from cluster_engine.api import documents
from cluster_engine.api.errors import ApiError
from cluster_engine.api.kinds import kind_named
from cluster_engine.api.schema import KIND_SCHEMAS

from ..apiserver import api_server_for
from ..models import Cluster, KubeObject
from ..serializers import to_kube

METADATA_FIELDS = ("labels", "annotations")
# Every object's type and metadata fields, which the form edits apart from (or not at all) its body.
TYPE_META = ("apiVersion", "kind", "metadata")
# Managed by the API server through subresources, never through the object's form.
READ_ONLY_BODY = ("status",)


class YamlField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 8, "cols": 100, "class": "kubelab-yaml", "spellcheck": "false"})

    def __init__(self, **kwargs):
        super().__init__(required=False, strip=False, **kwargs)

    def prepare_value(self, value):
        if value is None or isinstance(value, str):
            return value
        return yaml.safe_dump(value, sort_keys=False, default_flow_style=False, allow_unicode=True)

    def to_python(self, value):
        text = super().to_python(value)
        if not text.strip():
            return None
        try:
            return documents.load_yaml(text)
        except yaml.YAMLError as error:
            raise forms.ValidationError(f"This is not valid YAML: {error}") from None


def editable_body(model: type[KubeObject]) -> tuple[str, ...]:
    """The kind's top-level fields besides apiVersion, kind and metadata, as its schema declares them."""
    return tuple(name for name in KIND_SCHEMAS[model.KIND] if name not in TYPE_META and name not in READ_ONLY_BODY)


def form_field_for(cause_field: str, form_fields) -> str | None:
    """The form field a Status cause (`spec.replicas`, `metadata.labels`, `data[bad key]`) belongs to."""
    path = cause_field.removeprefix("metadata.")
    for name in form_fields:
        if path == name or path.startswith((f"{name}.", f"{name}[")):
            return name
    return None


class KubeObjectForm(forms.ModelForm):
    """Subclassed per kind and per add/change by `form_for`. Once the API server accepted the write, `written_change`
    holds the object before it (None when adding), as the form sent it, and as the API server stored it."""

    adding = False
    written_change: tuple[dict | None, dict, dict] | None = None

    class Meta:
        model = KubeObject
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.adding:
            current = to_kube(self.instance)
            self.fields["resource_version"].initial = current["metadata"]["resourceVersion"]
            for name in METADATA_FIELDS:
                self.fields[name].initial = current["metadata"].get(name)
            for name in editable_body(self._meta.model):
                self.fields[name].initial = current.get(name)

    def _post_clean(self):
        """Instead of model validation, the API server's: the form is valid only if the write was accepted."""
        if self.errors:
            return
        model = self._meta.model
        kind = kind_named(model.KIND)
        data = self.cleaned_data
        if self.adding:
            cluster = data["cluster"]
            obj = {"apiVersion": kind.api_version, "kind": kind.kind, "metadata": {"name": data["name"]}}
            if kind.namespaced:
                obj["metadata"]["namespace"] = data.get("namespace") or "default"
        else:
            cluster = self.instance.cluster
            obj = copy.deepcopy(to_kube(self.instance))
            obj["metadata"]["resourceVersion"] = data["resource_version"]
        for name in METADATA_FIELDS:
            _put(obj["metadata"], name, data.get(name))
        for name in editable_body(model):
            _put(obj, name, data.get(name))
        server = api_server_for(Cluster.objects.get(pk=cluster.pk))
        try:
            written = server.create(kind.kind, obj) if self.adding else server.update(kind.kind, obj)
        except ApiError as error:
            self._add_status_errors(error)
            return
        before = None if self.adding else to_kube(self.instance)
        self.written_change = (before, obj, written)
        metadata = written["metadata"]
        self.instance = model.objects.get(
            cluster=cluster, namespace=metadata.get("namespace") or "", name=metadata["name"]
        )

    def _add_status_errors(self, error: ApiError) -> None:
        if not error.causes:
            self.add_error(None, error.message)
            return
        for cause in error.causes:
            target = form_field_for(cause.get("field", ""), self.fields)
            self.add_error(target, f"{cause['field']}: {cause['message']}" if cause.get("field") else cause["message"])


def _put(target: dict, key: str, value) -> None:
    if value is None:
        target.pop(key, None)
    else:
        target[key] = value


def form_for(model: type[KubeObject], adding: bool) -> type[KubeObjectForm]:
    kind = kind_named(model.KIND)
    declared: dict = {"adding": adding}
    if adding:
        declared["cluster"] = forms.ModelChoiceField(Cluster.objects.all())
        declared["name"] = forms.CharField(max_length=253)
        if kind.namespaced:
            declared["namespace"] = forms.CharField(max_length=63, initial="default")
    else:
        declared["resource_version"] = forms.CharField(widget=forms.HiddenInput)
    for name in (*METADATA_FIELDS, *editable_body(model)):
        declared[name] = YamlField(label=name)
    meta = type("Meta", (KubeObjectForm.Meta,), {"model": model, "fields": []})
    return type(f"{model.__name__}Form", (KubeObjectForm,), {**declared, "Meta": meta})
