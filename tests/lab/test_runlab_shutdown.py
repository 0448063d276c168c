"""`runlab` stops when asked (Ctrl+C, SIGTERM) even while its control plane is busy committing ticks."""

import signal
import time

from tests.livelab import LabServer, free_port

# Long enough for a clean shutdown on a loaded machine; a process stuck waiting on a stopped event loop never ends.
SHUTDOWN_LIMIT_SECONDS = 20


def test_runlab_exits_on_sigterm_while_its_control_plane_runs_fast(tmp_path):
    server = LabServer(tmp_path, free_port(), speed=100)
    server.start()
    try:
        time.sleep(2)  # let the control plane get busy: at 100x most ticks commit
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(timeout=SHUTDOWN_LIMIT_SECONDS) is not None
    finally:
        server.stop()
