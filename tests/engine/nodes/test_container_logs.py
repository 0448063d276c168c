"""The log ring's numbering: what a follower (`kubectl logs -f`) reads again to find the lines it has not sent."""

from cluster_engine.nodes.container_logs import LINES_PER_CONTAINER, ContainerLogs


def test_a_read_says_which_instance_and_how_many_lines_it_wrote():
    logs = ContainerLogs(clock=None)
    assert (logs.read("default", "web", "nginx").instance, logs.read("default", "web", "nginx").written) == (None, 0)
    logs.write("default", "web", "nginx", 0, "one")
    logs.write("default", "web", "nginx", 0, "two")
    first = logs.read("default", "web", "nginx")
    assert (first, first.instance, first.written) == (["one", "two"], 0, 2)
    logs.write("default", "web", "nginx", 0, "three")
    assert logs.read("default", "web", "nginx").after(first.written) == ["three"]
    assert logs.read("default", "web", "nginx").after(3) == []


def test_lines_the_ring_dropped_are_not_invented():
    logs = ContainerLogs(clock=None)
    for number in range(LINES_PER_CONTAINER + 50):
        logs.write("default", "web", "nginx", 0, f"line {number}")
    lines = logs.read("default", "web", "nginx")
    assert lines.written == LINES_PER_CONTAINER + 50
    assert lines.after(10) == [f"line {number}" for number in range(50, LINES_PER_CONTAINER + 50)]
    assert lines.after(LINES_PER_CONTAINER + 48) == [
        f"line {LINES_PER_CONTAINER + 48}",
        f"line {LINES_PER_CONTAINER + 49}",
    ]


def test_the_previous_instance_keeps_its_own_numbering():
    logs = ContainerLogs(clock=None)
    logs.write("default", "web", "nginx", 0, "first run")
    logs.write("default", "web", "nginx", 1, "second run")
    previous = logs.read("default", "web", "nginx", previous=True)
    current = logs.read("default", "web", "nginx")
    assert (previous, previous.instance, previous.written) == (["first run"], 0, 1)
    assert (current, current.instance, current.written) == (["second run"], 1, 1)
    logs.write("default", "web", "nginx", 2, "third run")
    assert logs.read("default", "web", "nginx", previous=True).instance == 1
