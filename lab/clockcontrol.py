"""Pause, play, speed and step: the instructor's controls over a cluster's simulated clock.

Speed and pause are settings of the Cluster row (read by the control-plane host every tick); a step is a request
sent to the host over the cluster's group, since only the host knows when the next thing will happen.
"""

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer

from cluster_engine.api import errors
from cluster_engine.runtime.clock import MAX_SPEED, MIN_SPEED

from .groups import CLOCK_CONTROL, cluster_group
from .models import Cluster


def validate_speed(speed) -> float:
    if isinstance(speed, bool) or not isinstance(speed, (int, float)) or not MIN_SPEED <= speed <= MAX_SPEED:
        raise errors.ApiError(
            422,
            "Invalid",
            f"speed: Invalid value: {speed!r}: must be between {MIN_SPEED} and {MAX_SPEED:g}",
            {
                "causes": [
                    {
                        "reason": "FieldValueInvalid",
                        "field": "speed",
                        "message": f"must be between {MIN_SPEED} and {MAX_SPEED:g}",
                    }
                ]
            },
        )
    return float(speed)


async def set_clock(cluster_id: int, paused: bool | None = None, speed: float | None = None) -> None:
    changes = {}
    if paused is not None:
        if not isinstance(paused, bool):
            raise errors.bad_request("paused must be true or false")
        changes["paused"] = paused
    if speed is not None:
        changes["speed"] = validate_speed(speed)
    if changes:
        await sync_to_async(Cluster.objects.filter(pk=cluster_id).update)(**changes)
        await get_channel_layer().group_send(cluster_group(cluster_id), {"type": CLOCK_CONTROL, "action": "refresh"})


async def step(cluster_id: int) -> None:
    """Advance the cluster to its next scheduled happening (and run everything due then)."""
    await get_channel_layer().group_send(cluster_group(cluster_id), {"type": CLOCK_CONTROL, "action": "step"})
