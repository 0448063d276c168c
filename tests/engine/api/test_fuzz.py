"""Garbage in, Status out: whatever body arrives, the API server refuses it with a 4xx Status or accepts it, never
crashes, and a refusal writes nothing. The one 5xx is upstream's own: a strategic merge patch its merge code cannot
apply is answered with a reason-less 500 carrying that code's message (interpretStrategicMergePatchError)."""

import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cluster_engine.api.errors import ApiError
from cluster_engine.api.kinds import ALL_KINDS

from .conftest import new_server, snapshot
from .manifests import valid

KIND_NAMES = [kind.kind for kind in ALL_KINDS]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["", "-", "A_B", "500m", "1Gi", "1e999999", "25%", "ä", "a" * 300, "Always", "TCP", "0x10"]),
)
garbage = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.one_of(st.text(max_size=8), st.integers(0, 3)), children, max_size=3),
    ),
    max_leaves=8,
)


def _paths(value, prefix=()):
    """Every place in a manifest a mutation can land: each dict key and list index, at every depth."""
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*prefix, index))


@st.composite
def mutated(draw, kind: str):
    """A valid manifest with one place replaced by garbage, or given an unknown field, or deleted."""
    body = valid(kind)
    paths = list(_paths(body))
    path = draw(st.sampled_from(paths))
    action = draw(st.sampled_from(["replace", "unknown", "delete"]))
    if not path:
        return draw(garbage) if action == "replace" else body
    parent = body
    for step in path[:-1]:
        parent = parent[step]
    if action == "replace":
        parent[path[-1]] = draw(garbage)
    elif action == "unknown" and isinstance(parent[path[-1]], dict):
        parent[path[-1]][draw(st.text(min_size=1, max_size=8))] = draw(garbage)
    elif action == "delete":
        del parent[path[-1]]
    return body


def _refused_or_accepted(server, write, strategic: bool = False) -> None:
    before = snapshot(server.storage)
    published: list = []
    server.storage.subscribers.append(published.append)
    try:
        write()
    except ApiError as error:
        if strategic and error.code == 500:
            assert error.reason == "" and error.message, error.status()
        else:
            assert 400 <= error.code < 500, error.status()
        assert error.status()["code"] == error.code
        assert snapshot(server.storage) == before
        assert published == []


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("kind", KIND_NAMES)
@FUZZ
@given(data=st.data())
def test_create_with_a_mutated_body(kind, data):
    server = new_server()
    body = data.draw(mutated(kind))
    _refused_or_accepted(server, lambda: server.create(kind, body))


@pytest.mark.parametrize("kind", KIND_NAMES)
@FUZZ
@given(data=st.data())
def test_update_with_a_mutated_body(kind, data):
    server = new_server()
    stored = server.create(kind, valid(kind))
    body = data.draw(mutated(kind))
    if isinstance(body, dict) and isinstance(body.get("metadata"), dict):
        body["metadata"].setdefault("name", stored["metadata"]["name"])
    _refused_or_accepted(server, lambda: server.update(kind, body))


@pytest.mark.parametrize("kind", KIND_NAMES)
@FUZZ
@given(patch_type=st.sampled_from(["merge", "strategic", "json"]), body=garbage)
def test_patch_with_garbage(kind, patch_type, body):
    server = new_server()
    stored = server.create(kind, valid(kind))
    metadata = stored["metadata"]
    _refused_or_accepted(
        server,
        lambda: server.patch(kind, metadata.get("namespace"), metadata["name"], body, patch_type),
        strategic=patch_type == "strategic",
    )


@pytest.mark.parametrize("kind", KIND_NAMES)
@FUZZ
@given(data=st.data())
def test_strategic_patch_shaped_like_the_object(kind, data):
    """Patches that look like the object (as kubectl apply sends) but carry garbage somewhere in them."""
    server = new_server()
    stored = server.create(kind, valid(kind))
    body = data.draw(mutated(kind))
    metadata = stored["metadata"]
    _refused_or_accepted(
        server,
        lambda: server.patch(kind, metadata.get("namespace"), metadata["name"], copy.deepcopy(body), "strategic"),
        strategic=True,
    )


@FUZZ
@given(body=garbage, kind=st.sampled_from(KIND_NAMES))
def test_create_with_pure_garbage(body, kind):
    server = new_server()
    _refused_or_accepted(server, lambda: server.create(kind, body))
