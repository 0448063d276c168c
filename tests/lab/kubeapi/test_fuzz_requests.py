"""Bad requests, fuzzed, against the live kube API: every kind and verb, every body format and patch type.

Whatever arrives (bodies that do not parse, bodies over 3 MiB, documents nested thousands deep, invalid names and
labels, wrong types and numbers out of range, unknown kinds and apiVersions, bad resourceVersions and selectors),
the answer is a JSON Status with 400, 404, 409, 413, 415 or 422, a refusal writes nothing (the cluster's
resourceVersion stays where it was), and the server answers the next request. The one 5xx is upstream's own: a
strategic merge patch its merge code cannot apply is answered 500 with that code's message and no reason
(interpretStrategicMergePatchError). Examples are derandomized with a fixed count, so every run tries the same ones.
"""

import json
import re

import pytest
from asgiref.sync import async_to_sync
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cluster_engine.api.errors import ApiError
from cluster_engine.api.kinds import ALL_KINDS, Kind
from cluster_engine.api.server import MAX_REQUEST_BYTES
from lab.apiserver import api_server_for
from lab.kubeapi.protobuf import MEDIA_TYPE as PROTOBUF
from tests.engine.api.manifests import valid
from tests.engine.api.test_fuzz import garbage, mutated

from .test_write_semantics import bearer, revision

pytestmark = pytest.mark.django_db(transaction=True)

REFUSALS = {400, 404, 409, 413, 415, 422}
ACCEPTED = {200, 201, 202}
KINDS = sorted(ALL_KINDS, key=lambda kind: kind.kind)
KIND_NAMED = {kind.kind: kind for kind in KINDS}
PATCH_TYPES = (
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
    "application/json-patch+json",
    "application/apply-patch+yaml",
)
BODY_TYPES = ("application/json", "application/yaml", PROTOBUF)


def fuzz(examples: int):
    """A fixed number of examples drawn the same way on every run (CI reproduces what a developer saw)."""
    return settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def collection(kind: Kind, namespace: str = "default") -> str:
    root = f"/apis/{kind.group}/{kind.version}" if kind.group else f"/api/{kind.version}"
    scope = f"/namespaces/{namespace}" if kind.namespaced else ""
    return f"/k8s/clusters/demo{root}{scope}/{kind.plural}"


def read(response) -> bytes:
    """The whole body; a watch's stream (asynchronous under ASGI) read to its end."""
    if not response.streaming:
        return response.content
    if not response.is_async:
        return b"".join(response.streaming_content)

    async def chunks():
        return b"".join([chunk async for chunk in response.streaming_content])

    return async_to_sync(chunks)()


class Kube:
    """The demo cluster's kube API as an admin's kubectl reaches it, checking every answer as it comes."""

    def __init__(self, demo, client):
        self.demo, self.client, self.headers = demo, client, bearer(demo)
        self.operator = api_server_for(demo, operator=True)
        # the service account controller's work, which pods are admitted against
        default = {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": {"name": "default", "namespace": "default"},
        }
        self._create(KIND_NAMED["ServiceAccount"], default)

    def _create(self, kind: Kind, manifest: dict) -> None:
        try:
            self.operator.create(
                kind.kind, manifest, manifest["metadata"].get("namespace") if kind.namespaced else None
            )
        except ApiError as error:
            assert error.code == 409, error.status()

    def stored(self, kind: Kind) -> str:
        """The path of an object of `kind` the fuzzed writes aim at, created from a valid manifest if missing."""
        manifest = valid(kind.kind)
        name = manifest["metadata"]["name"]
        namespace = manifest["metadata"].setdefault("namespace", "default")
        self._create(kind, manifest)
        return f"{collection(kind, namespace)}/{name}"

    def send(self, method: str, path: str, body: bytes = b"", content_type="application/json", strategic=False):
        """Send one request and check its answer: accepted, or a Status refusal that wrote nothing."""
        before = revision(self.demo)
        response = self.client.generic(method, path, body, content_type, **self.headers)
        content = read(response)
        assert response["Content-Type"].split(";")[0] == "application/json", (response.status_code, content[:300])
        answer = json.loads(content.splitlines()[0] if response.streaming else content)
        if response.status_code in ACCEPTED:
            return response.status_code, answer
        if strategic and response.status_code == 500:
            # upstream's own, never "Internal error": its reason is unknown, "", which the JSON omits
            assert "reason" not in answer and answer["message"], answer
        else:
            assert response.status_code in REFUSALS, (method, path, body[:300], answer)
        assert (answer["kind"], answer["status"], answer["code"]) == ("Status", "Failure", response.status_code)
        assert revision(self.demo) == before, f"a refused {method} {path} wrote: {answer}"
        return response.status_code, answer

    def still_answering(self) -> None:
        response = self.client.get("/k8s/clusters/demo/api/v1/namespaces/default", **self.headers)
        assert response.status_code == 200


