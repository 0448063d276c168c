"""`ApiServer.check`: an object decoded and validated as stored, with no admission and nothing written."""

import pytest

from cluster_engine.api.errors import ApiError

from .conftest import snapshot


def stored_pod(server) -> dict:
    body = {"metadata": {"name": "web", "namespace": "default"}, "spec": {"containers": [{"name": "c", "image": "i"}]}}
    return server.create("Pod", body)


def test_a_stored_object_checks_as_it_is(server):
    pod = stored_pod(server)
    before = snapshot(server.storage)
    assert server.check("Pod", pod) == pod  # nothing defaulted, reset or renamed
    assert snapshot(server.storage) == before


def test_an_unknown_field_and_an_invalid_value_are_refused(server):
    pod = stored_pod(server)
    with pytest.raises(ApiError) as caught:
        server.check("Pod", {**pod, "spec": {**pod["spec"], "colour": "blue"}})
    assert caught.value.code == 400 and 'unknown field "spec.colour"' in caught.value.message
    with pytest.raises(ApiError) as caught:
        server.check("Pod", {**pod, "metadata": {**pod["metadata"], "name": "Web"}})
    assert caught.value.code == 422 and caught.value.message.startswith('Pod "Web" is invalid: metadata.name')


def test_a_kind_not_served_is_not_found(server):
    with pytest.raises(ApiError) as caught:
        server.check("Widget", {"metadata": {"name": "w"}})
    assert caught.value.code == 404
