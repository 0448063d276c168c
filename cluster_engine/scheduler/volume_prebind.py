"""VolumeBinding's PreBind: carry out the claims' bindings chosen for a node, then wait until they are bound.

Upstream's scheduler binds a pod only after its PreBind plugins return; VolumeBinding's BindPodVolumes writes the
chosen static bindings (a PV's claimRef) and, for claims to provision, the `volume.kubernetes.io/selected-node`
annotation that tells the provisioner where the pod will run, then polls until the PV controller reports every
claim bound, failing after bindTimeoutSeconds. The scheduler does not block here: the pod stays assumed on its
node while its claims are waited for, and is bound (or handed back to the queue) from the claim's informer event
or the timeout. Both only mark the pod; the scheduler's own pass (`process`) acts on them, so every write is the
scheduler's, made while it leads.
"""

from dataclasses import dataclass

from ..api.errors import ApiError
from .volumes import SELECTED_NODE_ANNOTATION

BIND_TIMEOUT_SECONDS = 600  # upstream: VolumeBindingArgs.bindTimeoutSeconds default
BOUND_BY_CONTROLLER = "pv.kubernetes.io/bound-by-controller"  # upstream: AnnBoundByController


def prebind_error(message: str) -> str:
    """Upstream RunPreBindPlugins' wrapping of BindPodVolumes' error."""
    return f'running PreBind plugin "VolumeBinding": binding volumes: {message}'


@dataclass
class Waiting:
    pod: object  # PodInfo
    decision: object  # Decision
    claims: tuple[str, ...]  # namespace/name
    provisioned: tuple[str, ...]  # the claims whose selected-node annotation must stay
    timer: object


class VolumePreBinder:
    def __init__(self, scheduler):
        self.scheduler = scheduler
        self.ctx = scheduler.ctx
        self.waiting: dict[str, Waiting] = {}
        self.due: set[str] = set()  # pods whose claims changed: check them
        self.expired: set[str] = set()  # pods whose bindTimeoutSeconds passed

    def start(self, pod, decision, steps: list[tuple[str, dict, dict | None]]) -> None:
        client = self.ctx.client
        try:
            for action, claim, volume in steps:
                metadata = claim["metadata"]
                if action == "bind":
                    claim_ref = {
                        "kind": "PersistentVolumeClaim",
                        "apiVersion": "v1",
                        "namespace": metadata["namespace"],
                        "name": metadata["name"],
                        "uid": metadata.get("uid"),
                    }
                    client.patch(
                        "PersistentVolume",
                        None,
                        volume["metadata"]["name"],
                        {"metadata": {"annotations": {BOUND_BY_CONTROLLER: "yes"}}, "spec": {"claimRef": claim_ref}},
                    )
                else:
                    annotations = {SELECTED_NODE_ANNOTATION: decision.node}
                    client.patch(
                        "PersistentVolumeClaim",
                        metadata["namespace"],
                        metadata["name"],
                        {"metadata": {"annotations": annotations}},
                    )
        except ApiError as error:
            self.scheduler.binding_failed(
                pod,
                prebind_error(error.message),
                "The API server refused to record the pod's volume bindings for the chosen node; the scheduler "
                "will try again.",
            )
            return
        keys = tuple(f"{claim['metadata']['namespace']}/{claim['metadata']['name']}" for _, claim, _ in steps)
        provisioned = tuple(key for key, (action, _, _) in zip(keys, steps, strict=True) if action == "provision")
        timer = self.ctx.clock.call_later(
            BIND_TIMEOUT_SECONDS, lambda: self.expired.add(pod.key), f"{self.scheduler.name}:prebind"
        )
        self.waiting[pod.key] = Waiting(pod, decision, keys, provisioned, timer)
        self.check(pod.key)

    def claim_changed(self, claim: dict) -> None:
        key = f"{claim['metadata']['namespace']}/{claim['metadata']['name']}"
        for pod_key, waiting in list(self.waiting.items()):
            if key in waiting.claims:
                self.due.add(pod_key)

    def pending(self) -> int:
        return len(self.due) + len(self.expired)

    def process(self) -> int:
        handled = self.pending()
        due, expired, self.due, self.expired = self.due, self.expired, set(), set()
        for pod_key in expired:
            self._fail(pod_key, "context deadline exceeded")
        for pod_key in due:
            self.check(pod_key)
        return handled

    def check(self, pod_key: str) -> None:
        """Upstream checkBindings: done when every claim is bound; failed when a provisioner gave a claim back."""
        waiting = self.waiting.get(pod_key)
        if waiting is None:
            return
        cache = self.ctx.cache
        claims = {key: cache.get("PersistentVolumeClaim", key) for key in waiting.claims}
        for key in waiting.provisioned:
            claim = claims[key]
            annotations = (claim or {"metadata": {}})["metadata"].get("annotations") or {}
            if (
                claim is not None
                and not claim["spec"].get("volumeName")
                and SELECTED_NODE_ANNOTATION not in annotations
            ):
                self._fail(pod_key, f'selectedNode annotation reset for PVC "{key.partition("/")[2]}"')
                return
        if all(
            claim and claim["spec"].get("volumeName") and (claim.get("status") or {}).get("phase") == "Bound"
            for claim in claims.values()
        ):
            self.forget(pod_key)
            self.scheduler.bind_now(waiting.pod, waiting.decision)

    def forget(self, pod_key: str) -> None:
        waiting = self.waiting.pop(pod_key, None)
        if waiting is not None:
            waiting.timer.cancel()

    def _fail(self, pod_key: str, message: str) -> None:
        waiting = self.waiting.get(pod_key)
        if waiting is None:
            return
        self.forget(pod_key)
        self.scheduler.binding_failed(
            waiting.pod,
            prebind_error(message),
            "The pod's volume claims were not bound in time for the chosen node (or their provisioning was given "
            "up), so the scheduler puts the pod back in the queue and tries again.",
        )
