"""Channel-layer group names and message shapes of the watch stream, shared by storage, consumers and workers.

Every committed write of a cluster is published to that cluster's group:
  {"type": "watch.event", "event": {"type": "ADDED"|"MODIFIED"|"DELETED", "object": {...}}, "resourceVersion": N}
or, when one transaction wrote several objects, one message for all of them, in commit order:
  {"type": "watch.events", "events": [{"type": ..., "object": ...}, ...], "resourceVersion": N}
N is the resourceVersion of the (last) event, so a subscriber drops what is older than its list snapshot.
"""

WATCH_EVENT = "watch.event"
WATCH_EVENTS = "watch.events"


def cluster_group(cluster_id: int) -> str:
    return f"cluster-{cluster_id}"


def watch_message(events: list[dict]) -> dict:
    """One message for the events of one transaction."""
    version = int(events[-1]["object"]["metadata"]["resourceVersion"])
    if len(events) == 1:
        return {"type": WATCH_EVENT, "event": events[0], "resourceVersion": version}
    return {"type": WATCH_EVENTS, "events": events, "resourceVersion": version}


# Clock control for a cluster's control-plane host: {"type": CLOCK_CONTROL, "action": "step" | "refresh"}.
CLOCK_CONTROL = "clock.control"
# The clock's state, a few times per second from the host: {"type": CLOCK_STATE, "clock": {...}}.
CLOCK_STATE = "clock.state"
# What the simulated clients' requests met, with the clock, while any client runs (and once more when the last
# stops): {"type": TRAFFIC_STATE, "traffic": {"now": ..., "clients": [...]}} (cluster_engine/traffic).
TRAFFIC_STATE = "traffic.state"
