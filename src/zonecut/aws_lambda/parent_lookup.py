"""Which hosted zone of the parent's account is the parent of a name (pure; the reads are
the caller's), when ``ZONECUT_PARENT_ZONE_ID`` is not set.

The parent of ``team.dev.example.com`` is the *public* hosted zone of the parent's
account whose name is the longest proper suffix of it: ``dev.example.com`` when the
account has one, else ``example.com``, else ``com``. Each suffix is looked up with
``ListHostedZonesByName`` (longest first, so a deeper parent always wins); private zones
are passed over (they answer no public query). Two public zones of the same name are
never chosen between: which of them the world's resolvers reach is not something the
account says, and writing into the wrong one is a delegation that does not work. The
answer is then a refusal naming the account and every candidate, and nothing is
written; with no public zone above the name, the refusal lists the names looked for.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from zonecut.state import HostedZone

Finder = Callable[[str], Sequence[HostedZone]]
"""Every hosted zone (public and private) of the account named exactly the argument."""


def suffixes(name: str) -> list[str]:
    """The proper suffixes of ``name`` on label boundaries, longest first (no root)."""
    labels = name.split(".")
    return [".".join(labels[i:]) for i in range(1, len(labels))]


def find_parent(child: str, account_id: str, find: Finder) -> HostedZone | str:
    """The parent zone of ``child`` in ``account_id``, or why there is none to choose."""
    private: list[HostedZone] = []
    looked: list[str] = []
    for suffix in suffixes(child):
        looked.append(suffix)
        zones = list(find(suffix))
        public = sorted((z for z in zones if not z.private), key=lambda z: z.zone_id)
        private += [z for z in zones if z.private]
        if len(public) == 1:
            return public[0]
        if public:
            listed = ", ".join(z.zone_id for z in public)
            return (f"account {account_id} has {len(public)} public hosted zones named "
                    f"{suffix} ({listed}): the parent of {child} is not guessed between "
                    "them; set ZONECUT_PARENT_ZONE_ID, or delete the extra zone; nothing "
                    "was changed")
    skipped = (f"; private zones passed over: "
               f"{', '.join(f'{z.name} ({z.zone_id})' for z in private)}" if private else "")
    return (f"account {account_id} has no public hosted zone above {child} (looked for "
            f"{', '.join(looked) or 'none'}){skipped}; nothing was changed")
