"""`zonecut audit`: scan an organisation's Route 53 for broken delegations (in progress)."""

from __future__ import annotations
