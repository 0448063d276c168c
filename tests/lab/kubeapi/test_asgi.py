"""Kube API paths skip the site's middleware; the kubeconfig page, a page for signed-in people, keeps it."""

import json

import pytest
from asgiref.sync import async_to_sync
from channels.testing import HttpCommunicator

from lab.asgi import application
from lab.kubeapi.asgi import API_PATH

pytestmark = pytest.mark.django_db(transaction=True)


def get(path: str) -> dict:
    communicator = HttpCommunicator(application, "GET", path, headers=[(b"host", b"localhost")])
    return async_to_sync(communicator.get_response)()


def headers_of(response: dict) -> dict:
    return {name.decode().lower(): value.decode() for name, value in response["headers"]}


def test_the_kube_api_answers_without_the_site_middleware(demo):
    response = get("/k8s/clusters/demo/version")
    assert response["status"] == 200
    assert json.loads(response["body"])["major"] == "1"
    assert "x-frame-options" not in headers_of(response)  # added by the site's clickjacking middleware


def test_the_kubeconfig_page_keeps_the_site_middleware(demo):
    response = get("/k8s/clusters/demo/kubeconfig")
    assert "x-frame-options" in headers_of(response)


def test_which_paths_are_the_kube_api():
    assert API_PATH.match("/k8s/clusters/demo/api")
    assert API_PATH.match("/k8s/clusters/demo/apis/apps/v1/deployments")
    assert API_PATH.match("/k8s/clusters/demo/openapi/v2")
    assert API_PATH.match("/k8s/clusters/demo/version")
    assert not API_PATH.match("/k8s/clusters/demo/kubeconfig")
    assert not API_PATH.match("/k8s/clusters/demo/apiary")
    assert not API_PATH.match("/clusters/demo/api")
