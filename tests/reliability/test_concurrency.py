"""Concurrent writers against a live lab's kube API: optimistic concurrency holds as upstream's does.

Many clients released at the same instant (a barrier) write the same object: with one resourceVersion exactly one
update wins and the others get upstream's 409 Conflict; one name is created once and the others get 409
AlreadyExists; clients that read, modify and write with retries on conflict lose no update; mixed scale and patch
storms leave every acknowledged change in place.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

WRITERS = 12
CONFLICT = (
    'Operation cannot be fulfilled on configmaps "{name}": the object has been modified; please apply your changes '
    "to the latest version and try again"
)


def all_at_once(count: int, action):
    """Run action(i) for i in range(count) on `count` threads released together; their results in order."""
    barrier = threading.Barrier(count)

    def released(index: int):
        barrier.wait()
        return action(index)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(released, range(count)))


def config_map(name: str, data: dict, version: str | None = None) -> dict:
    metadata = {"name": name, **({"resourceVersion": version} if version else {})}
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata, "data": data}


@pytest.fixture
def config_maps(kube):
    return f"{kube.api}/api/v1/namespaces/default/configmaps"


def test_updates_carrying_one_resource_version_let_exactly_one_win(kube, config_maps):
    created = kube.session().post(config_maps, json=config_map("contested", {"writer": "none"})).json()
    version = created["metadata"]["resourceVersion"]

    def update(index: int) -> requests.Response:
        body = config_map("contested", {"writer": str(index)}, version)
        return kube.session().put(f"{config_maps}/contested", json=body)

    answers = all_at_once(WRITERS, update)
    won = [index for index, answer in enumerate(answers) if answer.status_code == 200]
    assert len(won) == 1, [answer.status_code for answer in answers]
    for answer in answers:
        if answer.status_code != 200:
            assert answer.status_code == 409
            assert (answer.json()["reason"], answer.json()["message"]) == (
                "Conflict",
                CONFLICT.format(name="contested"),
            )
    stored = kube.session().get(f"{config_maps}/contested").json()
    assert stored["data"] == {"writer": str(won[0])}
    assert int(stored["metadata"]["resourceVersion"]) > int(version)


def test_creates_of_one_name_make_one_object(kube, config_maps):
    answers = all_at_once(
        WRITERS, lambda index: kube.session().post(config_maps, json=config_map("once", {"by": str(index)}))
    )
    codes = sorted(answer.status_code for answer in answers)
    assert codes == [201] + [409] * (WRITERS - 1)
    refused = next(answer.json() for answer in answers if answer.status_code == 409)
    assert (refused["reason"], refused["message"]) == ("AlreadyExists", 'configmaps "once" already exists')
    winner = next(answer.json() for answer in answers if answer.status_code == 201)
    stored = kube.session().get(f"{config_maps}/once").json()
    assert stored["metadata"]["uid"] == winner["metadata"]["uid"]
    assert stored["data"] == winner["data"]


def test_read_modify_write_with_retries_loses_no_update(kube, config_maps):
    kube.session().post(config_maps, json=config_map("counter", {"count": "0"}))
    increments = 5

    def increment_repeatedly(_index: int) -> int:
        session, conflicts = kube.session(), 0
        for _ in range(increments):
            while True:
                current = session.get(f"{config_maps}/counter").json()
                current["data"]["count"] = str(int(current["data"]["count"]) + 1)
                answer = session.put(f"{config_maps}/counter", json=current)
                if answer.status_code == 200:
                    break
                assert answer.status_code == 409, answer.text
                conflicts += 1
        return conflicts

    conflicts = all_at_once(WRITERS, increment_repeatedly)
    stored = kube.session().get(f"{config_maps}/counter").json()
    assert stored["data"]["count"] == str(WRITERS * increments)
    assert sum(conflicts) > 0  # the writers really did collide, and each collision was refused, not merged


def test_scale_and_patch_storms_keep_every_acknowledged_change(kube):
    deployments = f"{kube.api}/apis/apps/v1/namespaces/default/deployments"
    labels = {"app": "stormy"}
    manifest = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "stormy"},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "web", "image": "nginx"}]}},
        },
    }
    assert kube.session().post(deployments, json=manifest).status_code == 201
    merge = {"Content-Type": "application/merge-patch+json"}
    rounds = 6

    def storm(index: int) -> list[int]:
        session, codes = kube.session(), []
        for round_ in range(rounds):
            if index == 0:  # one client scales, as `kubectl scale` does, the others label
                body = {"spec": {"replicas": round_ + 1}}
                codes.append(session.patch(f"{deployments}/stormy/scale", json=body, headers=merge).status_code)
            else:
                body = {"metadata": {"labels": {f"writer-{index}": str(round_)}}}
                codes.append(session.patch(f"{deployments}/stormy", json=body, headers=merge).status_code)
        return codes

    codes = all_at_once(WRITERS, storm)
    assert {code for client in codes for code in client} == {200}  # patches without a version never conflict
    stored = kube.session().get(f"{deployments}/stormy").json()
    assert stored["spec"]["replicas"] == rounds
    assert stored["metadata"]["labels"] == {f"writer-{index}": str(rounds - 1) for index in range(1, WRITERS)}
    assert stored["metadata"]["generation"] >= 2
