"""Record changes packed into ChangeResourceRecordSets calls on their exact wire size."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar

from zonecut.aws.route53 import RecordChange
from zonecut.names import iam_normalized
from zonecut.plan.batching import batches, change_cost
from zonecut.plan.name_chunks import chunk_of

C = TypeVar("C", bound=RecordChange)


def pack(changes: Sequence[C]) -> list[list[C]]:
    """As few batches as Route 53's limits allow, counting what is sent: values with
    their trailing dots, UPSERT twice for both the 1,000 records and 32,000 characters."""
    return batches(changes, [change_cost(c.action, c.wire_values()) for c in changes])


def ns_batches(changes: Sequence[C], children: Iterable[str]) -> list[list[C]]:
    """A parent's NS changes packed so that every batch stays inside one chunk of the
    parent's declared ``children`` (IAM-normalized, :mod:`zonecut.plan.name_chunks`): a
    delegation statement the IAM generator had to split by names then allows each
    batch whole. Within a chunk, as few batches as Route 53's limits allow."""
    normal = {c.rrset.name: iam_normalized(c.rrset.name) for c in changes}
    chunks = chunk_of([*(iam_normalized(c) for c in children), *normal.values()])
    groups: dict[int, list[C]] = {}
    for change in changes:
        groups.setdefault(chunks[normal[change.rrset.name]], []).append(change)
    return [batch for number in sorted(groups) for batch in pack(groups[number])]
