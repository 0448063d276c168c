"""Jobs and CronJobs in the admin: listed with kubectl's columns, edited as YAML through the API server."""

import yaml
from django.urls import reverse

from lab.apiserver import api_server_for
from lab.models import proxy_for

from .test_admin import _change_url, browser  # noqa: F401  (the signed-in admin fixture)

Job, CronJob = proxy_for("Job"), proxy_for("CronJob")
TEMPLATE = {"spec": {"restartPolicy": "Never", "containers": [{"name": "pi", "image": "perl:5.34"}]}}


def test_jobs_are_listed_with_kubectl_columns(browser, demo):  # noqa: F811
    api_server_for(demo).create(
        "Job", {"metadata": {"name": "pi", "namespace": "default"}, "spec": {"template": TEMPLATE}}
    )
    page = browser.get(reverse("admin:lab_job_changelist")).content.decode()
    for header in ("Status", "Completions", "Duration", "Age"):
        assert f">{header}<" in page
    assert ">Running<" in page and ">0/1<" in page


def test_cronjobs_are_listed_with_kubectl_columns_and_edited_as_yaml(browser, demo):  # noqa: F811
    api_server_for(demo).create(
        "CronJob",
        {
            "metadata": {"name": "report", "namespace": "default"},
            "spec": {"schedule": "*/5 * * * *", "jobTemplate": {"spec": {"template": TEMPLATE}}},
        },
    )
    page = browser.get(reverse("admin:lab_cronjob_changelist")).content.decode()
    for header in ("Schedule", "Timezone", "Suspend", "Active", "Last schedule", "Age"):
        assert f">{header}<" in page
    assert "*/5 * * * *" in page
    row = CronJob.objects.get(cluster=demo, name="report")
    spec = {**row.manifest["spec"], "schedule": "@hourly"}
    data = {
        "resource_version": str(row.resource_version),
        "labels": "",
        "annotations": "",
        "spec": yaml.safe_dump(spec),
        "_save": "Save",
    }
    assert browser.post(_change_url(row), data).status_code == 302
    row.refresh_from_db()
    assert row.manifest["spec"]["schedule"] == "@hourly"
    data["resource_version"] = str(row.resource_version)
    data["spec"] = yaml.safe_dump({**row.manifest["spec"], "schedule": "every hour"})
    refused = browser.post(_change_url(row), data).content.decode()
    assert "expected exactly 5 fields, found 2: [every hour]" in refused
