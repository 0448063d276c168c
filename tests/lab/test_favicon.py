"""Browsers ask for /favicon.ico on every page, the admin's too: the lab answers with its icon, so no page logs a 404."""

import pytest

pytestmark = pytest.mark.django_db


def test_favicon_ico_leads_to_the_labs_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert b"<svg" in b"".join(icon.streaming_content)
