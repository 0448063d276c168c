"""Real PostgreSQL and Redis servers on loopback, started for the scale-out tests and stopped after them.

PostgreSQL refuses to run as root, so when the tests run as root (as CI does) its data directory belongs to the
unprivileged `nobody` user and its commands run through `runuser`.
"""

import glob
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.livelab import free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[2]


def postgres_binary(name: str) -> str:
    """PostgreSQL's server programs: on PATH, or where Debian's postgresql package keeps them."""
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if found is None:
        raise RuntimeError(f"{name} not found: ./kubelab test installs Debian's postgresql package when it is missing")
    return found


def as_postgres_user(command: list[str]) -> list[str]:
    command = [postgres_binary(command[0]), *command[1:]]
    return ["runuser", "-u", "nobody", "--", *command] if os.geteuid() == 0 else command


class RedisServer:
    """redis-server on loopback with nothing persisted: a restart forgets every key, channel-layer groups included."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL,
        )
        wait_for_port(self.port, self.process)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)

    def restart(self) -> None:
        self.stop()
        self.start()


class PostgresServer:
    """A PostgreSQL cluster of its own on loopback, with a `kubelab` database."""

    def __init__(self):
        self.port = free_port()
        # Not under pytest's temporary root: that is private to root, and the server runs as `nobody`.
        self.base = Path(tempfile.mkdtemp(prefix="kubelab-postgres-"))
        if os.geteuid() == 0:
            shutil.chown(self.base, "nobody")
        self.data = self.base / "data"
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/kubelab"

    def create(self) -> None:
        subprocess.run(
            as_postgres_user(["initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        self.control("start")
        subprocess.run(
            [postgres_binary("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "kubelab"],
            check=True,
        )

    def control(self, action: str, *arguments: str) -> None:
        options = f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        command = ["pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.base / "log"), "-w", action]
        subprocess.run(as_postgres_user([*command, *arguments]), check=True, stdout=subprocess.DEVNULL)

    def stop(self) -> None:
        """Stop at once: every connection cut, as a crash or a failover would."""
        self.control("stop", "-m", "immediate")

    def start(self) -> None:
        self.control("start")

    def remove(self) -> None:
        self.control("stop", "-m", "immediate")
        shutil.rmtree(self.base, ignore_errors=True)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres_server():
    server = PostgresServer()
    server.create()
    yield server
    server.remove()


@pytest.fixture(scope="session")
def scaleout_env(postgres_server, redis_server):
    """The environment of a scale-out deployment: PostgreSQL + Redis, chosen by variables alone."""
    return {**os.environ, "DATABASE_URL": postgres_server.url, "REDIS_URL": redis_server.url, "PYTHONUNBUFFERED": "1"}


@pytest.fixture(scope="session")
def manage(scaleout_env):
    """Run `manage.py ...` against the scale-out services; returns its stdout."""

    def run(*arguments: str, check: bool = True) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *arguments],
            cwd=ROOT,
            env=scaleout_env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if check and result.returncode:
            raise AssertionError(f"manage.py {' '.join(arguments)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    run("migrate", "--noinput")
    return run
