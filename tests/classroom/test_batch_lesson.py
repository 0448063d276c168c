"""The batch job lesson on a full simulated control plane: each checkpoint passes only once its Job has ended as the
step says, and the answers the lesson reveals are what the cluster does."""

from cluster_engine.simulation import Simulation
from lab.lessons import LESSONS_BY_SLUG, ClusterState
from lab.lessons.m_batch_job import FLAKY, REPORT, STRICT

LESSON = LESSONS_BY_SLUG["batch-job"]


def started() -> Simulation:
    sim = Simulation(seed=0)
    _topology, manifests = LESSON.manifests(sandbox=True)
    sim.apply(manifests)
    sim.start()
    sim.run_for(60)
    return sim


def passes(sim: Simulation, step: int) -> bool:
    state = ClusterState({kind: sim.objects(kind) for kind in ("Job", "Pod")})
    return LESSON.steps[step].checkpoint.check(state)


def job_pods(sim: Simulation, name: str) -> list[dict]:
    return [pod for pod in sim.objects("Pod", "default") if pod["metadata"]["labels"].get("app") == name]


def pod_created_times(sim: Simulation, name: str) -> list[float]:
    return sorted(sim.clock.seconds_since_epoch(pod["metadata"]["creationTimestamp"]) for pod in job_pods(sim, name))


def test_the_report_checkpoint_waits_for_completion():
    sim = started()
    assert passes(sim, 0) is False
    sim.server.create("Job", REPORT)
    sim.run_for(10)
    assert passes(sim, 0) is False  # running, not yet complete
    sim.run_for(60)
    assert passes(sim, 0) is True
    [pod] = job_pods(sim, "report")
    assert pod["status"]["phase"] == "Succeeded"  # the revealed answer


def test_flaky_backs_off_and_gives_up_after_four_failures():
    sim = started()
    sim.server.create("Job", FLAKY)
    sim.run_for(30)
    assert passes(sim, 2) is False
    sim.run_for(300)
    assert passes(sim, 2) is True
    pods = job_pods(sim, "flaky")
    assert len(pods) == 4 and all(pod["status"]["phase"] == "Failed" for pod in pods)
    finished = sorted(
        sim.clock.seconds_since_epoch(pod["status"]["containerStatuses"][0]["state"]["terminated"]["finishedAt"])
        for pod in pods
    )
    created = pod_created_times(sim, "flaky")
    assert created[2] - finished[1] == 20  # the second step's answer: 20 s after the second failure


def test_strict_fails_at_its_first_pod():
    sim = started()
    sim.server.create("Job", STRICT)
    sim.run_for(5)
    assert passes(sim, 3) is False
    sim.run_for(120)
    assert passes(sim, 3) is True
    assert len(job_pods(sim, "strict")) == 1
    assert passes(sim, 2) is False  # flaky was never created here
