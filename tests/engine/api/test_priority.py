"""PriorityClasses and the Priority admission plugin: cases of upstream's validation_test.go and
plugin/pkg/admission/priority/admission_test.go, each refusal a Status that writes nothing."""

import pytest

from cluster_engine.priorityclasses import system_priority_classes

from .manifests import pod, priority_class
from .test_validation import _refusal, _update_refusal, _with

PC = 'PriorityClass.scheduling.k8s.io "{}" is invalid: '


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            _with(priority_class(), "value", 1_000_000_001),
            PC.format("high-priority")
            + "value: Forbidden: maximum allowed value of a user defined priority is 1000000000",
        ),
        (
            _with(priority_class("system-important"), "value", 5),
            PC.format("system-important") + "metadata.name: Forbidden: priority class names with 'system-' prefix "
            "are reserved for system use only. error: system-important is not a known system priority class",
        ),
        (
            _with(priority_class("system-node-critical"), "value", 5),
            PC.format("system-node-critical") + "metadata.name: Forbidden: priority class names with 'system-' "
            "prefix are reserved for system use only. error: value of system-node-critical PriorityClass must be "
            "2000001000",
        ),
        (
            _with(priority_class(), "preemptionPolicy", "Sometimes"),
            PC.format("high-priority")
            + 'preemptionPolicy: Unsupported value: "Sometimes": supported values: "PreemptLowerPriority", "Never"',
        ),
    ],
)
def test_invalid_priority_classes_are_refused(server, body, message):
    error = _refusal(server, "PriorityClass", body)
    assert (error.code, error.message) == (422, message)


def test_the_system_classes_are_valid_and_a_new_class_defaults_its_preemption_policy(server):
    for body in system_priority_classes():
        server.create("PriorityClass", body)
    created = server.create("PriorityClass", priority_class())
    assert created["preemptionPolicy"] == "PreemptLowerPriority"


def test_a_class_keeps_its_value_and_preemption_policy(server):
    created = server.create("PriorityClass", priority_class())
    error = _update_refusal(server, "PriorityClass", created, lambda pc: {**pc, "value": 7})
    assert error.message == PC.format("high-priority") + "value: Forbidden: may not be changed in an update."
    described = server.update("PriorityClass", {**created, "description": "Front end first."})
    assert described["description"] == "Front end first."


def test_only_one_class_may_be_the_global_default(server):
    server.create("PriorityClass", _with(priority_class("low"), "globalDefault", True))
    error = _refusal(server, "PriorityClass", _with(priority_class(), "globalDefault", True))
    assert (error.code, error.reason) == (403, "Forbidden")
    assert error.message == (
        'priorityclasses.scheduling.k8s.io "high-priority" is forbidden: PriorityClass low is already marked as '
        "default. Only one default can exist"
    )


def test_a_pod_gets_its_class_priority_or_the_default_or_zero(server):
    plain = server.create("Pod", pod("plain"))
    assert (plain["spec"]["priority"], plain["spec"]["preemptionPolicy"]) == (0, "PreemptLowerPriority")
    assert "priorityClassName" not in plain["spec"]
    server.create("PriorityClass", _with(priority_class(), "preemptionPolicy", "Never"))
    named = server.create("Pod", _with(pod("named"), "spec.priorityClassName", "high-priority"))
    assert (named["spec"]["priority"], named["spec"]["preemptionPolicy"]) == (1000000, "Never")
    server.create("PriorityClass", {**_with(priority_class("low"), "globalDefault", True), "value": 10})
    defaulted = server.create("Pod", pod("defaulted"))
    assert (defaulted["spec"]["priorityClassName"], defaulted["spec"]["priority"]) == ("low", 10)


def test_a_pod_naming_a_missing_class_or_its_own_priority_is_forbidden(server):
    error = _refusal(server, "Pod", _with(pod("lost"), "spec.priorityClassName", "gold"))
    assert (error.code, error.message) == (403, 'pods "lost" is forbidden: no PriorityClass with name gold was found')
    error = _refusal(server, "Pod", _with(pod("eager"), "spec.priority", 99))
    assert error.message == (
        'pods "eager" is forbidden: the integer value of priority (99) must not be provided in pod spec; priority '
        "admission controller computed 0 from the given PriorityClass name"
    )
