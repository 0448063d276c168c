"""The taints the node controllers manage and upstream's toleration matching (v1.Toleration.ToleratesTaint)."""

NOT_READY = "node.kubernetes.io/not-ready"
UNREACHABLE = "node.kubernetes.io/unreachable"
UNSCHEDULABLE = "node.kubernetes.io/unschedulable"
MEMORY_PRESSURE = "node.kubernetes.io/memory-pressure"
DISK_PRESSURE = "node.kubernetes.io/disk-pressure"
PID_PRESSURE = "node.kubernetes.io/pid-pressure"
NETWORK_UNAVAILABLE = "node.kubernetes.io/network-unavailable"
OUT_OF_SERVICE = "node.kubernetes.io/out-of-service"
NO_EXECUTE = "NoExecute"
NO_SCHEDULE = "NoSchedule"

# upstream nodeConditionToTaintKeyStatusMap (TaintNodesByCondition)
CONDITION_TAINTS = {
    "Ready": {"False": NOT_READY, "Unknown": UNREACHABLE},
    "MemoryPressure": {"True": MEMORY_PRESSURE},
    "DiskPressure": {"True": DISK_PRESSURE},
    "NetworkUnavailable": {"True": NETWORK_UNAVAILABLE},
    "PIDPressure": {"True": PID_PRESSURE},
}
CONDITION_TAINT_KEYS = {key for by_status in CONDITION_TAINTS.values() for key in by_status.values()}


def node_taints(node: dict) -> list[dict]:
    return list((node.get("spec") or {}).get("taints") or [])


def has_taint(node: dict, key: str, effect: str) -> bool:
    return any(taint.get("key") == key and taint.get("effect") == effect for taint in node_taints(node))


def tolerates(toleration: dict, taint: dict) -> bool:
    effect = toleration.get("effect") or ""
    if effect and effect != taint.get("effect"):
        return False
    key = toleration.get("key") or ""
    if key and key != taint.get("key"):
        return False
    operator = toleration.get("operator") or "Equal"
    if operator == "Exists":
        return True
    return operator == "Equal" and (toleration.get("value") or "") == (taint.get("value") or "")


def condition(obj: dict, condition_type: str) -> dict | None:
    for item in (obj.get("status") or {}).get("conditions") or []:
        if item.get("type") == condition_type:
            return item
    return None


def ready_status(node: dict) -> str | None:
    """The node's Ready condition status ("True", "False", "Unknown"), None when never reported."""
    found = condition(node, "Ready")
    return found.get("status") if found else None


def zone_key(node: dict) -> str:
    """upstream nodetopology.GetZoneKey: region and zone joined by ":\\x00:", empty when the node has neither."""
    labels = node["metadata"].get("labels") or {}
    region = labels.get("topology.kubernetes.io/region", "")
    zone = labels.get("topology.kubernetes.io/zone", "")
    return f"{region}:\x00:{zone}" if region or zone else ""
