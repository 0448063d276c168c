"""(g) Self-healing: crash loops and liveness probes."""

import copy

from django.utils.translation import gettext_lazy as _

from cluster_engine.scenarios import cluster_objects, web_app

from .base import Checkpoint, ClusterState, Lesson, Question, Step

# upstream defaults: periodSeconds 10, failureThreshold 3
LIVENESS_PROBE = {"httpGet": {"path": "/healthz", "port": 80}, "periodSeconds": 10, "failureThreshold": 3}


def start_with_liveness(topology: str) -> list[dict]:
    objects = copy.deepcopy(cluster_objects(topology) + web_app(3))
    for obj in objects:
        if obj["kind"] == "Deployment":
            obj["spec"]["template"]["spec"]["containers"][0]["livenessProbe"] = LIVENESS_PROBE
    return objects


def restarted_and_healthy(state: ClusterState) -> bool:
    pods = state.live_pods({"app": "web"})
    restarted = any(
        status.get("restartCount", 0) >= 1
        for pod in pods
        for status in (pod.get("status") or {}).get("containerStatuses") or []
    )
    return restarted and len(state.ready_pods({"app": "web"})) == 3


LESSON = Lesson(
    slug="self-healing",
    title=_("Self-healing: crash loops and liveness probes"),
    summary=_("The kubelet restarts what fails, backs off when it keeps failing, and probes what looks alive."),
    start=start_with_liveness,
    steps=(
        Step(
            title=_("A container crashes"),
            narration=_(
                "This action makes one web container exit with an error. The pod's restart policy is Always, so the "
                "kubelet starts the container again and counts the restart."
            ),
            action={"action": "annotate-pod", "selector": {"app": "web"}, "annotations": {"kubelab.io/crash": "nginx"}},
            action_label=_("Crash a web container"),
        ),
        Step(
            title=_("CrashLoopBackOff"),
            narration=_(
                "A container that keeps crashing is not restarted at once every time: the kubelet waits 10 seconds, "
                "then 20, 40 and so on up to 5 minutes, showing the reason CrashLoopBackOff while it waits. After 10 "
                "minutes without trouble the delay resets."
            ),
        ),
        Step(
            title=_("Liveness probes"),
            narration=_(
                "A process can be stuck without crashing. A liveness probe asks the container regularly whether it is "
                "healthy; after several failures in a row the kubelet restarts it. web probes /healthz every 10 "
                "seconds and is restarted after 3 failures in a row."
            ),
            action={
                "action": "annotate-pod",
                "selector": {"app": "web"},
                "annotations": {"kubelab.io/fail-probe": "liveness"},
            },
            action_label=_("Make a web pod's liveness probe fail"),
            question=Question(
                prompt=_("Once the liveness probe starts failing, about how long until the kubelet restarts it?"),
                choices=(("10s", _("10 seconds")), ("30s", _("30 seconds")), ("300s", _("5 minutes"))),
                answer="30s",
                why=_("Three failed probes, 10 seconds apart: the default failureThreshold is 3 and periodSeconds 10."),
            ),
            checkpoint=Checkpoint(
                goal=_("Make a web container restart at least once, then have 3 ready web pods."),
                check=restarted_and_healthy,
            ),
        ),
    ),
)
