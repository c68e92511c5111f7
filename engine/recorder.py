"""Write rule decisions to the store: the dedup-by-fingerprint step of the data flow."""

from __future__ import annotations

from collections.abc import Iterable

from onwatch.incidents import Change, Decision, Incident, apply
from onwatch.store import IncidentStore, Transaction


def apply_decisions(txn: Transaction, decisions: Iterable[Decision]) -> list[Change]:
    """Apply decisions in order inside a transaction; return what changed."""
    changes: list[Change] = []
    unclosed: dict[str, Incident] = txn.unclosed_by_fingerprint()
    for decision in decisions:
        change = apply(decision, unclosed.get(decision.fingerprint), next_id=txn.next_id)
        if change is None:
            continue
        txn.put(change.incident)
        if change.incident.is_open:
            unclosed[decision.fingerprint] = change.incident
        else:
            unclosed.pop(decision.fingerprint, None)
        changes.append(change)
    return changes


def record(store: IncidentStore, decisions: Iterable[Decision]) -> list[Change]:
    """Apply decisions in one transaction of their own."""
    decisions = list(decisions)
    if not decisions:
        return []
    with store.transaction() as txn:
        return apply_decisions(txn, decisions)
