"""Where the SSM handoff's parameters live, and the config checks of the accounts it names.

A zone's parameter ``PREFIX/ZONE`` is written (``defaults.ssm.publish_in``):

- ``parent`` (the default): in the account of the zone's parent zone: a declared parent's
  account; for a zone whose parent is read from SSM, the account the parent's document
  names (``parent_from_ssm.parent_account`` when the document is not read yet); for a
  root zone, its own account;
- ``zone``: in the zone's own account;
- ``account``: in the one registry account ``defaults.ssm.account``, so that every
  consumer reads one place.

A zone whose parent is read from SSM reads it in ``parent_from_ssm.account`` (where the
parameter is), and writes the NS record into the account the document names (the
parent zone's), which must be declared under ``accounts``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from zonecut.config.tree import DesiredTree, DesiredZone

if TYPE_CHECKING:
    from zonecut.config.defaults import Defaults
    from zonecut.config.document import Config
    from zonecut.config.facts import AccountFacts, ZoneFacts
    from zonecut.config.relations import Problem


@dataclass(frozen=True)
class HandoffLocation:
    """``mode`` parent, zone or account; ``registry_account_id`` with mode account."""

    mode: str = "parent"
    registry_account_id: str | None = None

    @classmethod
    def of(cls, config: Config) -> HandoffLocation:
        ssm = config.defaults.ssm
        registry = None
        if ssm.account is not None:
            found = config.account(ssm.account)
            registry = found.id if found is not None else ssm.account
        return cls(ssm.location, registry)

    def account_for(self, tree: DesiredTree, zone: DesiredZone,
                    parent_account_id: str | None = None) -> str:
        """The account whose Parameter Store holds ``zone``'s parameter.
        ``parent_account_id``: the account of an SSM-read parent, once its document is
        read (else the one ``parent_from_ssm`` expects)."""
        if self.mode == "account" and self.registry_account_id is not None:
            return self.registry_account_id
        if self.mode == "zone":
            return zone.account_id
        return parent_account(tree, zone, parent_account_id)


def parent_account(tree: DesiredTree, zone: DesiredZone,
                   parent_account_id: str | None = None) -> str:
    """The account of ``zone``'s parent zone: the declared parent's; for an SSM-read
    parent the one its document names (``parent_account_id``), else the one the config
    expects (``parent_account``, else the account the parameter is read in); for a root
    zone its own account."""
    ref = zone.ssm_parent
    if ref is not None:
        return parent_account_id or ref.parent_account_id or ref.account_id
    parent = tree.get(zone.parent) if zone.parent else None
    return parent.account_id if parent is not None else zone.account_id


def handoff_account_problems(defaults: Defaults | None, accounts: Mapping[str, AccountFacts],
                             zones: Sequence[ZoneFacts]) -> list[Problem]:
    """``defaults.ssm.account`` and every ``parent_from_ssm.parent_account`` are declared."""
    key_of_id = {facts.id: key for key, facts in accounts.items() if facts.id is not None}
    listing = ", ".join(list(accounts)[:12]) + (" and more" if len(accounts) > 12 else "")

    def unknown(ref: str) -> bool:
        return ref not in accounts and ref not in key_of_id

    found: list[Problem] = []
    if defaults is not None and defaults.ssm.account is not None \
            and unknown(defaults.ssm.account):
        found.append((("defaults", "ssm", "account"), (
            f"unknown account {defaults.ssm.account!r}: the registry account is declared "
            f"under `accounts` (declared: {listing})")))
    for zone in zones:
        ref = zone.ssm_parent
        if ref is not None and ref.parent_account is not None and unknown(ref.parent_account):
            found.append((("zones", zone.index, "parent_from_ssm", "parent_account"), (
                f"unknown account {ref.parent_account!r}: the parent zone's account is "
                f"declared under `accounts`, with the access zonecut writes the NS record "
                f"with (declared: {listing})")))
    return found
