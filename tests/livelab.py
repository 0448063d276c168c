"""A live lab for browser tests: `manage.py runlab` as the README starts it, on free ports and a fresh database."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
ADMIN_PASSWORD = "browser-test-admin-1"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
STARTUP_SECONDS = 60
# The kubectl releases we support, each a pinned PyPI wheel: the newest comes with requirements.txt, the oldest is
# installed beside it by `./kubelab test` (tests/kubectl/oldest-kubectl.txt). Never a kubectl from the machine's PATH.
KUBECTLS = {
    "newest": Path(sys.prefix) / "bin" / "kubectl",
    "oldest": Path(sys.prefix) / "kubectl-oldest" / "bin" / "kubectl",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    """Until `process` listens on `port` (another process: there is no event to wait on), or fail if it exits."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before listening on {port}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listened on port {port} within {seconds} s")


class LabServer:
    """One `runlab` process; `restart()` stops it and starts it again on the same port and database."""

    def __init__(self, var_dir: Path, port: int, speed: float | None = None, env: dict | None = None):
        self.var_dir = var_dir
        self.env = {**os.environ, **(env or {}), "KUBELAB_VAR_DIR": str(var_dir)}
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.kube_port = free_port()  # the kube API's HTTPS port, free too, so servers never collide on 6443
        self.speed = speed
        self.process = None

    def start(self) -> None:
        env = {**self.env, "KUBELAB_ADMIN_PASSWORD": ADMIN_PASSWORD}
        log = open(self.var_dir / "server.log", "ab")  # noqa: SIM115 - the server process writes it until stopped
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "runlab", "--port", str(self.port), "--kube-port", str(self.kube_port)]
            + (["--speed", str(self.speed)] if self.speed else []),
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"runlab exited: {(self.var_dir / 'server.log').read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("runlab did not answer in time")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def restart(self) -> None:
        self.stop()
        self.start()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
