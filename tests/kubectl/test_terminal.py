"""The terminal's runner with the real kubectl against a live lab: output as it comes, the editor pane on standard
input, a view token's 403, the time and output limits, one command at a time, and a watch ended by Ctrl-C."""

import asyncio

import pytest
from django.utils import translation

from lab.terminal import runner
from lab.terminal.policy import parse


@pytest.fixture
def terminal_kubectl(settings, kubectl_binary):
    """The terminal runs the kubectl release under test, and speaks English."""
    settings.KUBECTL_BINARY = str(kubectl_binary)
    with translation.override("en"):
        yield


def run(line: str, config: str, stdin: str | None = None, limits: runner.Limits | None = None, person: str = "p"):
    chunks = []

    async def emit(text: str) -> None:
        chunks.append(text)

    outcome = asyncio.run(runner.run(person, parse(line), config, emit, stdin, limits))
    return outcome, "".join(chunks)


def test_get_nodes_prints_the_clusters_nodes(lab, terminal_kubectl):
    outcome, output = run("kubectl get nodes", lab.kubeconfig().read_text())
    assert outcome.exit_code == 0 and outcome.note is None and not outcome.interrupted
    header, *rows = output.splitlines()
    assert header.split()[:2] == ["NAME", "STATUS"]
    assert {row.split()[0] for row in rows} >= {"control-plane-1", "worker-1"}


def test_the_editor_pane_is_applied_from_standard_input(lab, terminal_kubectl):
    manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-the-editor\ndata:\n  colour: blue\n"
    outcome, output = run("kubectl apply -f -", lab.kubeconfig().read_text(), stdin=manifest)
    assert (outcome.exit_code, output) == (0, "configmap/from-the-editor created\n")
    outcome, output = run(
        "kubectl get configmap from-the-editor -o jsonpath={.data.colour}", lab.kubeconfig().read_text()
    )
    assert output == "blue"


def test_a_view_token_gets_the_api_servers_forbidden(lab, terminal_kubectl):
    outcome, output = run("kubectl scale deployment web --replicas=5", lab.kubeconfig(role="view").read_text())
    assert outcome.exit_code == 1
    assert output == (
        'Error from server (Forbidden): deployments.apps "web" is forbidden: User '
        '"system:serviceaccount:default:kubelab-student" cannot patch resource "deployments/scale" in API group "apps" '
        'in the namespace "default"\n'
    )


def test_output_past_the_limit_is_cut_with_a_note(lab, terminal_kubectl):
    limits = runner.Limits(output_bytes=2048)
    outcome, output = run("kubectl get pods -A -o yaml", lab.kubeconfig().read_text(), limits=limits)
    assert len(output.encode()) == 2048
    assert outcome.note == "output cut at 2 KiB: narrow the command (a name, -l, -o name)"
    assert not runner.busy("p")  # stopped (SIGINT, or SIGKILL past the grace period), never left running


def test_a_command_past_its_time_limit_is_stopped(lab, terminal_kubectl):
    limits = runner.Limits(streaming_seconds=2)
    outcome, output = run("kubectl get nodes --watch", lab.kubeconfig().read_text(), limits=limits)
    assert outcome.note == "stopped after 2 seconds, the terminal's time limit"
    assert output.splitlines()[0].split()[:2] == ["NAME", "STATUS"]


class Output:
    """What a command printed so far, and a way to wait until it prints something."""

    def __init__(self):
        self.text = ""
        self.changed = asyncio.Condition()

    async def emit(self, text: str) -> None:
        async with self.changed:
            self.text += text
            self.changed.notify_all()

    async def shows(self, fragment: str) -> None:
        """Until the output holds `fragment`; a minute at most, so a command that never prints it fails the test."""
        async with asyncio.timeout(60), self.changed:
            await self.changed.wait_for(lambda: fragment in self.text)


def test_a_watch_streams_until_ctrl_c_and_a_second_command_waits_its_turn(lab, terminal_kubectl):
    config = lab.kubeconfig().read_text()
    _, replicas = run("kubectl get deployment web -o jsonpath={.spec.replicas}", config)

    async def scenario():
        watch, second, other = Output(), Output(), Output()
        watching = asyncio.create_task(runner.run("teacher", parse("kubectl get pods --watch"), config, watch.emit))
        await watch.shows("\n")
        assert runner.busy("teacher")
        with pytest.raises(runner.Busy) as busy:
            await runner.run("teacher", parse("kubectl get nodes"), config, second.emit)
        assert str(busy.value) == "A command is still running: wait for it, or press Ctrl-C to stop it."
        finished = await runner.run("someone-else", parse("kubectl get nodes -o name"), config, other.emit)
        assert finished.exit_code == 0 and "node/worker-1" in other.text
        assert not watching.done()  # still streaming: a watch runs until Ctrl-C
        shown = len(watch.text)
        await asyncio.to_thread(scale, config, int(replicas) + 1)  # a change the watch reports as it happens
        async with asyncio.timeout(60), watch.changed:
            await watch.changed.wait_for(lambda: "Pending" in watch.text[shown:])
        assert runner.interrupt("teacher")
        outcome = await watching
        assert outcome.interrupted and outcome.note is None
        assert not runner.busy("teacher")

    asyncio.run(scenario())
    outcome, _ = run("kubectl get nodes -o name", config, person="teacher")
    assert outcome.exit_code == 0
    scale(config, int(replicas))


def scale(config: str, replicas: int) -> None:
    outcome, output = run(f"kubectl scale deployment web --replicas={replicas}", config, person="scaler")
    assert outcome.exit_code == 0, output


def test_past_the_process_limit_a_command_waits_for_a_free_slot(lab, terminal_kubectl, monkeypatch):
    monkeypatch.setattr(runner, "MAX_PROCESSES", 1)
    config = lab.kubeconfig().read_text()

    async def scenario():
        watch, waiting = Output(), Output()
        watching = asyncio.create_task(runner.run("first", parse("kubectl get nodes --watch"), config, watch.emit))
        await watch.shows("\n")
        queued = asyncio.create_task(runner.run("second", parse("kubectl get nodes -o name"), config, waiting.emit))
        await asyncio.sleep(0)  # let it reach the slot it must wait for
        assert runner.busy("second") and runner._running["second"].process is None
        runner.interrupt("first")
        await watching
        outcome = await queued
        assert outcome.exit_code == 0 and "node/worker-1" in waiting.text

    asyncio.run(scenario())


def test_logs_follow_streams_until_ctrl_c(lab, terminal_kubectl):
    """On a pod of its own, started for it: the shared lab's other pods may be anywhere in their lives."""
    config = lab.kubeconfig().read_text()
    for line in (
        "kubectl create deployment follow-logs --image=nginx:1.27",
        "kubectl rollout status deployment/follow-logs --timeout=120s",
    ):
        outcome, output = run(line, config)
        assert outcome.exit_code == 0, output

    async def scenario():
        logs = Output()
        line = parse("kubectl logs -f deployment/follow-logs")
        following = asyncio.create_task(runner.run("follower", line, config, logs.emit))
        async with asyncio.timeout(60):
            await logs.shows("Configuration complete; ready for start up\n")
        assert not following.done()  # the container runs on, so kubectl follows it
        assert runner.interrupt("follower")
        outcome = await following
        assert outcome.interrupted and outcome.note is None

    try:
        asyncio.run(scenario())
    finally:
        run("kubectl delete deployment follow-logs", config)
