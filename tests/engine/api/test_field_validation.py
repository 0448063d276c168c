"""fieldValidation in the API server: the directive decides what the unknown fields the decoder found, and the
fields the body repeated, do to a write; a wrongly typed value is an error whatever it says."""

import pytest

from cluster_engine.api.errors import ApiError
from cluster_engine.api.fields import IGNORE, STRICT, WARN, FieldValidation

from .manifests import config_map


def test_field_validation_decides_what_unknown_and_repeated_fields_do(server, watch):
    manifest = config_map("settings")
    manifest["colour"], manifest["metadata"]["shade"] = "blue", "dark"
    with pytest.raises(ApiError) as refused:
        server.create("ConfigMap", manifest, field_validation=FieldValidation(STRICT, ['duplicate field "data"']))
    assert refused.value.message == (
        'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: '
        'duplicate field "data", unknown field "metadata.shade", unknown field "colour"'
    )
    assert watch == []
    warned = FieldValidation(WARN)
    created = server.create("ConfigMap", manifest, field_validation=warned)
    assert "colour" not in created and "shade" not in created["metadata"]
    assert warned.warnings == ['unknown field "metadata.shade"', 'unknown field "colour"']
    ignored = FieldValidation(IGNORE)
    server.create("ConfigMap", {**manifest, "metadata": {"name": "quiet"}}, field_validation=ignored)
    assert ignored.warnings == []
    wrong_type = {**manifest, "metadata": {"name": "typed"}, "data": {"a": 1}}
    with pytest.raises(ApiError) as typed:
        server.create("ConfigMap", wrong_type, field_validation=FieldValidation(IGNORE))
    assert "cannot unmarshal number into Go struct field" in typed.value.message


@pytest.mark.parametrize("name", ["", "a.b", "x[0]", "]", "metadata.name"])
def test_unknown_fields_named_like_paths_are_dropped_where_they_are(server, name):
    manifest = config_map("oddly-named")
    manifest[name] = 1
    manifest["metadata"][name] = 2
    warned = FieldValidation(WARN)
    created = server.create("ConfigMap", manifest, field_validation=warned)
    assert name not in created and name not in created["metadata"]
    assert created["metadata"]["name"] == "oddly-named"
    assert sorted(warned.warnings) == sorted([f'unknown field "{name}"', f'unknown field "metadata.{name}"'])
