"""An instructor is a user with lab.teach_classroom, not necessarily staff: the pages' "Sign in" must let them in."""

import re

import pytest
from django.contrib.auth.models import Permission, User

pytestmark = pytest.mark.django_db

PASSWORD = "Teach-a-class-42!"


@pytest.fixture
def instructor():
    user = User.objects.create_user("sensei", password=PASSWORD)
    user.user_permissions.add(Permission.objects.get(codename="teach_classroom"))
    return user


def sign_in_link(body: str) -> str:
    return re.search(r'<a href="([^"]+)">Sign in</a>', body).group(1)


@pytest.mark.parametrize("page", ["/", "/classroom/", "/snapshots/import/"])
def test_a_non_staff_instructor_signs_in_from_the_pages_link_and_comes_back(client, instructor, page):
    link = sign_in_link(client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert not link.startswith("/admin/")
    response = client.post(link, {"username": "sensei", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == page
    assert client.session["_auth_user_id"] == str(instructor.pk)


def test_once_signed_in_the_instructor_may_open_a_classroom(client, instructor):
    client.post("/signin/?next=/classroom/", {"username": "sensei", "password": PASSWORD})
    assert 'id="new-classroom-form"' in client.get("/classroom/").content.decode()


def test_a_wrong_password_is_refused_in_japanese_and_signs_no_one_in(client, instructor):
    response = client.post("/signin/", {"username": "sensei", "password": "wrong"}, HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 200
    body = response.content.decode()
    assert "正しいユーザー名とパスワードを入力してください" in body
    assert "講師と管理者は、管理者から受け取ったアカウントでサインインします。" in body
    assert "_auth_user_id" not in client.session


def test_signing_in_without_a_destination_lands_on_the_home_page(client, instructor):
    response = client.post("/signin/", {"username": "sensei", "password": PASSWORD})
    assert response["Location"] == "/"


def test_a_signed_in_instructor_signs_out_from_the_home_page_in_their_language(client, instructor):
    client.post("/signin/", {"username": "sensei", "password": PASSWORD})
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "sensei としてサインイン中です。" in body
    action = re.search(r'<form method="post" action="([^"]+)" class="hint sign-out"', body).group(1)
    assert client.get(action).status_code == 405  # Django's LogoutView signs out on POST only
    assert "_auth_user_id" in client.session
    response = client.post(action)
    assert response["Location"] == "/"
    assert "_auth_user_id" not in client.session
    assert 'id="sign-out"' not in client.get("/").content.decode()
