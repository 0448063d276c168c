"""The admin lists the demo's node agents and a disruption budget with `kubectl get`'s columns."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from lab.apiserver import api_server_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, db):
    client.force_login(User.objects.create_superuser("admin", "admin@example.com", "pw"))
    return client


def test_daemon_sets_and_budgets_are_listed_with_kubectl_columns(signed_in, demo):
    budget = {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"maxUnavailable": "25%", "selector": {"matchLabels": {"app": "web"}}},
    }
    api_server_for(demo).create("PodDisruptionBudget", budget)
    page = signed_in.get(reverse("admin:lab_daemonset_changelist")).content.decode()
    assert "kube-proxy" in page and "azure-cns" in page
    for header in ("Desired", "Current", "Ready", "Up-to-date", "Available", "Age"):
        assert f">{header}<" in page
    page = signed_in.get(reverse("admin:lab_poddisruptionbudget_changelist")).content.decode()
    for header in ("Min available", "Max unavailable", "Allowed disruptions"):
        assert f">{header}<" in page
    assert ">25%<" in page and ">N/A<" in page
