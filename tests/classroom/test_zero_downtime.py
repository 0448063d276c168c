"""The "Zero-downtime rollout?" lesson on a full simulated control plane: each checkpoint passes only once its state
is reached, and each reveal says what the traffic really met."""

from cluster_engine.simulation import Simulation
from cluster_engine.traffic.clients import client_configmap
from cluster_engine.traffic.component import Traffic
from lab.lessons import LESSONS_BY_SLUG, ClusterState
from lab.lessons.l_zero_downtime import FAIL_PROBE, FIRST_ROLLOUT, RATE, SECOND_ROLLOUT
from tests.engine.traffic.helpers import failures, record

LESSON = LESSONS_BY_SLUG["zero-downtime"]
KINDS = ("Node", "Pod", "Deployment", "ReplicaSet", "Service", "Endpoints", "ConfigMap")


def passes(sim: Simulation, step: int) -> bool:
    state = ClusterState({kind: sim.objects(kind) for kind in KINDS})
    return LESSON.steps[step].checkpoint.check(state)


def answer(step: int) -> str:
    return LESSON.steps[step].question.answer


def test_the_lesson_replays_as_its_reveals_say():
    sim = Simulation(seed=0)
    _topology, manifests = LESSON.manifests(sandbox=True)
    sim.apply(manifests)
    sim.start()
    sim.run_for(60)
    traffic = next(component for component in sim.control_plane.components if isinstance(component, Traffic))

    assert passes(sim, 0) is False
    sim.operator.create("ConfigMap", client_configmap("default", "web", RATE, "ClusterIP"))
    assert passes(sim, 0) is True
    assert failures(record(sim, traffic, 5)) == {}

    sim.client.patch("Deployment", "default", "web", FIRST_ROLLOUT, patch_type="strategic")
    abrupt = failures(record(sim, traffic, 60))
    assert answer(1) == "some" and abrupt and all(set(reasons) == {"timeout"} for reasons in abrupt.values())
    assert len(abrupt) <= 6  # a moment per old pod, not the whole rollout

    assert passes(sim, 2) is True  # every pod drains now: the checkpoint only waits for this step's rollout
    sim.client.patch("Deployment", "default", "web", SECOND_ROLLOUT, patch_type="strategic")
    assert answer(2) == "none" and failures(record(sim, traffic, 60)) == {}
    assert passes(sim, 2) is True

    first = sorted(pod["metadata"]["name"] for pod in sim.objects("Pod", "default") if pod["spec"].get("nodeName"))[0]
    sim.client.patch("Pod", "default", first, {"metadata": {"annotations": {FAIL_PROBE: "readiness"}}})
    sim.run_for(1)
    assert passes(sim, 3) is False
    failing = failures(record(sim, traffic, 45))
    assert answer(3) == "30s" and failing and all(set(reasons) == {"error"} for reasons in failing.values())
    assert max(failing) - min(failing) <= 31
    assert passes(sim, 3) is True

    sim.operator.patch("Node", None, "worker-3", {"metadata": {"annotations": {"kubelab.io/power": "off"}}})
    sim.run_for(1)
    assert passes(sim, 4) is False
    dead = failures(record(sim, traffic, 70))
    assert answer(4) == "50s" and all(set(reasons) == {"timeout"} for reasons in dead.values())
    assert 45 <= len(dead) <= 56
    assert passes(sim, 4) is True
