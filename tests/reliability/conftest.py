"""A live lab whose kube API the reliability suites load, race and break, as a classroom of clients would."""

import base64
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
import yaml

from tests.livelab import REPO, LabServer, free_port


@dataclass
class KubeApi:
    """The demo cluster's kube API on a live lab: its base URL and sessions authenticated as its admin."""

    api: str
    token: str
    ca: Path

    def session(self) -> requests.Session:
        session = requests.Session()
        session.trust_env = False  # REQUESTS_CA_BUNDLE or a proxy from the machine's environment must not apply
        session.headers["Authorization"] = f"Bearer {self.token}"
        session.verify = str(self.ca)
        return session


def kube_api(server: LabServer) -> KubeApi:
    """The demo cluster's kube API on `server`, with an admin token and CA from the kubeconfig the README prints."""
    api = f"https://127.0.0.1:{server.kube_port}"
    printed = subprocess.run(
        [sys.executable, "manage.py", "kubeconfig", "demo", "--server", api],
        cwd=REPO,
        env=server.env,
        capture_output=True,
        text=True,
        check=True,
    )
    config = yaml.safe_load(printed.stdout)
    ca = server.var_dir / "kubeconfig-ca.crt"  # the authority the kubeconfig tells clients to trust
    ca.write_bytes(base64.b64decode(config["clusters"][0]["cluster"]["certificate-authority-data"]))
    return KubeApi(f"{api}/k8s/clusters/demo", config["users"][0]["user"]["token"], ca)


@pytest.fixture(scope="module")
def kube(tmp_path_factory):
    server = LabServer(tmp_path_factory.mktemp("reliability"), free_port())
    server.start()
    yield kube_api(server)
    server.stop()
