"""Record changes packed into ChangeResourceRecordSets calls on their exact wire size."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from zonecut.aws.route53 import RecordChange
from zonecut.plan.batching import batches, change_cost

C = TypeVar("C", bound=RecordChange)


def pack(changes: Sequence[C]) -> list[list[C]]:
    """As few batches as Route 53's limits allow, counting what is sent: values with
    their trailing dots, UPSERT twice for both the 1,000 records and 32,000 characters."""
    return batches(changes, [change_cost(c.action, c.wire_values()) for c in changes])