@pytest.fixture
def kube(demo, client):
    return Kube(demo, client)


# ---- bodies that do not parse ------------------------------------------------------------------------------------
def _cut(text: str, at: float) -> bytes:
    return text[: int(len(text) * at)].encode()


malformed = st.one_of(
    st.binary(max_size=120),
    st.text(max_size=60).map(str.encode),
    st.builds(lambda kind, at: _cut(json.dumps(valid(kind.kind)), at), st.sampled_from(KINDS), st.floats(0, 0.99)),
    st.sampled_from(
        [b"", b"null", b"[]", b'"x"', b"1e999", b"{", b'{"a":1,}', b"\t- x", b"a: [", b"k8s\x00", b"k8s\x00\n\x02"]
    ),
)


def test_bodies_that_do_not_parse_are_refused_on_every_verb(kube):
    @fuzz(200)
    @given(kind=st.sampled_from(KINDS), body=malformed, verb=st.sampled_from(["create", "update", "patch"]))
    def run(kind, body, verb):
        if verb == "create":
            kube.send("POST", collection(kind), body, st_choice(body, BODY_TYPES))
        elif verb == "update":
            kube.send("PUT", kube.stored(kind), body, st_choice(body, BODY_TYPES))
        else:
            content_type = st_choice(body, PATCH_TYPES)
            kube.send("PATCH", kube.stored(kind), body, content_type, strategic="strategic" in content_type)

    run()
    kube.still_answering()


def st_choice(body: bytes, choices: tuple) -> str:
    """A content type picked by the body itself, so each body meets each format over the run."""
    return choices[len(body) % len(choices)]


# ---- well-formed bodies with garbage in them ---------------------------------------------------------------------
def test_manifests_with_garbage_in_them_on_every_verb_and_patch_type(kube):
    @fuzz(250)
    @given(
        kind=st.sampled_from(KINDS),
        verb=st.sampled_from(["create", "update", *PATCH_TYPES, "delete"]),
        data=st.data(),
    )
    def run(kind, verb, data):
        body = data.draw(mutated(kind.kind)) if verb != "delete" else data.draw(garbage)
        path = kube.stored(kind)
        if verb == "create":
            kube.send("POST", collection(kind), json.dumps(body).encode())
        elif verb == "update":
            kube.send("PUT", path, json.dumps(body).encode())
        elif verb == "delete":
            kube.send("DELETE", path, json.dumps(body).encode())
        else:
            query = "?fieldManager=fuzz" if verb.startswith("application/apply") else ""
            kube.send("PATCH", path + query, json.dumps(body).encode(), verb, strategic="strategic" in verb)

    run()
    kube.still_answering()


def test_unknown_patch_and_body_types_are_refused_with_415(kube):
    @fuzz(40)
    @given(kind=st.sampled_from(KINDS), media=st.from_regex(r"\A[a-z]{1,8}/[a-z+.-]{1,20}\Z"))
    def run(kind, media):
        if media in PATCH_TYPES or media in BODY_TYPES or media in ("text/yaml", "application/x-yaml"):
            return
        status, _ = kube.send("PATCH", kube.stored(kind), b"{}", media)
        assert status == 415
        status, _ = kube.send("POST", collection(kind), b"{}", media)
        assert status == 415

    run()
    kube.still_answering()


# ---- size and depth ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH"])
def test_bodies_over_three_mebibytes_are_refused_with_413_for_every_kind(kube, method):
    body = b" " * (MAX_REQUEST_BYTES + 1)
    for kind in KINDS:
        path = collection(kind) if method == "POST" else kube.stored(kind)
        content_type = "application/merge-patch+json" if method == "PATCH" else "application/json"
        status, answer = kube.send(method, path, body, content_type)
        assert (status, answer["reason"]) == (413, "RequestEntityTooLarge")
    kube.still_answering()


