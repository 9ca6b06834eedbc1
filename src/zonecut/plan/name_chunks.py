"""How a long list of record names is cut into groups, the same way by the IAM policy
generator and by apply (pure).

An IAM statement that lists more names than fit one managed policy (6,144 characters)
is split by names; IAM allows a ``ChangeResourceRecordSets`` batch only if one statement
allows all of it (``ForAllValues`` on the batch's names). So the generator splits such a
statement along :func:`name_chunks` of its (IAM-normalized) names, and apply sends a
parent's NS changes in batches that each stay inside one chunk of the parent's declared
children: every batch is then allowed by one statement.
"""

from __future__ import annotations

from collections.abc import Iterable

NAMES_BUDGET = 4_800
"""Characters of the names list in one chunk (each name with its quotes and comma): with
the rest of a delegation statement (its actions, resource and other conditions, a few
hundred characters) it fits a 6,144-character managed policy."""


def name_chunks(names: Iterable[str], budget: int = NAMES_BUDGET) -> list[list[str]]:
    """The names, sorted and unique, in greedy groups of at most ``budget`` characters."""
    chunks: list[list[str]] = []
    used = budget + 1
    for name in sorted(set(names)):
        cost = len(name) + 3
        if used + cost > budget:
            chunks.append([])
            used = 0
        chunks[-1].append(name)
        used += cost
    return chunks


def chunk_of(names: Iterable[str], budget: int = NAMES_BUDGET) -> dict[str, int]:
    """Each name -> the number of its chunk."""
    return {name: number for number, chunk in enumerate(name_chunks(names, budget))
            for name in chunk}
