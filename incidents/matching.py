"""Which incidents a policy, a silence or a maintenance window names: shell-style globs on fields.

A matcher maps a key (source, check, metric, severity, category, priority) to a glob, as in
`source = "web-*"`. Every matcher must match for the whole to match; no matchers match all.
Enum fields (severity, category, priority) compare without regard to case, so
`severity = "CRITICAL"` in a config means what its author meant.
"""

from __future__ import annotations

from collections.abc import Mapping
from fnmatch import fnmatchcase

from onwatch.incidents.errors import InvalidInput
from onwatch.incidents.model import Category, Incident, Priority, Severity

MATCH_KEYS = frozenset({"source", "check", "metric", "severity", "category", "priority"})
"""Every key a matcher may name (what an escalation policy's `match` may use)."""

SILENCE_KEYS = frozenset({"source", "check", "metric", "severity"})
"""What a silence or a maintenance window may match on."""

_ENUM_VALUES: dict[str, tuple[str, ...]] = {
    "severity": tuple(s.value for s in Severity),
    "category": tuple(c.value for c in Category),
    "priority": tuple(p.value for p in Priority),
}


def incident_fields(incident: Incident) -> dict[str, str]:
    """The values matchers see: every key in `MATCH_KEYS`."""
    return {
        "source": incident.source,
        "check": incident.check,
        "metric": incident.metric,
        "severity": incident.severity.value,
        "category": incident.category.value,
        "priority": incident.priority.value,
    }


def _matches(key: str, pattern: str, value: str) -> bool:
    if key in _ENUM_VALUES:
        return fnmatchcase(value.lower(), pattern.lower())
    return fnmatchcase(value, pattern)


def glob_match(matchers: Mapping[str, str], subject: Incident | Mapping[str, str]) -> bool:
    """True when every matcher's glob matches the subject's field (no matchers match all).

    `subject` is an incident or plain fields (e.g. a sample's source and check); a key the
    subject lacks does not match.
    """
    values = incident_fields(subject) if isinstance(subject, Incident) else subject
    for key, pattern in matchers.items():
        value = values.get(key)
        if value is None or not _matches(key, pattern, str(value)):
            return False
    return True


def check_matchers(
    matchers: Mapping[str, str], allowed: frozenset[str], *, what: str
) -> dict[str, str]:
    """A validated copy of `matchers`; raises InvalidInput on an unknown key or an empty glob.

    A glob on an enum field that can match none of its values (`severity = "crit"`) is refused:
    such a typo would otherwise silently never match.
    """
    checked: dict[str, str] = {}
    for key, pattern in matchers.items():
        if key not in allowed:
            raise InvalidInput(
                f"{what} cannot match on {key!r}; use one of {', '.join(sorted(allowed))}"
            )
        if not isinstance(pattern, str) or not pattern.strip():
            raise InvalidInput(f"{what}: the pattern for {key} must be a non-empty string")
        values = _ENUM_VALUES.get(key)
        if values and not any(_matches(key, pattern, v) for v in values):
            raise InvalidInput(
                f"{what}: {key} pattern {pattern!r} matches none of {', '.join(values)}"
            )
        checked[key] = pattern.strip()
    return checked


def describe_matchers(matchers: Mapping[str, str]) -> str:
    """`source=web-* check=api`: the form the CLI takes and lists."""
    return " ".join(f"{key}={pattern}" for key, pattern in sorted(matchers.items())) or "everything"
