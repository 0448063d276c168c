"""The swagger 2.0 document over HTTP: upstream's definitions in v2 form, our operations, and the same document in
gnostic's protobuf, read back here with our own wire reader and the field numbers of gnostic's OpenAPIv2.proto."""

import hashlib
import json

import pytest
import yaml

from lab.kubeapi import auth, kubeconfig
from lab.kubeapi.protobuf import fields

URL = "/k8s/clusters/demo/openapi/v2"
PROTOBUF = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"
DEFINITIONS = "#/definitions/"
DEPLOYMENT_PATH = "/apis/apps/v1/namespaces/{namespace}/deployments/{name}"


@pytest.fixture
def get(demo, client):
    header = "Bearer " + auth.issue_token(demo, kubeconfig.ensure_account(demo, "view"))[0]

    def fetch(accept: str = "application/json", **headers):
        return client.get(URL, HTTP_AUTHORIZATION=header, HTTP_ACCEPT=accept, secure=True, **headers)

    return fetch


@pytest.fixture
def swagger(get) -> dict:
    return json.loads(get().content)


# gnostic's messages, read back: each a list of (field number, bytes or int) from our wire reader.
def _text(raw: bytes) -> str:
    return raw.decode()


def _named(raw: bytes, read_value) -> tuple[str, object]:
    pair = dict(fields(raw))  # Named*{string name = 1; value = 2}
    return _text(pair[1]), read_value(pair.get(2, b""))


def _extension(raw: bytes) -> tuple[str, object]:
    return _named(raw, lambda any_value: yaml.safe_load(_text(dict(fields(any_value))[2])))  # Any{string yaml = 2}


def _schema(raw: bytes) -> dict:
    """gnostic's Schema message back to JSON (the fields upstream's definitions use)."""
    names = {1: "$ref", 2: "format", 3: "title", 4: "description", 26: "discriminator"}
    schema: dict = {}
    for number, value in fields(raw):
        if number in names:
            schema[names[number]] = _text(value)
        elif number == 19:
            schema.setdefault("required", []).append(_text(value))
        elif number == 21:  # AdditionalPropertiesItem{Schema schema = 1 | bool boolean = 2}
            [(choice, inner)] = fields(value)
            schema["additionalProperties"] = _schema(inner) if choice == 1 else bool(inner)
        elif number == 22:  # TypeItem{repeated string value = 1}
            types = [_text(item) for _, item in fields(value)]
            schema["type"] = types[0] if len(types) == 1 else types
        elif number == 23:  # ItemsItem{repeated Schema schema = 1}
            items = [_schema(item) for _, item in fields(value)]
            schema["items"] = items[0] if len(items) == 1 else items
        elif number == 24:
            schema.setdefault("allOf", []).append(_schema(value))
        elif number == 25:  # Properties{repeated NamedSchema additional_properties = 1}
            schema["properties"] = dict(_named(pair, _schema) for _, pair in fields(value))
        elif number == 31:
            name, extension = _extension(value)
            schema[name] = extension
        else:
            raise AssertionError(f"Schema field {number} is not one upstream's definitions use")
    return schema


def _document(raw: bytes) -> dict[int, list]:
    found: dict[int, list] = {}
    for number, value in fields(raw):
        found.setdefault(number, []).append(value)
    return found


