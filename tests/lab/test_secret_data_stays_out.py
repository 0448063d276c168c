"""A Secret's data reaches no page and no diagram stream: not the cluster page, not the diagram's snapshot, not the
admin's list of Secrets, not the home page; only its count shows. The data is searched for as sent, base64-encoded
(as stored) and inside the last-applied annotation `kubectl apply` leaves, which repeats it."""

import base64
import json

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from lab.apiserver import api_server_for
from lab.live_snapshot import cluster_snapshot

pytestmark = pytest.mark.django_db(transaction=True)

PLAIN = "correct-horse-battery-staple"
ENCODED = base64.b64encode(PLAIN.encode()).decode()
ANNOTATION_VALUE = "letmein-annotation-copy"


@pytest.fixture
def secret(demo):
    manifest = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {
            "name": "db-credentials",
            "namespace": "default",
            "annotations": {
                "kubectl.kubernetes.io/last-applied-configuration": json.dumps({"stringData": {"pw": ANNOTATION_VALUE}})
            },
        },
        "stringData": {"password": PLAIN},
    }
    created = api_server_for(demo, operator=True).create("Secret", manifest)
    assert created["data"] == {"password": ENCODED}  # the value the rest of this module looks for is stored
    return created


def assert_no_secret_data(text: str) -> None:
    for value in (PLAIN, ENCODED, ANNOTATION_VALUE):
        assert value not in text


def test_the_diagrams_snapshot_holds_no_secret(demo, secret):
    snapshot = cluster_snapshot(demo.pk)
    assert not [obj for obj in snapshot["objects"] if obj["kind"] == "Secret"]
    assert_no_secret_data(json.dumps(snapshot))


def test_the_cluster_page_and_home_page_hold_no_secret_data(demo, secret, client):
    for url in (reverse("cluster", args=[demo.name]), "/"):
        response = client.get(url)
        assert response.status_code == 200
        assert_no_secret_data(response.content.decode())


def test_the_admins_list_of_secrets_shows_how_many_keys_not_their_values(demo, secret, client):
    client.force_login(User.objects.create_superuser("admin", "admin@example.com", "pw"))
    response = client.get(reverse("admin:lab_secret_changelist"))
    page = response.content.decode()
    assert response.status_code == 200 and "db-credentials" in page
    assert_no_secret_data(page)
