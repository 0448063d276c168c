"""How a kube API watch turns watch-cache messages into lines: shared bytes for plain streams, selector
transitions, and where a stream stops."""

import json
from datetime import UTC, datetime

from cluster_engine.api.kinds import kind_named
from lab.kubeapi.watch import Stream, WatchPlan


def plan(namespace="default", label_selector=None, as_table=False) -> WatchPlan:
    made = WatchPlan(
        cluster_id=1,
        kind=kind_named("ConfigMap"),
        namespace=namespace,
        label_selector=label_selector,
        field_selector=None,
        resource_version="5",
        timeout=60,
        as_table=as_table,
        include_object="Metadata",
        now=datetime(2026, 1, 1, tzinfo=UTC),
        list_objects=lambda: ([], 5),
    )
    made.parse_selectors()
    return made


def config_map(name: str, version: int, namespace="default", labels=None) -> dict:
    metadata = {"name": name, "namespace": namespace, "resourceVersion": str(version)}
    if labels:
        metadata["labels"] = labels
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata}


def message(*events) -> dict:
    versions = [int(event["object"]["metadata"]["resourceVersion"]) for event in events]
    return {"type": "events", "events": list(events), "resourceVersion": 9, "oldest": min(versions)}


def decoded(lines: list[bytes]) -> list[tuple[str, str]]:
    found = [json.loads(line) for chunk in lines for line in chunk.splitlines()]
    return [(event["type"], event["object"]["metadata"]["name"]) for event in found]


def test_plain_streams_of_one_namespace_share_the_same_bytes():
    batch = message(
        {"type": "MODIFIED", "object": config_map("a", 6)},
        {"type": "ADDED", "object": config_map("b", 7, namespace="other")},
        {
            "type": "ADDED",
            "object": {"kind": "Secret", "metadata": {"name": "s", "namespace": "default", "resourceVersion": "8"}},
        },
    )
    first, _ = Stream(plan()).lines_of([batch])
    second, _ = Stream(plan()).lines_of([batch])
    assert first[0] is second[0]
    assert first[0] == (
        b'{"type":"MODIFIED","object":{"apiVersion":"v1","kind":"ConfigMap",'
        b'"metadata":{"name":"a","namespace":"default","resourceVersion":"6"}}}\n'
    )
    everywhere, finished = Stream(plan(namespace=None)).lines_of([batch])
    assert decoded(everywhere) == [("MODIFIED", "a"), ("ADDED", "b")]
    assert finished is False


def test_a_stream_with_nothing_for_it_writes_nothing():
    batch = message({"type": "ADDED", "object": config_map("b", 7, namespace="other")})
    assert Stream(plan()).lines_of([batch]) == ([], False)


def test_a_selected_stream_sees_objects_enter_and_leave_its_view():
    stream = Stream(plan(label_selector="app=web"))
    batch = message(
        {"type": "ADDED", "object": config_map("a", 6, labels={"app": "web"})},
        {"type": "MODIFIED", "object": config_map("a", 7, labels={"app": "db"})},
        {"type": "ADDED", "object": config_map("b", 8, labels={"app": "db"})},
    )
    lines, _ = stream.lines_of([batch])
    assert decoded(lines) == [("ADDED", "a"), ("DELETED", "a")]


def test_the_stream_stops_at_its_end_and_at_gone():
    stream = Stream(plan())
    before = message({"type": "ADDED", "object": config_map("a", 6)})
    after = message({"type": "ADDED", "object": config_map("b", 7)})
    lines, finished = stream.lines_of([before, {"type": "end"}, after])
    assert (decoded(lines), finished) == ([("ADDED", "a")], True)
    status = {"kind": "Status", "apiVersion": "v1", "status": "Failure", "code": 410, "reason": "Expired"}
    lines, finished = stream.lines_of([{"type": "gone", "status": status}, after])
    assert finished is True
    assert [json.loads(line) for line in lines] == [{"type": "ERROR", "object": status}]


def test_table_streams_at_the_same_clock_time_share_the_same_bytes():
    made = config_map("a", 6)
    made["metadata"]["creationTimestamp"] = "2025-12-31T00:00:00Z"
    batch = message({"type": "MODIFIED", "object": made})
    first, _ = Stream(plan(as_table=True)).lines_of([batch])
    second, _ = Stream(plan(as_table=True)).lines_of([batch])
    assert first[0] is second[0]
    event = json.loads(first[0])
    assert (event["type"], event["object"]["kind"], event["object"]["rows"][0]["cells"][0]) == (
        "MODIFIED",
        "Table",
        "a",
    )
    later = Stream(plan(as_table=True))
    later.now = datetime(2026, 1, 2, tzinfo=UTC)  # another clock time: its own ages, so its own bytes
    assert later.lines_of([batch])[0][0] != first[0]
