"""The admin's own words on the lab's change forms follow the admin's language, as Django's do."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from lab.models import proxy_for

pytestmark = pytest.mark.django_db

EXPLANATION = {
    "en": "Edit the object as YAML. Saving sends it to the cluster's API server",
    "ja": "オブジェクトを YAML で編集します。保存するとクラスターの API サーバーに送られ",
}


@pytest.mark.parametrize("language", ["en", "ja"])
@pytest.mark.parametrize("kind", ["Node", "Deployment"])
def test_the_change_form_explains_saving_in_the_admins_language(client, demo, kind, language):
    client.force_login(User.objects.create_superuser("admin", "admin@example.com", "pw"))
    row = proxy_for(kind).objects.filter(cluster=demo).first()
    url = reverse(f"admin:lab_{row._meta.model_name}_change", args=[row.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert EXPLANATION[language] in page
    other = "ja" if language == "en" else "en"
    assert EXPLANATION[other] not in page
