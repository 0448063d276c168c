"""The home page's "new cluster" form: a cluster made to measure, created through the operator's API server."""

from django import forms
from django.db import IntegrityError, transaction
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from cluster_engine.api.names import dns1123_label_messages
from cluster_engine.runtime.clock import MAX_SPEED, MIN_SPEED
from cluster_engine.scenarios import MAX_ZONES, REGION, cluster_objects
from cluster_engine.vm_sizes import DEFAULT_VM_SIZE, VM_SIZES

from .cluster_cards import TOPOLOGY_LABELS
from .demo import seed_objects
from .models import Cluster, Topology

# ours: a cluster made here stays classroom-sized. Each worker adds a kubelet, two node agents (kube-proxy,
# azure-cns) and their heartbeats to the one control-plane thread every cluster of the installation shares, and the
# diagram draws each worker as a box; fifty keep a class's clusters at speed and readable (AKS allows 1,000 per pool).
MAX_WORKERS = 50


def _size_label(size: str) -> str:
    capacity, _allocatable = VM_SIZES[size]
    return f"{size} ({capacity['cpu']} vCPU, {capacity['memory'].replace('Gi', ' GiB')})"


class NewClusterForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=63,
        help_text=_("Lowercase letters, digits and '-', as a Kubernetes name."),
        widget=forms.TextInput(attrs={"placeholder": "my-cluster", "autocomplete": "off"}),
    )
    topology = forms.ChoiceField(
        label=_("Control plane"),
        choices=[(value, label) for value, label in TOPOLOGY_LABELS.items()],
        initial=Topology.SINGLE,
        widget=forms.RadioSelect,
    )
    workers = forms.IntegerField(label=_("Workers"), min_value=1, max_value=MAX_WORKERS, initial=3)
    vm_size = forms.ChoiceField(
        label=_("Worker size"), choices=[(size, _size_label(size)) for size in VM_SIZES], initial=DEFAULT_VM_SIZE
    )
    zones = forms.TypedChoiceField(label=_("Availability zones"), coerce=int, initial=MAX_ZONES)
    speed = forms.FloatField(
        label=_("Speed"),
        min_value=MIN_SPEED,
        max_value=MAX_SPEED,
        initial=1,
        widget=forms.NumberInput(attrs={"step": 0.25}),
    )

    def __init__(self, *args, **kwargs):
        """Texts with numbers in them are built here, in the language of the request."""
        super().__init__(*args, **kwargs)
        self.fields["zones"].choices = [
            (count, ngettext("%(count)d zone", "%(count)d zones", count) % {"count": count})
            for count in range(1, MAX_ZONES + 1)
        ]
        self.fields["zones"].help_text = gettext("Workers take zones %(region)s-1, -2, -3 in turn.") % {
            "region": REGION
        }
        self.fields["speed"].help_text = gettext("Simulated seconds per wall-clock second, %(low)s to %(high)s.") % {
            "low": f"{MIN_SPEED:g}",
            "high": f"{MAX_SPEED:g}",
        }

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if dns1123_label_messages(name):
            raise forms.ValidationError(
                _(
                    "Use lowercase letters, digits and '-', starting and ending with a letter or digit "
                    "(a DNS label, e.g. 'my-cluster')."
                )
            )
        if Cluster.objects.filter(name=name).exists():
            raise forms.ValidationError(_("A cluster named %(name)s already exists."), params={"name": name})
        return name

    def create(self) -> Cluster | None:
        """The cluster, its nodes and components, all written by the operator's API server in one transaction; None
        (with the error on the name) if another request took the name meanwhile."""
        data = self.cleaned_data
        objects = cluster_objects(data["topology"], data["workers"], data["vm_size"], data["zones"])
        try:
            with transaction.atomic():
                cluster = Cluster.objects.create(name=data["name"], topology=data["topology"], speed=data["speed"])
                seed_objects(cluster, objects)
        except IntegrityError:
            self.add_error("name", gettext("A cluster named %(name)s already exists.") % {"name": data["name"]})
            return None
        cluster.refresh_from_db()
        return cluster
