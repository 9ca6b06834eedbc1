"""A starting ``zonecut.yaml`` for the tree an audit found (pure: tree in, text out).

Every zone name becomes one declared zone, adopted as it is: ``root: true`` where no
zone of the organisation encloses it; ``zone_id`` pinned where the name is
duplicated (the copy its parent delegates to, else the busiest); ``ns_ttl`` as the
parent's NS rrset has it, so ``zonecut plan`` shows no change for a healthy
delegation. Accounts are keyed as the audit keyed them (Organizations names,
slugified). The text is checked with the config loader before it is returned.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

import yaml

from zonecut.audit.inventory import Inventory, ZoneRecord
from zonecut.audit.tree import DelegationState, OrgTree, pick_target, zone_sort_key
from zonecut.config.document import Config
from zonecut.config.errors import ConfigError
from zonecut.config.fields import MAX_TTL
from zonecut.config.loader import load_config_text
from zonecut.errors import ZonecutError
from zonecut.names import normalize
from zonecut.names import problems as name_problems

DEFAULT_NS_TTL = 3600
POLICY_MIN, POLICY_MAX = 300, 172800
_PLAIN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
_STR = "tag:yaml.org,2002:str"
_resolve = cast(Callable[[type[yaml.ScalarNode], str, tuple[bool, bool]], str],
                yaml.resolver.Resolver().resolve)
"""The tag YAML gives a plain scalar (PyYAML's stubs leave this method untyped)."""


class WrittenConfigInvalid(ZonecutError):
    """The config written from an audit does not load (a bug: please report it)."""


@dataclass(frozen=True)
class DeclaredZone:
    """One zone of the written config."""

    record: ZoneRecord
    root: bool
    pinned: bool
    ns_ttl: int | None


def _scalar(text: str) -> str:
    """``text`` as a YAML flow scalar that loads back as exactly this string."""
    if _PLAIN.match(text) and _resolve(yaml.ScalarNode, text, (True, False)) == _STR:
        return text
    return json.dumps(text)


def _busiest(copies: list[ZoneRecord], tree: OrgTree) -> ZoneRecord:
    def score(record: ZoneRecord) -> tuple[int, int, int]:
        delegated = sum(1 for d in tree.delegations_of(record.name)
                        if d.target is record and d.state is not DelegationState.DANGLING)
        children = sum(1 for d in tree.delegations_from(record)
                       if d.state is not DelegationState.DANGLING)
        return (-delegated, -children, -record.zone.record_count)

    return min(copies, key=lambda r: (score(r), zone_sort_key(r)))


def choose_zones(tree: OrgTree) -> tuple[list[DeclaredZone], list[str]]:
    """The zone to declare for each name (parents first), and the names left out."""
    chosen: dict[str, ZoneRecord] = {}
    declared: list[DeclaredZone] = []
    left_out: list[str] = []
    ns_at = {d.key: d.ns for d in tree.delegations}
    for name in tree.names:
        copies = [z.record for z in tree.copies(name)]
        enclosing = tree.copies(name)[0].enclosing
        problems = name_problems(name)
        if problems:
            left_out.append(f"{name}: {'; '.join(problems)}")
            continue
        parent = chosen.get(enclosing) if enclosing else None
        ns = ns_at.get((parent.zone_id, name)) if parent else None
        picked = pick_target(ns, copies) if ns is not None else None
        record = picked or _busiest(copies, tree)
        chosen[name] = record
        ttl = None
        if ns is not None:
            ttl = min(max(ns.ttl, 1), MAX_TTL)
        declared.append(DeclaredZone(record, root=enclosing is None, pinned=len(copies) > 1,
                                     ns_ttl=ttl))
    return declared, left_out


def _flow(values: Mapping[str, Any]) -> str:
    """A mapping as a YAML flow mapping (JSON scalars: loads back exactly)."""
    return "{" + ", ".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in values.items()) + "}"