def _nested(depth: int, style: str) -> bytes:
    if style == "json-object":
        return b'{"a":' * depth + b"1" + b"}" * depth
    if style == "json-array":
        return b"[" * depth + b"]" * depth
    if style == "yaml-block":
        return "".join(f"{'  ' * level}a:\n" for level in range(depth)).encode() + b"  " * depth + b"b\n"
    return b"a: " + b"[" * depth + b"]" * depth


def test_documents_nested_deep_are_refused(kube):
    @fuzz(40)
    @given(
        kind=st.sampled_from(KINDS),
        depth=st.sampled_from([101, 500, 10_000, 50_000]),
        style=st.sampled_from(["json-object", "json-array", "yaml-block", "yaml-flow"]),
        where=st.sampled_from(["body", "annotation"]),
    )
    def run(kind, depth, style, where):
        yaml = style.startswith("yaml")
        if where == "annotation" and not yaml:
            manifest = valid(kind.kind)
            inner = _nested(depth, style).decode()
            text = json.dumps(manifest)[:-1] + f', "extra": {inner}}}'
            kube.send("POST", collection(kind), text.encode())
            return
        body = _nested(min(depth, 1_000) if style == "yaml-block" else depth, style)
        status, answer = kube.send("POST", collection(kind), body, "application/yaml" if yaml else "application/json")
        assert status == 400, answer
        status, answer = kube.send(
            "PATCH", kube.stored(kind), body, "application/apply-patch+yaml" if yaml else "application/merge-patch+json"
        )
        assert status in (400, 422), answer

    run()
    kube.still_answering()


# ---- names, labels, numbers --------------------------------------------------------------------------------------
DNS_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
DNS_SUBDOMAIN = re.compile(rf"{DNS_LABEL}(\.{DNS_LABEL})*")
LABEL_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
names = st.one_of(
    st.from_regex(r"\A[a-z0-9][a-z0-9.-]{0,70}\Z"),
    st.text(alphabet="aZ0-._/ é\n", max_size=12),
    st.sampled_from(["a" * 253, "a" * 254, "-a", "a-", "a..b", ".", "..", "a/b", "A", ""]),
)
label_values = st.one_of(
    st.from_regex(r"\A[A-Za-z0-9._-]{0,65}\Z"), st.sampled_from(["", "a" * 63, "a" * 64, "-a", "é", "a b"])
)
label_keys = st.one_of(
    st.from_regex(r"\A([a-z0-9.-]{1,20}/)?[A-Za-z0-9._-]{1,65}\Z"),
    st.sampled_from(["", "/a", "a/", "kubernetes.io/", "a/b/c", "A.B/c", ("a." * 130) + "/x"]),
)


def _valid_label_key(key: str) -> bool:
    prefix, slash, name = key.rpartition("/")
    if slash and (not prefix or len(prefix) > 253 or not DNS_SUBDOMAIN.fullmatch(prefix)):
        return False
    return 0 < len(name) <= 63 and bool(LABEL_NAME.fullmatch(name))


def test_a_config_map_is_created_exactly_when_its_name_and_labels_are_valid(kube):
    path = collection(KIND_NAMED["ConfigMap"])

    @fuzz(150)
    @given(name=names, key=label_keys, value=label_values)
    def run(name, key, value):
        body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "labels": {key: value}}}
        status, answer = kube.send("POST", path, json.dumps(body).encode())
        valid_name = len(name) <= 253 and bool(DNS_SUBDOMAIN.fullmatch(name))
        valid_labels = _valid_label_key(key) and (value == "" or (len(value) <= 63 and LABEL_NAME.fullmatch(value)))
        if status == 201:
            assert valid_name and valid_labels, (name, key, value)
            kube.send("DELETE", f"{path}/{name}")
        elif status == 409:
            assert answer["reason"] == "AlreadyExists"
        else:
            assert status == 422 and not (valid_name and valid_labels), (name, key, value, answer)

    run()
    kube.still_answering()


numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([2**31 - 1, 2**31, 2**63 - 1, 2**63, -1, 0]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["five", "5", "", None, True, [], {}]),
)
# StatefulSet's spec is validated by its own controller's change (not yet here): it takes replicas -1 today.
SCALABLE = [kind for kind in KINDS if kind.kind in ("Deployment", "ReplicaSet", "ReplicationController")]


def test_replicas_are_taken_only_as_in_range_integers(kube):
    @fuzz(120)
    @given(kind=st.sampled_from(SCALABLE), replicas=numbers, how=st.sampled_from(["merge", "scale", "json"]))
    def run(kind, replicas, how):
        path = kube.stored(kind)
        if how == "merge":
            body, media = {"spec": {"replicas": replicas}}, "application/merge-patch+json"
        elif how == "json":
            body, media = (
                [{"op": "replace", "path": "/spec/replicas", "value": replicas}],
                "application/json-patch+json",
            )
        else:
            path, body, media = f"{path}/scale", {"spec": {"replicas": replicas}}, "application/merge-patch+json"
        status, answer = kube.send("PATCH", path, json.dumps(body).encode(), media)
        if status == 200:
            taken = answer["spec"].get("replicas", 1 if replicas is None else None)
            assert isinstance(taken, int) and 0 <= taken < 2**31, (replicas, answer)
            if replicas is not None:
                assert taken == replicas
        else:
            assert status in (400, 422), answer

    run()
    kube.still_answering()


# ---- unknown kinds and versions ----------------------------------------------------------------------------------
def test_unknown_resources_and_kinds_are_refused(kube):
    @fuzz(80)
    @given(
        kind=st.sampled_from(KINDS),
        group=st.sampled_from(["", "apps", "nope.io", "batch"]),
        version=st.sampled_from(["v1", "v2", "v1beta1", "x"]),
        plural=st.from_regex(r"\A[a-z]{1,12}\Z"),
        api_version=st.one_of(st.text(max_size=12), st.sampled_from(["v2", "apps/v2", "nope/v1", "v1", "apps/v1"])),
        kind_name=st.one_of(st.text(max_size=12), st.sampled_from(["Pod", "Deployment", "Nope", ""])),
    )
    def run(kind, group, version, plural, api_version, kind_name):
        if plural not in {known.plural for known in KINDS}:
            root = f"/apis/{group}/{version}" if group else f"/api/{version}"
            status, _ = kube.send("GET", f"/k8s/clusters/demo{root}/namespaces/default/{plural}")
            assert status == 404
            status, _ = kube.send("POST", f"/k8s/clusters/demo{root}/namespaces/default/{plural}", b"{}")
            assert status == 404
        body = valid(kind.kind)
        body["apiVersion"], body["kind"] = api_version, kind_name
        if (api_version, kind_name) != (kind.api_version, kind.kind):
            status, _ = kube.send("POST", collection(kind), json.dumps(body).encode())
            assert status == 400

    run()
    kube.still_answering()


# ---- lists and watches -------------------------------------------------------------------------------------------
query_values = st.one_of(
    st.text(max_size=16), st.sampled_from(["", "0", "-1", "abc", "9" * 30, "1.5", "=", "!", "a in (", "a,", "=="])
)


def test_lists_and_watches_with_bad_options_answer_a_status(kube):
    @fuzz(200)
    @given(
        kind=st.sampled_from(KINDS),
        watch=st.sampled_from([None, "1", "true", "false", "x"]),
        options=st.dictionaries(
            st.sampled_from(
                [
                    "resourceVersion",
                    "resourceVersionMatch",
                    "labelSelector",
                    "fieldSelector",
                    "limit",
                    "continue",
                    "sendInitialEvents",
                    "allowWatchBookmarks",
                    "timeoutSeconds",
                ]
            ),
            query_values,
            max_size=4,
        ),
    )
    def run(kind, watch, options):
        query = dict(options)
        if watch is not None:
            query["watch"] = watch
        query.setdefault("timeoutSeconds", "0")  # a watch that is accepted ends at once
        before = revision(kube.demo)
        response = kube.client.get(collection(kind), query, **kube.headers)
        content = read(response)
        assert response.status_code in ACCEPTED | REFUSALS, (query, content[:300])
        if response.status_code not in ACCEPTED:
            answer = json.loads(content)
            assert (answer["kind"], answer["code"]) == ("Status", response.status_code)
        assert revision(kube.demo) == before

    run()
    kube.still_answering()
