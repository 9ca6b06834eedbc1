"""IAM's size limits per kind of policy, and splitting a role's policy to fit (pure).

From the IAM quotas page ("IAM and AWS STS quotas"): a managed policy holds at most
6,144 characters, all inline policies of one role together at most 10,240, a role trust
policy 2,048 (raisable to 4,096), and a role (or user) has at most 10 managed policies
attached by default (raisable to 20). IAM does not count white space.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from zonecut.iam.documents import Document, Statement, document, size
from zonecut.plan.name_chunks import name_chunks

MANAGED_POLICY_LIMIT = 6_144
INLINE_POLICY_LIMIT = 10_240
TRUST_POLICY_LIMIT = 2_048
MANAGED_POLICIES_PER_ROLE = 10


@dataclass(frozen=True)
class PolicyPart:
    """One policy document as deployed: inline in the role, or a managed policy."""

    name: str
    managed: bool
    document: Document


def _name_lists(stmt: Statement) -> list[tuple[str, str]]:
    """(operator, key) of the condition lists a statement may be split along."""
    found = []
    for operator, keys in stmt.get("Condition", {}).items():
        if "NotLike" in operator:
            continue
        for key, values in keys.items():
            if key.endswith("NormalizedRecordNames") and isinstance(values, list) \
                    and len(values) > 1:
                found.append((operator, key))
    return found


def _halves(stmt: Statement) -> list[Statement] | None:
    """The statement cut along its names: in :func:`zonecut.plan.name_chunks.name_chunks`
    (which apply's NS batches follow) when they make more than one chunk, else in halves."""
    lists = _name_lists(stmt)
    if not lists:
        return None
    operator, key = lists[0]
    values = stmt["Condition"][operator][key]
    middle = len(values) // 2
    pieces = name_chunks(values)
    if len(pieces) < 2:
        pieces = [values[:middle], values[middle:]]
    parts = []
    for number, chunk in enumerate(pieces, start=1):
        suffix = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[number - 1] if len(pieces) <= 26 else str(number)
        part: dict[str, Any] = {**stmt, "Sid": f"{stmt['Sid']}{suffix}"}
        part["Condition"] = {op: dict(keys) for op, keys in stmt["Condition"].items()}
        part["Condition"][operator][key] = chunk if len(chunk) > 1 else chunk[0]
        parts.append(part)
    return parts


def fitting(statements: Sequence[Statement], limit: int) -> tuple[list[Statement], list[str]]:
    """The statements, each alone in a document within ``limit``: a statement over it is
    split in halves along its record names. Returns them and the Sids split that way."""
    found: list[Statement] = []
    split: list[str] = []
    todo = list(statements)
    while todo:
        stmt = todo.pop(0)
        if size(document([stmt])) <= limit:
            found.append(stmt)
            continue
        halves = _halves(stmt)
        if halves is None:
            raise ValueError(f"statement {stmt['Sid']} alone is over {limit} characters")
        split.append(stmt["Sid"])
        todo[:0] = halves
    return found, split


def pack(statements: Sequence[Statement], limit: int) -> list[list[Statement]]:
    """Statements in order into as few documents within ``limit`` as this order allows."""
    found: list[list[Statement]] = []
    for stmt in statements:
        if found and size(document([*found[-1], stmt])) <= limit:
            found[-1].append(stmt)
        else:
            found.append([stmt])
    return found


def role_parts(statements: Sequence[Statement], name: str, *, inline: bool
               ) -> tuple[tuple[PolicyPart, ...], list[str]]:
    """The policies to deploy: one inline policy when the role can hold it (``inline``
    and within 10,240 characters), else managed policies of at most 6,144 characters each.
    Returns them and notes (statements split by names, more than 10 managed policies)."""
    if not statements:
        return (), []
    whole = document(statements)
    if inline and size(whole) <= INLINE_POLICY_LIMIT:
        return (PolicyPart(name, False, whole),), []
    notes: list[str] = []
    fitted, split = fitting(statements, MANAGED_POLICY_LIMIT)
    if split:
        notes.append(f"{name}: statement(s) {', '.join(sorted(set(split)))} alone exceed "
                     f"{MANAGED_POLICY_LIMIT} characters and were split by record names; "
                     "IAM refuses a batch of changes spanning two of the parts")
    groups = pack(fitted, MANAGED_POLICY_LIMIT)
    parts = tuple(PolicyPart(f"{name}-{number}" if len(groups) > 1 else name, True,
                             document(group)) for number, group in enumerate(groups, start=1))
    if len(parts) > MANAGED_POLICIES_PER_ROLE:
        notes.append(f"{name}: {len(parts)} managed policies of at most "
                     f"{MANAGED_POLICY_LIMIT} characters are needed; IAM attaches at most "
                     f"{MANAGED_POLICIES_PER_ROLE} to a role or user by default (the quota "
                     "can be raised to 20): raise it or split the account's zones")
    return parts, notes


def trust_note(name: str, trust: Document | None) -> list[str]:
    if trust is None or size(trust) <= TRUST_POLICY_LIMIT:
        return []
    return [f"{name}: the trust policy is {size(trust)} characters; IAM allows "
            f"{TRUST_POLICY_LIMIT} by default (the quota can be raised to 4,096)"]
