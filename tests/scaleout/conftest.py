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


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        [
            shutil.which("redis-server"),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
    )
    wait_for_port(port, process)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(10)


@pytest.fixture(scope="session")
def database_url():
    port = free_port()
    # Not under pytest's temporary root: that is private to root, and the server runs as `nobody`.
    base = Path(tempfile.mkdtemp(prefix="kubelab-postgres-"))
    if os.geteuid() == 0:
        shutil.chown(base, "nobody")
    data = base / "data"
    subprocess.run(
        as_postgres_user(["initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
    subprocess.run(
        as_postgres_user(["pg_ctl", "-D", str(data), "-o", options, "-l", str(base / "log"), "-w", "start"]),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    subprocess.run(
        [postgres_binary("createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "kubelab"], check=True
    )
    yield f"postgres://postgres@127.0.0.1:{port}/kubelab"
    subprocess.run(as_postgres_user(["pg_ctl", "-D", str(data), "-m", "immediate", "stop"]), stdout=subprocess.DEVNULL)
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def scaleout_env(database_url, redis_url):
    """The environment of a scale-out deployment: PostgreSQL + Redis, chosen by variables alone."""
    return {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url, "PYTHONUNBUFFERED": "1"}


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
