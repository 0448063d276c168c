"""`runlab` stops when asked (Ctrl+C, SIGTERM) even while its control plane is busy committing ticks."""

import signal
import sqlite3
import time

from tests.livelab import LabServer, free_port

# Long enough for a clean shutdown on a loaded machine; a process stuck waiting on a stopped event loop never ends.
SHUTDOWN_LIMIT_SECONDS = 20
BUSY_SIMULATED_SECONDS = 100  # at 100x the control plane commits ticks continuously by then


def demo_clock(server: LabServer) -> float:
    """The demo cluster's simulated time as the server last stored it, read from its own database file."""
    with sqlite3.connect(server.var_dir / "kubelab.sqlite3", timeout=10) as database:
        row = database.execute("SELECT now FROM lab_cluster WHERE name = 'demo'").fetchone()
    return row[0] if row else 0.0


def test_runlab_exits_on_sigterm_while_its_control_plane_runs_fast(tmp_path):
    server = LabServer(tmp_path, free_port(), speed=100)
    server.start()
    try:
        deadline = time.monotonic() + 30
        while demo_clock(server) < BUSY_SIMULATED_SECONDS:
            assert time.monotonic() < deadline, "the control plane never got going"
            time.sleep(0.1)  # another process's state: there is no event to wait on
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(timeout=SHUTDOWN_LIMIT_SECONDS) is not None
    finally:
        server.stop()
