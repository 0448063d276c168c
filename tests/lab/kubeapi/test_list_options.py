"""ListOptions a list or a watch may not combine are refused with upstream's 422 before anything is served, and the
boolean parameters read as upstream's parameter codec reads them."""

import asyncio
import json

import pytest
from channels.db import database_sync_to_async
from django.test import AsyncClient, RequestFactory

from lab.kubeapi.list_options import ListOptions

from .conftest import bearer

pytestmark = pytest.mark.django_db(transaction=True)

CONFIG_MAPS = "/k8s/clusters/demo/api/v1/namespaces/default/configmaps"


def answer(cluster, query: str) -> tuple[int, dict]:
    async def scenario():
        token = await database_sync_to_async(bearer)(cluster)
        # over TLS, as kubectl sends its token
        response = await AsyncClient().get(f"{CONFIG_MAPS}?{query}", headers={"authorization": token}, secure=True)
        return response.status_code, json.loads(response.content)

    return asyncio.run(scenario())


def refusal(message: str, *causes: tuple[str, str, str]) -> dict:
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": f'ListOptions.meta.k8s.io "" is invalid: {message}',
        "reason": "Invalid",
        "details": {
            "kind": "ListOptions",
            "causes": [{"reason": reason, "message": text, "field": path} for reason, text, path in causes],
            "group": "meta.k8s.io",
        },
        "code": 422,
    }


def test_send_initial_events_on_a_watch_requires_not_older_than(demo):
    code, body = answer(demo, "watch=1&sendInitialEvents=true&allowWatchBookmarks=true")
    detail = "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"
    assert (code, body) == (
        422,
        refusal(
            f"resourceVersionMatch: Forbidden: {detail}",
            ("FieldValueForbidden", f"Forbidden: {detail}", "resourceVersionMatch"),
        ),
    )


def test_resource_version_match_on_a_watch_requires_send_initial_events(demo):
    code, body = answer(demo, "watch=true&resourceVersionMatch=NotOlderThan&resourceVersion=1")
    detail = "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided"
    assert (code, body) == (
        422,
        refusal(
            f"resourceVersionMatch: Forbidden: {detail}",
            ("FieldValueForbidden", f"Forbidden: {detail}", "resourceVersionMatch"),
        ),
    )


def test_a_watch_takes_only_not_older_than_and_lists_every_problem(demo):
    code, body = answer(demo, "watch=true&sendInitialEvents=false&resourceVersionMatch=Exact")
    forbidden = "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"
    unsupported = 'Unsupported value: "Exact": supported values: "NotOlderThan"'
    assert code == 422
    assert body["message"] == (
        f'ListOptions.meta.k8s.io "" is invalid: [resourceVersionMatch: Forbidden: {forbidden}, '
        f"resourceVersionMatch: {unsupported}]"
    )
    assert [cause["reason"] for cause in body["details"]["causes"]] == ["FieldValueForbidden", "FieldValueNotSupported"]


def test_a_list_refuses_send_initial_events_and_an_exact_match_on_version_zero(demo):
    code, body = answer(demo, "sendInitialEvents=true&resourceVersionMatch=Exact&resourceVersion=0")
    exact = 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'
    assert (code, body["message"]) == (
        422,
        f'ListOptions.meta.k8s.io "" is invalid: [resourceVersionMatch: Forbidden: {exact}, '
        "sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list]",
    )
    code, body = answer(demo, "resourceVersionMatch=NotOlderThan")
    assert body["message"] == (
        'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: '
        "resourceVersionMatch is forbidden unless resourceVersion is provided"
    )


def test_a_list_with_a_version_and_a_match_is_served(demo):
    code, body = answer(demo, "resourceVersion=0&resourceVersionMatch=NotOlderThan")
    assert (code, body["kind"]) == (200, "ConfigMapList")


def test_booleans_read_as_upstream_reads_query_parameters():
    def send_initial_events(query: str):
        return ListOptions.of(RequestFactory().get(f"/?{query}"), watch=True).send_initial_events

    assert send_initial_events("") is None
    assert [send_initial_events(f"sendInitialEvents={value}") for value in ("true", "1", "", "yes")] == [True] * 4
    assert [send_initial_events(f"sendInitialEvents={value}") for value in ("false", "FALSE", "0")] == [False] * 3
