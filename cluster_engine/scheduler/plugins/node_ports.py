"""NodePorts: a pod asking for host ports fits only nodes where those ports are free."""

import numpy as np

from .base import Cycle, Rejection

REASON = "node(s) didn't have free ports for the requested pod ports"  # upstream: ErrReason in nodeports.go
WILDCARD = "0.0.0.0"


def conflicts(wanted: tuple, used: dict) -> bool:
    """Upstream HostPortInfo.CheckConflict: same protocol and port, and the same IP or either is 0.0.0.0."""
    ip, protocol, port = wanted
    for used_ip, used_protocol, used_port in used:
        if used_port == port and used_protocol == protocol and (ip == used_ip or WILDCARD in (ip, used_ip)):
            return True
    return False


class NodePorts:
    name = "NodePorts"

    def filter(self, cycle: Cycle):
        snapshot = cycle.snapshot
        if not cycle.pod.host_ports or not snapshot.ports_in_use:
            return []
        mask = np.zeros(snapshot.capacity, dtype=bool)
        for info in snapshot.nodes:
            if info is not None and info.used_ports:
                mask[info.slot] = any(conflicts(port, info.used_ports) for port in cycle.pod.host_ports)
        return [Rejection(REASON, mask, False)]
