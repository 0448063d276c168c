"""A plain HTTP watch with allowWatchBookmarks=true against a live lab: the bookmark before the deadline."""

import json

import requests
import yaml

DEMO = "/k8s/clusters/demo"
CONFIG_MAPS = "/api/v1/namespaces/default/configmaps"


def watch_events(lab, query: str) -> tuple[list[dict], int]:
    config = yaml.safe_load(lab.kubeconfig().read_text())
    headers = {"Authorization": f"Bearer {config['users'][0]['user']['token']}"}
    ca = str(lab.var_dir / "kubeapi-tls" / "apiserver.crt")
    listed = requests.get(lab.base + DEMO + CONFIG_MAPS, headers=headers, verify=ca, timeout=30).json()
    version = listed["metadata"]["resourceVersion"]
    url = f"{lab.base}{DEMO}{CONFIG_MAPS}?watch=true&resourceVersion={version}&timeoutSeconds=3{query}"
    with requests.get(url, headers=headers, verify=ca, stream=True, timeout=30) as response:
        assert response.status_code == 200
        return [json.loads(line) for line in response.iter_lines() if line], int(version)


def test_a_watch_that_allows_bookmarks_gets_one_before_it_times_out(lab):
    events, listed = watch_events(lab, "&allowWatchBookmarks=true")
    bookmarks = [event for event in events if event["type"] == "BOOKMARK"]
    assert len(bookmarks) == 1  # 2 s before the 3 s deadline; the minute's one would come later
    assert events[-1] is bookmarks[0]
    assert set(bookmarks[0]["object"]) == {"kind", "apiVersion", "metadata"}
    assert (bookmarks[0]["object"]["kind"], bookmarks[0]["object"]["apiVersion"]) == ("ConfigMap", "v1")
    assert list(bookmarks[0]["object"]["metadata"]) == ["resourceVersion"]
    assert int(bookmarks[0]["object"]["metadata"]["resourceVersion"]) >= listed


def test_a_watch_that_does_not_allow_bookmarks_gets_none(lab):
    events, _ = watch_events(lab, "")
    assert all(event["type"] != "BOOKMARK" for event in events)