def test_upstreams_definitions_are_served_in_v2_form_with_their_extensions(swagger):
    assert (swagger["swagger"], swagger["info"]) == ("2.0", {"title": "Kubernetes", "version": "v1.37.0"})
    definitions = swagger["definitions"]
    deployment = definitions["io.k8s.api.apps.v1.Deployment"]
    assert deployment["x-kubernetes-group-version-kind"] == [{"group": "apps", "kind": "Deployment", "version": "v1"}]
    assert deployment["properties"]["spec"] == {
        "$ref": DEFINITIONS + "io.k8s.api.apps.v1.DeploymentSpec",
        "description": deployment["properties"]["spec"]["description"],
    }
    assert definitions["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]["type"] == "string"  # no v3 union in v2
    assert "io.k8s.kubelab.v1alpha1.ControlPlaneComponent" not in definitions
    assert definitions["io.kubelab.v1alpha1.ControlPlaneComponent"]["x-kubernetes-group-version-kind"] == [
        {"group": "kubelab.io", "kind": "ControlPlaneComponent", "version": "v1alpha1"}
    ]
    references = {value.removeprefix(DEFINITIONS) for value in _references(swagger)}
    assert references <= set(definitions)  # nothing dangles


def test_operations_declare_field_validation_and_the_patch_types_accepted(swagger):
    patch = swagger["paths"][DEPLOYMENT_PATH]["patch"]
    assert patch["x-kubernetes-group-version-kind"] == {"group": "apps", "kind": "Deployment", "version": "v1"}
    assert "application/strategic-merge-patch+json" in patch["consumes"]
    assert {"in": "query", "name": "fieldValidation", "type": "string", "uniqueItems": True} in patch["parameters"]
    own = swagger["paths"]["/apis/kubelab.io/v1alpha1/controlplanecomponents/{name}"]
    assert "application/strategic-merge-patch+json" not in own["patch"]["consumes"]
    assert swagger["paths"]["/api/v1/nodes"]["post"]["x-kubernetes-action"] == "post"


def test_the_protobuf_form_is_the_same_document_as_gnostics_messages(get, swagger):
    response = get(PROTOBUF)
    assert response.status_code == 200
    document = _document(response.content)
    assert [_text(value) for value in document[1]] == ["2.0"]  # Document{string swagger = 1}
    info = dict(fields(document[2][0]))
    assert (_text(info[1]), _text(info[2])) == ("Kubernetes", "v1.37.0")
    [definitions] = document[9]  # Definitions{repeated NamedSchema additional_properties = 1}
    decoded = [_named(pair, _schema) for _, pair in fields(definitions)]
    assert [name for name, _ in decoded] == list(swagger["definitions"])
    assert dict(decoded) == swagger["definitions"]

    [paths] = document[8]  # Paths{repeated NamedPathItem path = 2}
    path_items = dict(_named(pair, _document) for number, pair in fields(paths) if number == 2)
    assert list(path_items) == list(swagger["paths"])
    patch = _document(path_items[DEPLOYMENT_PATH][8][0])  # PathItem{Operation patch = 8}
    assert [_text(value) for value in patch[7]] == swagger["paths"][DEPLOYMENT_PATH]["patch"]["consumes"]
    assert dict(_extension(value) for value in patch[13])["x-kubernetes-group-version-kind"] == {
        "group": "apps",
        "kind": "Deployment",
        "version": "v1",
    }
    assert [_parameter(item) for item in patch[8]] == [
        ("body", "body"),
        ("query", "dryRun"),
        ("query", "fieldManager"),
        ("query", "fieldValidation"),
    ]


def _parameter(item: bytes) -> tuple[str, str]:
    [(_, parameter)] = fields(item)  # ParametersItem{Parameter parameter = 1}
    [(choice, chosen)] = fields(parameter)  # Parameter{BodyParameter = 1 | NonBodyParameter = 2}
    if choice == 1:
        return _text(dict(fields(chosen))[3]), _text(dict(fields(chosen))[2])  # BodyParameter{name = 2; in = 3}
    [(where, sub_schema)] = fields(chosen)  # NonBodyParameter{..., QueryParameterSubSchema = 3, ...}
    assert where == 3
    return _text(dict(fields(sub_schema))[2]), _text(dict(fields(sub_schema))[4])  # {in = 2; name = 4}


def test_both_forms_carry_the_jsons_etag_and_answer_a_cached_copy_with_304(get):
    as_json = get()
    etag = '"' + hashlib.sha512(as_json.content).hexdigest().upper() + '"'
    assert as_json["ETag"] == etag
    assert "Accept" in as_json["Vary"].split(", ")
    assert as_json["Content-Type"] == "text/plain; charset=utf-8"  # upstream's ServeContent sniffs it so
    as_protobuf = get(f"application/json;q=0.5, {PROTOBUF}")
    assert (as_protobuf["ETag"], as_protobuf["Content-Type"]) == (etag, "application/octet-stream")
    cached = get(PROTOBUF, HTTP_IF_NONE_MATCH=etag)
    assert (cached.status_code, cached.content) == (304, b"")
    assert get("*/*").content == as_json.content


def test_an_unoffered_format_is_406_and_strangers_401(get, client):
    assert get("text/html").status_code == 406
    assert client.get(URL, secure=True).status_code == 401


def _references(node):
    if isinstance(node, dict):
        for name, value in node.items():
            if name == "$ref":
                yield value
            else:
                yield from _references(value)
    elif isinstance(node, list):
        for item in node:
            yield from _references(item)
