from cluster_engine.runtime.cache import Cache, key_of, split_key


def pod(name, version, node=None, namespace="default"):
    return {
        "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace, "resourceVersion": str(version)},
        "spec": {"nodeName": node} if node else {},
    }


def test_keys_follow_client_go():
    assert key_of(pod("web", 1)) == "default/web"
    assert key_of({"kind": "Node", "metadata": {"name": "worker-1"}}) == "worker-1"
    assert split_key("default/web") == ("default", "web")
    assert split_key("worker-1") == (None, "worker-1")


def test_handlers_see_adds_updates_and_deletes_and_stale_events_are_ignored():
    cache = Cache()
    seen = []
    cache.informer("Pod").add_handler(
        lambda obj: seen.append(("add", obj["metadata"]["resourceVersion"])),
        lambda old, new: seen.append(
            ("update", old["metadata"]["resourceVersion"], new["metadata"]["resourceVersion"])
        ),
        lambda obj: seen.append(("delete", obj["metadata"]["resourceVersion"])),
    )
    assert cache.apply("ADDED", pod("a", 3))
    assert not cache.apply("MODIFIED", pod("a", 2))  # older than what we hold: a replay
    assert cache.apply("MODIFIED", pod("a", 5))
    assert not cache.apply("MODIFIED", pod("a", 5))  # our own write, heard again from the watch
    assert cache.apply("DELETED", pod("a", 6))
    assert seen == [("add", "3"), ("update", "3", "5"), ("delete", "5")]
    assert cache.resource_version == 6


def test_index_tracks_moves():
    cache = Cache()
    informer = cache.informer("Pod")
    informer.add_index("node", lambda obj: [obj["spec"]["nodeName"]] if obj["spec"].get("nodeName") else [])
    cache.apply("ADDED", pod("a", 1, "n1"))
    cache.apply("ADDED", pod("b", 2, "n1"))
    cache.apply("MODIFIED", pod("a", 3, "n2"))
    assert sorted(p["metadata"]["name"] for p in informer.by_index("node", "n1")) == ["b"]
    assert [p["metadata"]["name"] for p in informer.by_index("node", "n2")] == ["a"]
    cache.apply("DELETED", pod("a", 4, "n2"))
    assert informer.by_index("node", "n2") == []


def test_late_handler_hears_existing_objects():
    cache = Cache()
    cache.apply("ADDED", pod("a", 1))
    added = []
    cache.informer("Pod").add_handler(lambda obj: added.append(key_of(obj)))
    assert added == ["default/a"]


def test_replace_after_relist_removes_what_is_gone():
    cache = Cache()
    deleted = []
    cache.informer("Pod").add_handler(on_delete=lambda obj: deleted.append(key_of(obj)))
    cache.apply("ADDED", pod("a", 1))
    cache.apply("ADDED", pod("b", 2))
    cache.replace("Pod", [pod("b", 2), pod("c", 7)], 9)
    assert sorted(obj["metadata"]["name"] for obj in cache.list("Pod")) == ["b", "c"]
    assert deleted == ["default/a"]
    assert cache.resource_version == 9


def test_late_event_cannot_resurrect_a_deleted_object():
    cache = Cache()
    cache.apply("ADDED", pod("a", 1))
    cache.apply("DELETED", pod("a", 4))
    assert not cache.apply("MODIFIED", pod("a", 3))
    assert cache.get("Pod", "default/a") is None
    assert cache.apply("ADDED", pod("a", 6))  # recreated later under the same name
