"""The DaemonSet controller: one pod on every node that should run it (pkg/controller/daemon).

Each sync reads the nodes, decides per node whether a daemon pod should run there (its node selector and
affinity, the taints it tolerates), creates the missing pods (each bound to its node by a required node affinity,
placed by the scheduler), deletes the ones on nodes that no longer fit, failed ones and extras, then takes a step
of the rolling update, prunes old ControllerRevisions and writes the status counters `kubectl rollout status`
reads.
"""

from ..api.errors import ApiError
from ..api.labels import selector_matches
from ..runtime.cache import key_of
from ..runtime.component import Controller
from . import daemonset_history as history
from . import owners
from .daemon_pods import (
    REVISION_HASH_LABEL,
    Eligibility,
    is_updated,
    new_pod,
    oldest_first,
    target_node,
    template_generation,
)
from .daemonset_update import rolling_update
from .pods import available_in, is_available, is_ready, is_terminal

# upstream: BurstReplicas = 250 pod creations or deletions per sync, created in slow-start batches from 1
BURST_REPLICAS = 250
# upstream failedPodsBackoff: flowcontrol.NewBackOff(1 s, 15 min), per DaemonSet and node
FAILED_POD_BACKOFF_INITIAL = 1.0
FAILED_POD_BACKOFF_MAX = 900.0
EXPLANATIONS = {
    "SuccessfulCreate": "The DaemonSet found a node without its pod, so it made one for that node.",
    "SuccessfulDelete": "The DaemonSet removed a pod: its node no longer fits, or the pod is being replaced.",
    "FailedCreate": "The DaemonSet tried to make a pod and the API server refused; it will try again.",
    "FailedDaemonPod": "A daemon pod failed on its node, so the DaemonSet deletes it and makes a fresh one.",
}


