"""A small evaluator of AWS's documented policy rules, for the tests only.

Sources: IAM User Guide, "Policy evaluation logic" (an explicit Deny wins, then any
Allow, else the implicit deny), "IAM JSON policy elements: Condition operators" (string
operators are case-sensitive; ``StringLike`` has ``*``, any run of characters, and ``?``,
one character; several values of one key are ORed, several keys and operators ANDed; a
negated operator is true when the value matches none of the policy's values, and when
the key is absent), "Multivalued context keys" (``ForAllValues``: every request value
matches, also true with no value; ``ForAnyValue``: at least one does, false with none),
"Action" (case-insensitive, wildcards) and "Resource" (ARN wildcards, case-sensitive).

Kept outside ``src`` on purpose: it checks the generator, it is not the generator.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

NAMES = "route53:ChangeResourceRecordSetsNormalizedRecordNames"
TYPES = "route53:ChangeResourceRecordSetsRecordTypes"
ACTIONS = "route53:ChangeResourceRecordSetsActions"
CHANGE = "route53:ChangeResourceRecordSets"


@cache
def _glob(pattern: str, *, case: bool = True) -> re.Pattern[str]:
    parts = [".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern]
    return re.compile("".join(parts), re.DOTALL if case else re.DOTALL | re.IGNORECASE)


def like(pattern: str, value: str) -> bool:
    return _glob(pattern).fullmatch(value) is not None


def _listed(value: str | Sequence[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


_MATCHERS = {
    "StringEquals": lambda p, v: p == v,
    "StringLike": like,
    "StringEqualsIgnoreCase": lambda p, v: p.lower() == v.lower(),
}


def _operator(name: str) -> tuple[str, str, bool]:
    """(set qualifier, base operator, negated)."""
    qualifier, _, base = name.rpartition(":")
    negated = "Not" in base
    positive = base.replace("Not", "")
    if positive not in _MATCHERS or qualifier not in ("", "ForAllValues", "ForAnyValue"):
        raise ValueError(f"operator {name} is not modelled")
    return qualifier, positive, negated


def _value_passes(base: str, negated: bool, policy: list[str], value: str) -> bool:
    hit = any(_MATCHERS[base](p, value) for p in policy)
    return not hit if negated else hit


def condition_holds(condition: Mapping[str, Mapping[str, Any]],
                    context: Mapping[str, Sequence[str]]) -> bool:
    for operator, keys in condition.items():
        qualifier, base, negated = _operator(operator)
        for key, wanted in keys.items():
            policy = _listed(wanted)
            values = list(context.get(key, ()))
            if qualifier == "ForAllValues":
                ok = all(_value_passes(base, negated, policy, v) for v in values)
            elif qualifier == "ForAnyValue":
                ok = any(_value_passes(base, negated, policy, v) for v in values)
            elif not values:
                ok = negated
            else:  # a single-valued key
                if len(values) != 1:
                    raise ValueError(f"{key} has several values: use a set qualifier")
                ok = _value_passes(base, negated, policy, values[0])
            if not ok:
                return False
    return True


def _matches(patterns: str | Sequence[str], value: str, *, case: bool) -> bool:
    return any(_glob(p, case=case).fullmatch(value) for p in _listed(patterns))


@dataclass(frozen=True)
class Request:
    action: str
    resource: str
    context: Mapping[str, Sequence[str]]


def _applies(stmt: Mapping[str, Any], request: Request) -> bool:
    if "NotAction" in stmt or "NotResource" in stmt:
        raise ValueError("NotAction / NotResource are not modelled")
    return (_matches(stmt["Action"], request.action, case=False)
            and _matches(stmt["Resource"], request.resource, case=True)
            and condition_holds(stmt.get("Condition", {}), request.context))


def decide(statements: Iterable[Mapping[str, Any]], request: Request) -> bool:
    """IAM's answer for one request against the statements of every policy together."""
    allowed = False
    for stmt in statements:
        if not _applies(stmt, request):
            continue
        if stmt["Effect"] == "Deny":
            return False
        allowed = True
    return allowed


def batch_request(resource: str, changes: Iterable[tuple[str, str, str]]) -> Request:
    """A ChangeResourceRecordSets request: (action, type, IAM-normalised name) per change;
    each condition key holds the set of its values over the whole batch."""
    listed = list(changes)
    return Request(CHANGE, resource, {
        ACTIONS: sorted({a for a, _, _ in listed}),
        TYPES: sorted({t for _, t, _ in listed}),
        NAMES: sorted({n for _, _, n in listed}),
    })


def statements_of(parts: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [s for doc in parts for s in doc["Statement"]]
