"""(l) Zero-downtime rollout? Service traffic through a rolling update, a failing readiness probe and a node failure."""

from django.utils.translation import gettext_lazy as _

from cluster_engine.traffic.clients import CLIENT_LABEL, CLIENT_LABEL_VALUE

from .base import Checkpoint, ClusterState, Lesson, Question, Step, standard_start

SHUTDOWN = "kubelab.io/shutdown-seconds"
FAIL_PROBE = "kubelab.io/fail-probe"
POWER = "kubelab.io/power"
RATE = 50


def template_change(image: str, shutdown_seconds: str) -> dict:
    """A new pod template: another image, and how long the process keeps serving after SIGTERM."""
    return {
        "spec": {
            "template": {
                "metadata": {"annotations": {SHUTDOWN: shutdown_seconds}},
                "spec": {"containers": [{"name": "nginx", "image": image}]},
            }
        }
    }


FIRST_ROLLOUT = template_change("nginx:1.28", "5")
SECOND_ROLLOUT = template_change("nginx:1.27", "5")


def abrupt_web(topology: str) -> list[dict]:
    """The tutorial's cluster, its web pods exiting the moment they get SIGTERM (as nginx does on TERM)."""
    objects = standard_start(topology)
    for obj in objects:
        if obj["kind"] == "Deployment" and obj["metadata"]["name"] == "web":
            obj["spec"]["template"]["metadata"]["annotations"] = {SHUTDOWN: "0"}
    return objects


def traffic_to_web(state: ClusterState) -> bool:
    return any(
        (configmap["metadata"].get("labels") or {}).get(CLIENT_LABEL) == CLIENT_LABEL_VALUE
        and (configmap.get("data") or {}).get("service") == "web"
        and configmap["metadata"].get("namespace") == "default"
        for configmap in state.items("ConfigMap")
    )


def drains_gracefully(state: ClusterState) -> bool:
    """Every ready web pod keeps serving at least 2 s after SIGTERM, longer than nodes take to forget it."""
    ready = state.ready_pods({"app": "web"})
    return (
        traffic_to_web(state)
        and len(ready) == 3
        and all(_seconds((pod["metadata"].get("annotations") or {}).get(SHUTDOWN)) >= 2 for pod in ready)
    )


def failing_pod_taken_out(state: ClusterState) -> bool:
    failing = [
        pod
        for pod in state.live_pods({"app": "web"})
        if "readiness" in (pod["metadata"].get("annotations") or {}).get(FAIL_PROBE, "")
    ]
    return traffic_to_web(state) and bool(failing) and all(_address(state, pod) == "notReady" for pod in failing)


def dead_nodes_pods_taken_out(state: ClusterState) -> bool:
    dead = {
        node["metadata"]["name"]
        for node in state.items("Node")
        if (node["metadata"].get("annotations") or {}).get(POWER) == "off"
    }
    stranded = [pod for pod in state.live_pods({"app": "web"}) if pod["spec"].get("nodeName") in dead]
    return traffic_to_web(state) and bool(stranded) and all(_address(state, pod) != "ready" for pod in stranded)


def _address(state: ClusterState, pod: dict) -> str | None:
    """Where the web Service's Endpoints list the pod: "ready", "notReady", or None."""
    endpoints = state.get("Endpoints", "web") or {}
    uid = pod["metadata"]["uid"]
    for subset in endpoints.get("subsets") or []:
        for field, verdict in (("addresses", "ready"), ("notReadyAddresses", "notReady")):
            if any((address.get("targetRef") or {}).get("uid") == uid for address in subset.get(field) or []):
                return verdict
    return None


def _seconds(value: str | None) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


