"""A live KubeLab for the real kubectl and the official Python client: one server process for the session."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from kubernetes import client

from tests.livelab import KUBECTLS, free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[2]
SPEED = 50  # simulated seconds per wall second, so rollouts finish in a blink


class Lab:
    def __init__(self, var_dir: Path, port: int):
        self.var_dir = var_dir
        self.port = port
        self.base = f"https://127.0.0.1:{port}"
        self.env = {**os.environ, "KUBELAB_VAR_DIR": str(var_dir)}

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, check=True
        )
        return done.stdout

    def kubeconfig(self, cluster: str = "demo", role: str = "admin") -> Path:
        path = self.var_dir / f"{cluster}-{role}.kubeconfig"
        if not path.exists():
            path.write_text(self.manage("kubeconfig", cluster, "--role", role, "--server", self.base))
        return path


@pytest.fixture(scope="session", params=sorted(KUBECTLS))
def kubectl_binary(request) -> Path:
    """Each kubectl test runs once per supported kubectl release, each against a lab of its own."""
    binary = KUBECTLS[request.param]
    if not binary.exists():
        pytest.fail(f"{binary} is missing: ./kubelab test installs the pinned kubectl releases")
    return binary


@pytest.fixture(scope="session")
def lab(tmp_path_factory, kubectl_binary):
    """`manage.py runlab` exactly as the README starts it, on free ports and a scratch database."""
    var_dir = tmp_path_factory.mktemp("kubelab-var")
    kube_port = free_port()
    started = Lab(var_dir, kube_port)
    command = [sys.executable, "manage.py", "runlab", "--port", str(free_port()), "--kube-port", str(kube_port)]
    process = subprocess.Popen(
        [*command, "--speed", str(SPEED)],
        cwd=ROOT,
        env=started.env,
        stdout=open(var_dir / "server.log", "w"),  # noqa: SIM115 - lives as long as the server
        stderr=subprocess.STDOUT,
    )
    wait_for_port(kube_port, process)
    yield started
    process.kill()
    process.wait()


@pytest.fixture(scope="session")
def kubectl(lab, kubectl_binary):
    """Run kubectl as an admin of the demo cluster; returns the CompletedProcess (stdout, stderr, returncode)."""

    def run(*args: str, config: Path | None = None, stdin: str | None = None, timeout: float = 120):
        return subprocess.run(
            [str(kubectl_binary), "--kubeconfig", str(config or lab.kubeconfig()), *args],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return run


@pytest.fixture(scope="session")
def credentials(lab):
    """The demo cluster's admin token and the CA that signed the kube API's certificate, from its kubeconfig."""
    config = yaml.safe_load(lab.kubeconfig().read_text())
    token = config["users"][0]["user"]["token"]
    return token, str(lab.var_dir / "kubeapi-tls" / "apiserver.crt")


@pytest.fixture(scope="session")
def api_client(lab, credentials):
    """The official Python client, configured as a kubeconfig would configure it."""
    token, ca = credentials
    configuration = client.Configuration(host=f"{lab.base}/k8s/clusters/demo")
    configuration.ssl_ca_cert = ca
    configuration.api_key = {"authorization": f"Bearer {token}"}
    return client.ApiClient(configuration)