def write_config(inventory: Inventory, tree: OrgTree, base: Config | None = None,
                 partition: str | None = None) -> str:
    """The YAML text of a config declaring the tree; raises if it would not load.

    ``base`` is the config the audit read its accounts from (``-c``): its access
    settings (``defaults.access`` and each account's overrides) and each zone's tags
    are kept, so the written file reaches the accounts as the old one did.
    ``partition`` (``--partition``) is written into ``defaults.access``."""
    zones, left_out = choose_zones(tree)
    if not zones:
        raise ZonecutError("the audit found no public hosted zone: no config to write")
    ttls = Counter(z.ns_ttl for z in zones if z.ns_ttl is not None)
    default_ttl = min(ttls, key=lambda t: (-ttls[t], t != DEFAULT_NS_TTL, t)) \
        if ttls else DEFAULT_NS_TTL
    lowest = min([POLICY_MIN, *ttls])
    highest = max([POLICY_MAX, *ttls])
    used = {z.record.account_id for z in zones}
    accounts = [a for a in inventory.accounts if a.account_id in used]
    lines = [
        f"# Written by `zonecut audit` from {len(inventory.accounts)} account(s): "
        f"{len(zones)} public zone(s), each adopted as it is.",
        "# Review it, then `zonecut plan -c <this file>` shows what apply would change.",
    ]
    if any(z.pinned for z in zones):
        lines.append("# zone_id is pinned where several public zones share a name.")
    for item in left_out:
        lines.append(f"# left out (not a valid zone name for zonecut): {item}")
    lines += ["version: 1", "defaults:", f"  ns_ttl: {default_ttl}"]
    access: dict[str, Any] = (base.defaults.access.model_dump(mode="json", exclude_defaults=True)
                              if base is not None else {})
    if partition is not None and partition != "aws":
        access["partition"] = partition
    if access:
        lines.append(f"  access: {_flow(access)}")
    if (lowest, highest) != (POLICY_MIN, POLICY_MAX):
        lines.append(f"  ns_ttl_policy: {{min: {lowest}, max: {highest}}}  "
                     "# widened to accept the TTLs found")
    lines.append("accounts:")
    base_accounts = {a.id: a for a in base.accounts.values()} if base is not None else {}
    for account in accounts:
        note = f"  # {json.dumps(account.name)}" if account.name and \
            account.name != account.key else ""
        fields: dict[str, Any] = {"id": account.account_id}
        found = base_accounts.get(account.account_id)
        if found is not None:
            fields.update(found.model_dump(mode="json", exclude_defaults=True))
            fields["id"] = account.account_id
        lines.append(f"  {_scalar(account.key)}: {_flow(fields)}{note}")
    lines.append("zones:")
    base_zones = {normalize(z.name): z for z in base.zones} if base is not None else {}
    for zone in zones:
        record = zone.record
        items = [f"name: {_scalar(record.name)}",
                 f"account: {_scalar(inventory.key_of(record.account_id))}"]
        if zone.root:
            items.append("root: true")
        if zone.pinned:
            items.append(f"zone_id: {_scalar(record.zone_id)}")
        if zone.ns_ttl is not None and zone.ns_ttl != default_ttl:
            items.append(f"ns_ttl: {zone.ns_ttl}")
        if record.zone.comment:
            items.append(f"comment: {json.dumps(record.zone.comment[:256])}")
        declared = base_zones.get(record.name)
        if declared is not None and declared.tags:
            items.append(f"tags: {_flow(dict(declared.tags))}")
        lines.append("  - {" + ", ".join(items) + "}")
    text = "\n".join(lines) + "\n"
    try:
        load_config_text(text, "<written config>")
    except ConfigError as exc:
        raise WrittenConfigInvalid(
            "the config written from the audit does not load (a zonecut bug):\n  "
            + "\n  ".join(str(p) for p in exc.problems)) from exc
    return text
