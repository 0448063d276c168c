"""Jobs and CronJobs in the live diagram: a failing Job's pods grouped under it with its progress, and a CronJob
with the countdown to its next run and the Jobs it started."""

import os
import re
import subprocess
import sys

import pytest

from tests.livelab import KUBECTLS, REPO, screenshot

pytestmark = pytest.mark.browser

LIVE = "document.body.dataset.connection === 'live'"
FAILING_JOB = """\
apiVersion: batch/v1
kind: Job
metadata: {name: flaky}
spec:
  backoffLimit: 2
  template:
    spec:
      restartPolicy: Never
      containers: [{name: main, image: "busybox:1.36", command: ["sh", "-c", "sleep 5; exit 1"]}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "*/10 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{name: main, image: "busybox:1.36", command: ["sh", "-c", "sleep 30"]}]
"""


def kubectl(lab_server, *args: str, stdin: str | None = None) -> str:
    env = {**os.environ, "KUBELAB_VAR_DIR": str(lab_server.var_dir)}
    server = f"https://127.0.0.1:{lab_server.kube_port}"
    config = subprocess.run(
        [sys.executable, "manage.py", "kubeconfig", "demo", "--server", server],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    path = lab_server.var_dir / "demo.kubeconfig"
    path.write_text(config)
    done = subprocess.run(
        [str(KUBECTLS["newest"]), "--kubeconfig", str(path), *args], input=stdin, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_jobs_and_cronjobs_are_drawn_with_their_pods_progress_and_next_run(page, lab_server):
    kubectl(lab_server, "apply", "-f", "-", stdin=FAILING_JOB)
    page.goto(f"{lab_server.url}/clusters/demo/")
    page.wait_for_function(LIVE)
    cron = page.locator('.cronjob[data-key="default/nightly"]')
    cron.wait_for(timeout=30_000)
    assert cron.locator(".deploy-head strong").text_content() == "nightly"
    assert cron.locator("code").text_content() == "*/10 * * * *"
    countdown = re.fullmatch(r"next run in (\d+)s", cron.locator(".next-run").text_content())
    assert countdown and 0 < int(countdown.group(1)) <= 600  # */10: at most ten minutes away
    job = page.locator('.job[data-key="default/flaky"]')
    job.wait_for(timeout=30_000)
    page.wait_for_function(
        "document.querySelectorAll('.job[data-key=\"default/flaky\"] .mini.cat-failed').length >= 1", timeout=60_000
    )
    assert "backoff limit 2" in job.locator(".rs-count").text_content()
    screenshot(page, "batch-01-failing-job-and-cronjob")
    job.click()
    assert page.locator(".inspect-title").text_content() == "Job default/flaky"
