"""Standard cron schedules, as the CronJob controller reads them (github.com/robfig/cron/v3 ParseStandard).

Five fields (minute, hour, day of month, month, day of week) with `*`, `?`, lists, ranges, steps and names
(`jan`, `mon`), or a descriptor (`@hourly`, `@daily`, ...). As in robfig/cron, when both day fields are restricted a
time matches either of them; when one is `*`, both must match. `next_after` finds the next matching minute in a time
zone, stepping a month, a day, an hour or a minute at a time as robfig's `Next` does.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

MONTHS = {
    name: number
    for number, name in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
WEEKDAYS = {name: number for number, name in enumerate(["sun", "mon", "tue", "wed", "thu", "fri", "sat"])}
# (minimum, maximum, names) per field
BOUNDS = ((0, 59, {}), (0, 23, {}), (1, 31, {}), (1, 12, MONTHS), (0, 6, WEEKDAYS))
DESCRIPTORS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
# robfig gives up after five years without a match (e.g. 30 February)
SEARCH_YEARS = 5
EVERY = "@every "
_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?)(h|ms|m|s|us|µs|ns)")
_UNIT_SECONDS = {"h": 3600, "m": 60, "s": 1, "ms": 1e-3, "us": 1e-6, "µs": 1e-6, "ns": 1e-9}


class ScheduleError(ValueError):
    """A schedule robfig/cron would refuse, with its message."""


@dataclass(frozen=True)
class Schedule:
    minutes: frozenset
    hours: frozenset
    days: frozenset
    months: frozenset
    weekdays: frozenset
    any_day: bool  # the day-of-month field was `*` or `?`
    any_weekday: bool

    def day_matches(self, moment: datetime) -> bool:
        day = moment.day in self.days
        weekday = (moment.isoweekday() % 7) in self.weekdays
        if self.any_day or self.any_weekday:
            return day and weekday
        return day or weekday

    def next_after(self, moment: datetime) -> datetime | None:
        """The first matching minute strictly after `moment` (an aware datetime), in `moment`'s time zone."""
        zone = moment.tzinfo
        local = moment.replace(second=0, microsecond=0, tzinfo=None) + timedelta(minutes=1)
        limit = local.year + SEARCH_YEARS
        while local.year <= limit:
            if local.month not in self.months:
                local = (local.replace(day=1, hour=0, minute=0) + timedelta(days=32)).replace(day=1)
            elif not self.day_matches(local):
                local = local.replace(hour=0, minute=0) + timedelta(days=1)
            elif local.hour not in self.hours:
                local = local.replace(minute=0) + timedelta(hours=1)
            elif local.minute not in self.minutes:
                local += timedelta(minutes=1)
            else:
                return local.replace(tzinfo=zone)
        return None


@dataclass(frozen=True)
class Every:
    """`@every <duration>`: robfig's ConstantDelaySchedule, at least a second, on whole seconds."""

    seconds: float

    def next_after(self, moment: datetime) -> datetime:
        return moment.replace(microsecond=0) + timedelta(seconds=self.seconds)


def parse(schedule: str) -> Schedule | Every:
    text = schedule.strip()
    if text.startswith(EVERY):
        return Every(max(1.0, float(int(_go_duration(text[len(EVERY) :], text)))))
    if text.startswith("@"):
        if text not in DESCRIPTORS:
            raise ScheduleError(f"unrecognized descriptor: {text}")
        text = DESCRIPTORS[text]
    fields = text.split()
    if len(fields) != 5:
        raise ScheduleError(f"expected exactly 5 fields, found {len(fields)}: [{' '.join(fields)}]")
    values = [_field(field, *bounds) for field, bounds in zip(fields, BOUNDS, strict=True)]
    return Schedule(*(frozenset(found) for found, _ in values), any_day=values[2][1], any_weekday=values[4][1])


def _go_duration(text: str, schedule: str) -> float:
    """time.ParseDuration for the forms a schedule uses ("90s", "1h30m")."""
    parts = _DURATION_PART.findall(text)
    if not text or "".join(number + unit for number, unit in parts) != text:
        raise ScheduleError(f'failed to parse duration {schedule}: time: invalid duration "{text}"')
    return sum(float(number) * _UNIT_SECONDS[unit] for number, unit in parts)


def _field(field: str, low: int, high: int, names: dict) -> tuple[set, bool]:
    """robfig getField: a comma-separated list of ranges; also whether the field was a bare `*` or `?`."""
    found: set[int] = set()
    star = False
    for part in field.split(","):
        values, is_star = _range(part, low, high, names)
        found |= values
        star = star or is_star
    return found, star


def _range(part: str, low: int, high: int, names: dict) -> tuple[set, bool]:
    range_text, _, step_text = part.partition("/")
    star = range_text in ("*", "?")
    if star:
        start, end = low, high
    else:
        first, dash, last = range_text.partition("-")
        start = _number(first, names)
        end = _number(last, names) if dash else start
    step = 1
    if step_text:
        step = _number(step_text, {})
        if not star and "-" not in range_text:
            end = high
        if step > 1:
            star = False
    if start < low:
        raise ScheduleError(f"beginning of range ({start}) below minimum ({low}): {part}")
    if end > high:
        raise ScheduleError(f"end of range ({end}) above maximum ({high}): {part}")
    if start > end:
        raise ScheduleError(f"beginning of range ({start}) beyond end of range ({end}): {part}")
    if step == 0:
        raise ScheduleError(f"step of range should be a positive number: {part}")
    return set(range(start, end + 1, step)), star


def _number(text: str, names: dict) -> int:
    if text.lower() in names:
        return names[text.lower()]
    if not text.isdigit():
        raise ScheduleError(f'failed to parse int from {text}: strconv.Atoi: parsing "{text}": invalid syntax')
    return int(text)
