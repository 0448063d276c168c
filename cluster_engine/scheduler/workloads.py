"""The selector system-default spreading uses: what the pod's Services, ReplicaSet or StatefulSet select.

Upstream helper.DefaultSelector: the union of the selectors of Services selecting the pod, plus the selector of
its controlling ReplicationController, ReplicaSet or StatefulSet. An empty result disables default spreading.
"""

from ..api.labels import SelectorError, requirements_from_selector
from .podinfo import PodInfo

CONTROLLER_KINDS = ("ReplicationController", "ReplicaSet", "StatefulSet")


def default_selector(lister, pod: PodInfo) -> tuple:
    """Requirements for `pod`'s default spreading, read from `lister` (list(kind, ns) and get(kind, key))."""
    label_set: dict[str, str] = {}
    for service in lister.list("Service", pod.namespace):
        selector = (service.get("spec") or {}).get("selector")
        # upstream GetPodServices: a service without a selector selects nothing
        if selector and all(pod.labels.get(key) == value for key, value in selector.items()):
            label_set.update(selector)
    extra: list = []
    owner = pod.owner
    if owner and owner.get("kind") in CONTROLLER_KINDS:
        controller = lister.get(owner["kind"], f"{pod.namespace}/{owner.get('name')}")
        selector = ((controller or {}).get("spec") or {}).get("selector")
        if selector and owner["kind"] == "ReplicationController":
            label_set.update(selector)
        elif selector:
            try:
                extra = requirements_from_selector(selector)
            except SelectorError:
                extra = []
    requirements = {(key, "In", (value,)) for key, value in label_set.items()}
    requirements.update(extra)
    return tuple(sorted(requirements))