LESSON = Lesson(
    slug="zero-downtime",
    title=_("Zero-downtime rollout?"),
    summary=_("Requests to a Service during a rolling update, a failing readiness probe and a node failure."),
    start=abrupt_web,
    steps=(
        Step(
            title=_("Requests to web"),
            narration=_(
                "A client pod sends 50 requests per second to web.default.svc.cluster.local. Cluster DNS turns the "
                "name into the Service's address, and the kube-proxy of the client's node sends each request to one "
                "of the ready endpoints, at random. The dots travel from the client through the Service to a pod; "
                "each pod shows its requests per second and the meter shows how many succeed."
            ),
            action={"action": "traffic", "service": "web", "rate": RATE, "via": "ClusterIP"},
            action_label=_("Send 50 requests per second to web"),
            focus=("Service", "default/web"),
            checkpoint=Checkpoint(goal=_("Send traffic to the web Service."), check=traffic_to_web),
        ),
        Step(
            title=_("A rolling update"),
            narration=_(
                "Today's web pods exit the moment they receive SIGTERM, as nginx does. The new version, nginx:1.28, "
                "keeps answering for 5 seconds after SIGTERM (in a real app: a preStop sleep or a graceful "
                "shutdown). The rollout keeps 3 ready pods at all times (maxUnavailable rounds down to 0). Watch the "
                "meter while the old pods go."
            ),
            action={
                "action": "patch",
                "kind": "Deployment",
                "namespace": "default",
                "name": "web",
                "body": FIRST_ROLLOUT,
                "patch_type": "strategic",
            },
            action_label=_("Roll out nginx:1.28, which drains for 5 seconds"),
            question=Question(
                prompt=_("Does this rolling update drop requests?"),
                choices=(
                    ("none", _("No: there are always 3 ready pods")),
                    ("some", _("Yes, a few, each time an old pod goes")),
                    ("all", _("Yes, every request during the rollout")),
                ),
                answer="some",
                why=_(
                    "A deleted pod leaves the Endpoints at once, but each node's kube-proxy rewrites its rules a "
                    "moment later (at most once per second, plus the time to program them). Requests it sends to the "
                    "old pod in that moment meet a process that has already exited and time out. What counts is how "
                    "the pods being replaced shut down, and these old ones stop at once. maxUnavailable keeps "
                    "capacity; it cannot close this gap."
                ),
            ),
        ),
        Step(
            title=_("Keep serving while the news spreads"),
            narration=_(
                "Every web pod now keeps answering for 5 seconds after SIGTERM, longer than any node takes to forget "
                "it. Roll back to nginx:1.27, draining as well, and watch the meter."
            ),
            action={
                "action": "patch",
                "kind": "Deployment",
                "namespace": "default",
                "name": "web",
                "body": SECOND_ROLLOUT,
                "patch_type": "strategic",
            },
            action_label=_("Roll out nginx:1.27, which drains for 5 seconds"),
            question=Question(
                prompt=_("Does this rolling update drop requests?"),
                choices=(
                    ("none", _("No")),
                    ("some", _("Yes, a few, each time an old pod goes")),
                ),
                answer="none",
                why=_(
                    "By the time the old process stops, no node sends it requests any more. Zero downtime takes both: "
                    "the rollout keeping ready pods, and each pod serving until the cluster has stopped sending it "
                    "traffic."
                ),
            ),
            checkpoint=Checkpoint(
                goal=_("Roll out web so that every ready pod keeps serving at least 2 seconds after SIGTERM."),
                check=drains_gracefully,
            ),
        ),
        Step(
            title=_("A failing readiness probe"),
            narration=_(
                "One web pod's application starts failing: it answers 503, and so does its readiness check. "
                "The kubelet probes every 10 seconds and gives up after 3 failures in a row."
            ),
            action={"action": "annotate-pod", "selector": {"app": "web"}, "annotations": {FAIL_PROBE: "readiness"}},
            action_label=_("Make one web pod fail"),
            question=Question(
                prompt=_("What do clients see?"),
                choices=(
                    ("nothing", _("Nothing: the Service notices at once")),
                    ("30s", _("Errors from that pod for up to 30 seconds, then none")),
                    ("forever", _("Errors until someone deletes the pod")),
                ),
                answer="30s",
                why=_(
                    "About a third of the requests fail until the probe has failed 3 times (periodSeconds 10 × "
                    "failureThreshold 3). Then the pod turns NotReady, the Endpoints list it as not ready and "
                    "kube-proxy stops sending it requests. Without a readiness probe the errors would go on for as "
                    "long as the application fails."
                ),
            ),
            checkpoint=Checkpoint(
                goal=_("Make a web pod fail its readiness probe and wait until the Service stops using it."),
                check=failing_pod_taken_out,
            ),
        ),
        Step(
            title=_("A node failure"),
            narration=_(
                "Now cut the power of worker-3. Its pod cannot answer any more, but nothing on that node can report "
                "it: no kubelet, no probe."
            ),
            action={"action": "power", "node": "worker-3", "state": "off"},
            action_label=_("Power off worker-3"),
            question=Question(
                prompt=_("How long do requests sent to worker-3's pod fail?"),
                choices=(
                    ("none", _("Not at all: kube-proxy notices at once")),
                    ("50s", _("About 50 seconds, until the node controller marks its pods not ready")),
                    ("350s", _("About 6 minutes, until the pod is evicted")),
                ),
                answer="50s",
                why=_(
                    "The node lifecycle controller waits 50 seconds without a heartbeat, then marks the node's pods "
                    "not ready; only then do the Endpoints and every kube-proxy drop them, and the requests time out "
                    "until they do. A PodDisruptionBudget does not help here: it limits voluntary evictions such as "
                    "a drain, not a power cut. Replicas on several nodes are what keep most requests answered."
                ),
            ),
            checkpoint=Checkpoint(
                goal=_("Power off worker-3 and wait until the Service stops sending requests to its pods."),
                check=dead_nodes_pods_taken_out,
            ),
        ),
    ),
)
