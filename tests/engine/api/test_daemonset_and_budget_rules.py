"""DaemonSet and PodDisruptionBudget defaults and validation as upstream's apps and policy packages give them."""

import pytest

from cluster_engine.api.errors import ApiError

from .conftest import snapshot
from .manifests import daemon_set, pod_disruption_budget

PERCENT = (
    "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used "
    "for validation is '[0-9]+%')"
)


def test_daemon_set_defaults_rolling_update_history_status_and_template_generation(server):
    created = server.create("DaemonSet", daemon_set())
    assert created["spec"]["updateStrategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0},
    }
    assert created["spec"]["revisionHistoryLimit"] == 10
    assert created["spec"]["template"]["spec"]["restartPolicy"] == "Always"
    assert created["status"] == {
        "currentNumberScheduled": 0,
        "numberMisscheduled": 0,
        "desiredNumberScheduled": 0,
        "numberReady": 0,
    }
    assert created["metadata"]["generation"] == 1
    assert created["metadata"]["annotations"] == {"deprecated.daemonset.template.generation": "1"}
    created["spec"]["template"]["metadata"]["labels"]["v"] = "2"
    updated = server.update("DaemonSet", created)
    assert updated["metadata"]["generation"] == 2
    assert updated["metadata"]["annotations"]["deprecated.daemonset.template.generation"] == "2"
    updated["spec"]["minReadySeconds"] = 5  # a spec change outside the template keeps the template generation
    again = server.update("DaemonSet", updated)
    assert (
        again["metadata"]["generation"],
        again["metadata"]["annotations"]["deprecated.daemonset.template.generation"],
    ) == (3, "2")


@pytest.mark.parametrize(
    ("strategy", "message"),
    [
        (
            {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 1}},
            "spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when maxUnavailable is non-zero",
        ),
        (
            {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 0}},
            "spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0",
        ),
        (
            {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "150%", "maxSurge": 0}},
            'spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: "150%": must not be greater than 100%',
        ),
        (
            {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "half", "maxSurge": 0}},
            # upstream reads an invalid percentage as 0, so both rules speak
            f'[spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: "half": {PERCENT}, '
            "spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0]",
        ),
    ],
)
def test_daemon_set_update_strategy_is_refused_as_upstream(server, strategy, message):
    before = snapshot(server.storage)
    with pytest.raises(ApiError) as refused:
        server.create("DaemonSet", {**daemon_set(), "spec": {**daemon_set()["spec"], "updateStrategy": strategy}})
    assert refused.value.code == 422
    assert refused.value.message == f'DaemonSet.apps "agent" is invalid: {message}'
    assert snapshot(server.storage) == before


def test_daemon_set_template_and_selector_rules(server):
    manifest = daemon_set()
    manifest["spec"]["template"]["spec"]["activeDeadlineSeconds"] = 10
    manifest["spec"]["template"]["metadata"]["labels"] = {"app": "other"}
    with pytest.raises(ApiError) as refused:
        server.create("DaemonSet", manifest)
    assert [cause["message"] for cause in refused.value.causes] == [
        'Invalid value: {"app":"other"}: `selector` does not match template `labels`',
        "Forbidden: activeDeadlineSeconds in DaemonSet is not Supported",
    ]
    created = server.create("DaemonSet", daemon_set())
    created["spec"]["selector"] = {"matchLabels": {"app": "db", "tier": "x"}}
    created["spec"]["template"]["metadata"]["labels"]["tier"] = "x"
    with pytest.raises(ApiError) as refused:
        server.update("DaemonSet", created)
    assert refused.value.causes[-1]["message"].endswith("field is immutable")


def test_budget_refuses_both_bounds_bad_percentages_and_unknown_policies(server):
    before = snapshot(server.storage)
    with pytest.raises(ApiError) as refused:
        server.create(
            "PodDisruptionBudget", pod_disruption_budget(maxUnavailable="120%", unhealthyPodEvictionPolicy="Never")
        )
    messages = [f"{cause['field']}: {cause['message']}" for cause in refused.value.causes]
    assert messages[0].startswith("spec: Invalid value: ") and messages[0].endswith(
        ": minAvailable and maxUnavailable cannot be both set"
    )
    assert messages[1:] == [
        'spec.maxUnavailable: Invalid value: "120%": must not be greater than 100%',
        'spec.unhealthyPodEvictionPolicy: Unsupported value: "Never": supported values: "AlwaysAllow", "IfHealthyBudget"',
    ]
    assert snapshot(server.storage) == before


def test_budget_status_counters_start_at_zero(server):
    created = server.create("PodDisruptionBudget", pod_disruption_budget())
    assert created["status"] == {"disruptionsAllowed": 0, "currentHealthy": 0, "desiredHealthy": 0, "expectedPods": 0}
    assert created["metadata"]["generation"] == 1
