"""Ages as kubectl prints them (k8s.io/apimachinery/pkg/util/duration.HumanDuration), in simulated time.

Shared by the admin's columns and the kube API's Tables, so both read "5m30s" the way kubectl would.
"""

from datetime import datetime


def human_duration(seconds: float) -> str:
    whole = int(seconds)
    if whole < -1:
        return "<invalid>"  # upstream tolerates up to 2 s of clock skew as "now"
    if whole < 0:
        return "0s"
    if whole < 60 * 2:
        return f"{whole}s"
    minutes = whole // 60
    if minutes < 10:
        return f"{minutes}m" if whole % 60 == 0 else f"{minutes}m{whole % 60}s"
    if minutes < 60 * 3:
        return f"{minutes}m"
    hours = whole // 3600
    if hours < 8:
        return f"{hours}h" if minutes % 60 == 0 else f"{hours}h{minutes % 60}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        return f"{hours // 24}d" if hours % 24 == 0 else f"{hours // 24}d{hours % 24}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        days = hours // 24 % 365
        return f"{hours // 24 // 365}y" if days == 0 else f"{hours // 24 // 365}y{days}d"
    return f"{hours // 24 // 365}y"


def parse_time(value: str | None) -> datetime | None:
    """An RFC 3339 timestamp as the API serialises metav1.Time or MicroTime; None for a missing one."""
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def age(value: str | None, now: datetime) -> str:
    """translateTimestampSince: "<unknown>" for a zero time, else the human duration since it."""
    moment = parse_time(value)
    if moment is None:
        return "<unknown>"
    return human_duration((now - moment).total_seconds())
