"""The alert rules and their thresholds per priority (config ALERT_RULES, hours)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sync import status as st

# A failed visit stays overdue past due_at (the customer still waits) but raises no warning or
# escalation: those time the engineer's assignment, and the next step is the office's revisit,
# which starts a new assignment and restarts their clocks.
OPEN_STATUSES = st.AWAITING_SERVICE
DEFAULT_HOURS = {"warning": 4.0, "escalation": 6.0}
ANY_PRIORITY = "*"


@dataclass(frozen=True)
class Rule:
    """Orders in `statuses` whose `anchor` time is older than the threshold raise `level`."""

    level: str
    statuses: tuple[str, ...]
    anchor: str  # "assigned_at": a threshold applies; "due_at": the time itself is the limit
    to_supervisors: bool


RULES = (
    Rule("warning", (st.ASSIGNED,), "assigned_at", to_supervisors=False),
    Rule("escalation", (st.ASSIGNED, st.ACCEPTED, st.IN_PROGRESS), "assigned_at",
         to_supervisors=True),
    Rule("overdue", OPEN_STATUSES, "due_at", to_supervisors=True),
)
LEVELS = tuple(rule.level for rule in RULES)


@dataclass(frozen=True)
class Threshold:
    """One limit shared by a group of priorities: `only` these, or all but `excluding`."""

    limit: timedelta
    only: tuple[str, ...] | None
    excluding: tuple[str, ...]


def validate(config: dict) -> None:
    """Raise ValueError unless `config` maps priorities to {level: hours or null}."""
    if not isinstance(config, dict):
        raise ValueError("ALERT_RULES must be a JSON object of priorities")
    for priority, levels in config.items():
        if not isinstance(levels, dict):
            raise ValueError(f"ALERT_RULES[{priority!r}] must be an object of levels")
        for level, hours in levels.items():
            if level not in DEFAULT_HOURS:
                raise ValueError(f"ALERT_RULES[{priority!r}]: unknown level {level!r}")
            if hours is not None and (isinstance(hours, bool)
                                      or not isinstance(hours, int | float) or hours <= 0):
                raise ValueError(f"ALERT_RULES[{priority!r}][{level!r}] must be hours > 0")


def thresholds(config: dict, level: str) -> list[Threshold]:
    """The groups of priorities sharing one limit for `level` (a null limit disables it)."""
    validate(config)
    default = config.get(ANY_PRIORITY, {}).get(level, DEFAULT_HOURS[level])
    named = {p: levels[level] for p, levels in config.items()
             if p != ANY_PRIORITY and level in levels}
    groups: dict[float, list[str]] = {}
    for priority, hours in named.items():
        if hours is not None:
            groups.setdefault(hours, []).append(priority)
    result = [Threshold(timedelta(hours=hours), tuple(sorted(priorities)), ())
              for hours, priorities in sorted(groups.items())]
    if default is not None:
        result.append(Threshold(timedelta(hours=default), None, tuple(sorted(named))))
    return result
