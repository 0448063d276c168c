"""RollingUpdate for DaemonSets: which old pods to delete and which nodes get a new pod (upstream update.go).

Without surge, old pods are deleted while the unavailable ones stay within maxUnavailable, and the manage loop
creates their replacements. With maxSurge, a new pod starts beside the old one on up to maxSurge nodes, and the
old one goes once the new one is available. Both numbers are scaled against the nodes that should run a pod,
rounding up; if both come to 0, one node may be unavailable.
"""

from .daemon_pods import is_updated, template_generation
from .pods import is_available
from .rollout import scaled_value


def fenceposts(ds: dict, desired: int) -> tuple[int, int]:
    """upstream updatedDesiredNodeCounts: (maxSurge, maxUnavailable) for this many nodes."""
    rolling = (ds["spec"].get("updateStrategy") or {}).get("rollingUpdate") or {}
    surge = scaled_value(rolling.get("maxSurge", 0), desired, True)
    unavailable = scaled_value(rolling.get("maxUnavailable", 1), desired, True)
    if surge == 0 and unavailable == 0:
        unavailable = 1  # upstream: never stall a rollout
    return surge, unavailable


def updated_and_old(ds: dict, pods: list[dict], revision_hash: str) -> tuple[dict | None, dict | None, bool]:
    """upstream findUpdatedPodsOnNode: the node's new and old pod; False when it has more than one of either."""
    new = old = None
    generation = template_generation(ds)
    for pod in pods:
        if pod["metadata"].get("deletionTimestamp"):
            continue
        if is_updated(pod, revision_hash, generation):
            if new is not None:
                return None, None, False
            new = pod
        else:
            if old is not None:
                return None, None, False
            old = pod
    return new, old, True


def rolling_update(ds: dict, fits: dict, node_pods: dict, revision_hash: str, desired: int, clock):
    """(old pods to delete, nodes to create a new pod on) for one step of the rollout; `fits` holds each node's
    (should run, may keep running)."""
    max_surge, max_unavailable = fenceposts(ds, desired)
    min_ready = ds["spec"].get("minReadySeconds", 0)

    def available(pod):
        return is_available(pod, min_ready, clock)

    if max_surge == 0:
        unavailable, replacements, candidates = 0, [], []
        for node_name in sorted(node_pods):
            new, old, ok = updated_and_old(ds, node_pods[node_name], revision_hash)
            if not ok or (old is None) == (new is None):
                unavailable += 1  # the manage loop creates or prunes here
            elif new is not None:
                unavailable += 0 if available(new) else 1
            elif not available(old):
                replacements.append(old)
            elif unavailable < max_unavailable:
                candidates.append(old)
        room = min(max(0, max_unavailable - unavailable), len(candidates))
        return replacements + candidates[:room], []

    to_delete, should_not_run, candidate_nodes, allowed_nodes = [], [], [], []
    surging = available_count = 0
    for node_name in sorted(node_pods):
        new, old, ok = updated_and_old(ds, node_pods[node_name], revision_hash)
        if not ok:
            surging += 1
            continue
        counted = old if old is not None else new
        if counted is not None and available(counted):
            available_count += 1
        if old is None:
            continue
        runs_here = fits.get(node_name, (False, False))[0]
        if new is None:
            if not available(old):
                if runs_here:
                    allowed_nodes.append(node_name)
                else:
                    to_delete.append(old)
            elif not runs_here:
                should_not_run.append(old)
            elif surging < max_surge:
                candidate_nodes.append(node_name)
        elif not available(new):
            surging += 1
        else:
            to_delete.append(old)
    # upstream: an old pod on a node that no longer fits goes only once another node's pod is available
    deletable = max(0, min(available_count - desired, len(should_not_run)))
    to_delete += should_not_run[:deletable]
    room = min(max(0, max_surge - surging), len(candidate_nodes))
    return to_delete, allowed_nodes + candidate_nodes[:room]