class DaemonSetController(Controller):
    name = "daemonset-controller"
    leader_of = "kube-controller-manager"
    primary_kind = "DaemonSet"
    resync_period = 30.0  # simulated seconds; upstream resyncs shared informers periodically

    def __init__(self, ctx):
        super().__init__(ctx)
        # "<daemonset uid>/<node>" -> (current delay, when it was last set): how long to leave a failed pod
        self._failed_backoff: dict[str, tuple[float, float]] = {}

    def start(self) -> None:
        for kind in ("Pod", "ControllerRevision"):
            self.ctx.cache.informer(kind).add_index(owners.CONTROLLER_INDEX, owners.controller_index)
        self.watch("DaemonSet")
        self.watch("Pod", self._daemon_sets_of)
        self.watch("ControllerRevision", self._daemon_sets_of)
        self.ctx.cache.informer("Node").add_handler(self._all, self._node_changed, self._all)
        super().start()

    def _all(self, node: dict) -> None:
        for ds in self.ctx.cache.list("DaemonSet"):
            self.queue.add(key_of(ds))

    def _node_changed(self, old: dict, new: dict) -> None:
        """upstream shouldIgnoreNodeUpdate: a heartbeat changes nothing a DaemonSet decides by; labels, taints and
        a cordon do."""

        def decisive(node):
            return node["metadata"].get("labels"), (node.get("spec") or {}).get("taints")

        if decisive(old) != decisive(new):
            self._all(new)

    def _daemon_sets_of(self, obj: dict) -> list[str]:
        reference = owners.controller_ref(obj)
        namespace = obj["metadata"].get("namespace")
        if reference:
            return [f"{namespace}/{reference['name']}"] if reference.get("kind") == "DaemonSet" else []
        labels = obj["metadata"].get("labels")
        return [
            key_of(ds)
            for ds in self.ctx.cache.list("DaemonSet", namespace)
            if selector_matches(ds["spec"].get("selector"), labels)
        ]

    def reconcile(self, key: str) -> float | None:
        ds = self.ctx.cache.get("DaemonSet", key)
        if ds is None:
            return None  # its pods and revisions go with it: the garbage collector follows their owners
        nodes = {node["metadata"]["name"]: node for node in self.ctx.cache.list("Node")}
        eligibility = Eligibility(ds)
        fits = {name: eligibility.of(node) for name, node in nodes.items()}
        current, old = history.construct_history(self.ctx, ds)
        revision_hash = history.revision_hash(current)
        if not ds["metadata"].get("deletionTimestamp"):
            requeue = self._manage(ds, fits, revision_hash)
            if (ds["spec"].get("updateStrategy") or {}).get("type") == "RollingUpdate":
                node_pods = self._node_pods(ds, include_finished=False)
                desired = sum(1 for run, _ in fits.values() if run)
                to_delete, to_create = rolling_update(ds, fits, node_pods, revision_hash, desired, self.ctx.clock)
                self._sync_nodes(ds, to_delete, to_create, revision_hash)
            live_hashes = {
                (pod["metadata"].get("labels") or {}).get(REVISION_HASH_LABEL)
                for pods in self._node_pods(ds, include_finished=True).values()
                for pod in pods
            }
            history.cleanup_history(self.ctx, ds, old, live_hashes)
        status_requeue = self._update_status(ds, fits, revision_hash)
        waits = [wait for wait in (requeue, status_requeue) if wait is not None]
        return min(waits) if waits else None

    def _node_pods(self, ds: dict, include_finished: bool) -> dict[str, list[dict]]:
        """upstream getNodesToDaemonPods: the pods the DaemonSet owns, by the node they are (or will be) on."""
        by_node: dict[str, list[dict]] = {}
        for pod in owners.claim(self.ctx, ds, "Pod", ds["spec"].get("selector")):
            if not include_finished and is_terminal(pod) and pod["metadata"].get("deletionTimestamp"):
                continue
            node_name = target_node(pod)
            if node_name:
                by_node.setdefault(node_name, []).append(pod)
        return by_node

    # ---- manage ----------------------------------------------------------------------------------------------
    def _manage(self, ds: dict, fits: dict, revision_hash: str) -> float | None:
        """upstream manage/podsShouldBeOnNode: which nodes need a pod and which pods must go; returns when to look
        again at a failed pod left in its back-off."""
        node_pods = self._node_pods(ds, include_finished=True)
        surge = _allows_surge(ds)
        to_create, to_delete, requeue = [], [], None
        for name in sorted(fits):
            run, keep = fits[name]
            pods = node_pods.get(name, [])
            if run and not pods:
                to_create.append(name)
            elif keep:
                running = []
                for pod in pods:
                    if pod["metadata"].get("deletionTimestamp"):
                        continue
                    phase = (pod.get("status") or {}).get("phase")
                    if phase == "Failed":
                        wait = self._failed_pod_wait(f"{ds['metadata']['uid']}/{name}")
                        if wait is not None:  # upstream: never fight a kubelet that keeps rejecting the pod
                            requeue = wait if requeue is None else min(requeue, wait)
                            continue
                        message = (
                            f"Found failed daemon pod {pod['metadata']['namespace']}/{pod['metadata']['name']} "
                            f"on node {name}, will try to kill it"
                        )
                        self._event(ds, "Warning", "FailedDaemonPod", message)
                        to_delete.append(pod)
                    elif phase == "Succeeded":
                        to_delete.append(pod)
                    else:
                        running.append(pod)
                to_delete += self._excess(ds, oldest_first(running), run, surge, revision_hash, to_create, name)
            elif pods:
                to_delete += [pod for pod in pods if not pod["metadata"].get("deletionTimestamp")]
        # pods left on nodes that are gone are the pod garbage collector's, as upstream
        self._sync_nodes(ds, to_delete, to_create, revision_hash)
        return requeue

    def _failed_pod_wait(self, key: str) -> float | None:
        """flowcontrol.Backoff: the delay to wait while in back-off (None: act now, and double the next delay, from
        1 s up to 15 min; an entry untouched for twice the maximum starts over)."""
        now = self.ctx.clock.now
        delay, since = self._failed_backoff.get(key, (0.0, None))
        expired = since is None or now - since > 2 * FAILED_POD_BACKOFF_MAX
        if not expired and now - since < delay:
            return delay
        delay = FAILED_POD_BACKOFF_INITIAL if expired else min(delay * 2, FAILED_POD_BACKOFF_MAX)
        self._failed_backoff[key] = (delay, now)
        return None

    def _excess(self, ds, running, run, surge, revision_hash, to_create, node_name) -> list[dict]:
        """Without surge, all but the oldest running pod; with surge, an old and a new pod may overlap until the
        new one is available (or the old one is no longer ready)."""
        if not surge:
            return running[1:]
        if len(running) <= 1:
            if not running and run:
                to_create.append(node_name)
            return []
        generation = template_generation(ds)
        newest = oldest = None
        excess = []
        for pod in running:
            if is_updated(pod, revision_hash, generation) and newest is None:
                newest = pod
            elif not is_updated(pod, revision_hash, generation) and oldest is None:
                oldest = pod
            else:
                excess.append(pod)
        if newest is not None and oldest is not None:
            if not is_ready(oldest) or is_available(newest, ds["spec"].get("minReadySeconds", 0), self.ctx.clock):
                excess.append(oldest)
        return excess

    def _sync_nodes(self, ds: dict, to_delete: list[dict], to_create: list[str], revision_hash: str) -> None:
        """upstream syncNodes: create on the nodes in slow-start batches, delete the pods, both within the burst."""
        failure = None
        remaining = to_create[:BURST_REPLICAS]
        batch = min(1, len(remaining))
        while batch and failure is None:
            for node_name in remaining[:batch]:
                try:
                    pod = self.ctx.client.create("Pod", new_pod(ds, node_name, revision_hash))
                except ApiError as error:
                    failure = failure or error
                    self._event(ds, "Warning", "FailedCreate", f"Error creating: {error.message}")
                    continue
                self._event(ds, "Normal", "SuccessfulCreate", f"Created pod: {pod['metadata']['name']}")
            remaining = remaining[batch:]
            batch = min(2 * batch, len(remaining))
        for pod in to_delete[:BURST_REPLICAS]:
            name = pod["metadata"]["name"]
            try:
                self.ctx.client.delete("Pod", pod["metadata"]["namespace"], name)
            except ApiError as error:
                if error.code == 404:
                    continue
                failure = failure or error
                continue
            self._event(ds, "Normal", "SuccessfulDelete", f"Deleted pod: {name}")
        if failure is not None:
            raise failure

    # ---- status ----------------------------------------------------------------------------------------------
    def _update_status(self, ds: dict, fits: dict, revision_hash: str) -> float | None:
        """upstream updateDaemonSetStatus: counted over the nodes, one (the oldest) pod per node."""
        node_pods = self._node_pods(ds, include_finished=False)
        min_ready = ds["spec"].get("minReadySeconds", 0)
        generation = template_generation(ds)
        counts = dict.fromkeys(
            ("desired", "current", "misscheduled", "ready", "available", "updated"),
            0,
        )
        waits = []
        for name, (run, _) in fits.items():
            pods = node_pods.get(name)
            if not run:
                counts["misscheduled"] += 1 if pods else 0
                continue
            counts["desired"] += 1
            if not pods:
                continue
            counts["current"] += 1
            pod = oldest_first(pods)[0]
            if is_ready(pod):
                counts["ready"] += 1
                wait = available_in(pod, min_ready, self.ctx.clock)
                if wait == 0.0:
                    counts["available"] += 1
                elif wait:
                    waits.append(wait)
            if is_updated(pod, revision_hash, generation):
                counts["updated"] += 1
        status = dict(ds.get("status") or {})
        status.update(
            currentNumberScheduled=counts["current"],
            numberMisscheduled=counts["misscheduled"],
            desiredNumberScheduled=counts["desired"],
            numberReady=counts["ready"],
            observedGeneration=ds["metadata"].get("generation", 1),
            updatedNumberScheduled=counts["updated"],
            numberAvailable=counts["available"],
            numberUnavailable=counts["desired"] - counts["available"],
        )
        for field in ("observedGeneration", "updatedNumberScheduled", "numberAvailable", "numberUnavailable"):
            if not status[field]:
                del status[field]  # omitempty in the API, as upstream serialises them
        if status != (ds.get("status") or {}):
            self.ctx.client.update_status("DaemonSet", {**ds, "status": status})
        # upstream requeues after minReadySeconds so availability is counted when it comes
        return min(waits) + 1 if waits else None

    def _event(self, ds: dict, event_type: str, reason: str, message: str) -> None:
        self.ctx.events.record(ds, event_type, reason, message, self.name, explanation=EXPLANATIONS[reason])


def _allows_surge(ds: dict) -> bool:
    """upstream AllowsSurge: a RollingUpdate whose maxSurge is not zero."""
    strategy = ds["spec"].get("updateStrategy") or {}
    if strategy.get("type") != "RollingUpdate":
        return False
    surge = (strategy.get("rollingUpdate") or {}).get("maxSurge", 0)
    return surge not in (0, "0%", None)
