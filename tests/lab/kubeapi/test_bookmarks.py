"""When a watch's bookmarks are due, and what one carries: the version the stream has brought its client up to."""

import json
from datetime import UTC, datetime

from cluster_engine.api.kinds import kind_named
from lab.kubeapi.bookmarks import MESSAGE, next_bookmark_time
from lab.kubeapi.watch import Stream, WatchPlan


def plan(allow_bookmarks: bool, as_table: bool = False) -> WatchPlan:
    return WatchPlan(
        cluster_id=1,
        kind=kind_named("ConfigMap"),
        namespace="default",
        label_selector=None,
        field_selector=None,
        resource_version="5",
        timeout=1800,
        as_table=as_table,
        include_object="Metadata",
        now=datetime(2026, 1, 1, tzinfo=UTC),
        list_objects=lambda: ([], 5),
        allow_bookmarks=allow_bookmarks,
    )


def test_bookmarks_come_every_minute_and_two_seconds_before_the_deadline():
    assert next_bookmark_time(now=100.0, deadline=1900.0) == 160.0
    assert next_bookmark_time(now=1850.0, deadline=1900.0) == 1898.0
    assert next_bookmark_time(now=1898.0, deadline=1900.0) is None  # the pre-timeout one went out
    assert next_bookmark_time(now=100.0, deadline=101.5) is None  # a watch shorter than 2 s gets none


def test_a_bookmark_carries_the_newest_version_the_stream_passed_even_for_other_kinds():
    stream = Stream(plan(allow_bookmarks=True))
    stream.version = 5
    secret = {"kind": "Secret", "metadata": {"name": "s", "namespace": "default", "resourceVersion": "9"}}
    lines, finished = stream.lines_of(
        [
            {"type": "events", "events": [{"type": "ADDED", "object": secret}], "resourceVersion": 9, "oldest": 9},
            MESSAGE,
        ]
    )
    assert finished is False
    assert [json.loads(line) for line in lines] == [
        {"type": "BOOKMARK", "object": {"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"resourceVersion": "9"}}}
    ]


def test_no_bookmark_unless_asked():
    assert Stream(plan(allow_bookmarks=False)).lines_of([MESSAGE]) == ([], False)


def test_a_table_stream_gets_its_bookmark_as_a_table_as_upstream_prints_every_event_object():
    stream = Stream(plan(allow_bookmarks=True, as_table=True))
    stream.version = 7
    (line,), _ = stream.lines_of([MESSAGE])
    event = json.loads(line)
    assert (event["type"], event["object"]["kind"], event["object"]["metadata"]) == (
        "BOOKMARK",
        "Table",
        {"resourceVersion": "7"},
    )
    (row,) = event["object"]["rows"]
    assert row["cells"] == ["", 0, "<unknown>"]  # a ConfigMap with no name and no data
    assert row["object"]["metadata"] == {"resourceVersion": "7"}
