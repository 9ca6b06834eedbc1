"""Checks that relate several parts of a config: references, duplicates, roots, TTL
policy, SSM parents, and records and certificates against delegated children."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping, Sequence

from zonecut import names
from zonecut.config.accounts import ROLE_ARN_RE, Account
from zonecut.config.defaults import Defaults
from zonecut.config.errors import Loc, format_loc
from zonecut.config.facts import AccountFacts, CertificateFacts, RecordFacts, ZoneFacts
from zonecut.config.fields import ACCOUNT_ID_RE
from zonecut.config.nesting import declared_parent, record_name

Problem = tuple[Loc, str]
"""A problem found by :func:`relation_problems`: where (a path tuple) and what."""


_MAX_LISTED = 12
_MAX_HINTS = 20


def relation_problems(
    defaults: Defaults | None,
    accounts: Mapping[str, AccountFacts],
    zones: Sequence[ZoneFacts],
    where: Callable[[Loc], str] = format_loc,
) -> list[Problem]:
    """Problems between parts of a config: references, duplicates, roots, TTL policy.

    ``where`` renders another location for messages that point at it (the loader
    adds the line number). Unknown (None) facts are skipped, never guessed.
    """
    found = _account_problems(defaults, accounts, where)
    if defaults is not None:
        found += _policy_problems(defaults, zones)
    found += _reference_problems(accounts, zones)
    found += _duplicate_problems(zones, where)
    found += _root_problems(zones, where)
    found += _ssm_parent_problems(accounts, zones, where)
    from zonecut.config.handoff_location import handoff_account_problems
    found += handoff_account_problems(defaults, accounts, zones)
    found += _record_problems(zones, where)
    found += _certificate_problems(zones, where)
    return found


def _listing(items: Sequence[str]) -> str:
    shown = ", ".join(items[:_MAX_LISTED])
    if len(items) > _MAX_LISTED:
        shown += f" and {len(items) - _MAX_LISTED} more"
    return shown


def _account_problems(defaults: Defaults | None, accounts: Mapping[str, AccountFacts],
                      where: Callable[[Loc], str]) -> list[Problem]:
    found: list[Problem] = []
    first_key_of_id: dict[str, str] = {}
    plain_credentials: dict[str | None, tuple[str, str]] = {}
    for key, facts in accounts.items():
        if facts.id is not None:
            first = first_key_of_id.setdefault(facts.id, key)
            if first != key:
                found.append((("accounts", key, "id"), (
                    f"account id {facts.id} is already declared as {first!r} "
                    f"({where(('accounts', first, 'id'))}); declare each account once"
                )))
            if ACCOUNT_ID_RE.match(key) and key != facts.id:
                found.append((("accounts", key), (
                    f"the key {key!r} looks like an account id but this account's id is "
                    f"{facts.id}; zones name accounts by key or by id, so pick another key"
                )))
        account = facts.account
        if account is None:
            continue
        found += _role_problems(key, account, defaults)
        if not account.assume_role:
            other = plain_credentials.setdefault(account.profile, (key, account.id))
            if other[1] != account.id:
                how = (f"profile {account.profile!r}" if account.profile
                       else "the default credential chain")
                found.append((("accounts", key, "assume_role"), (
                    f"{key!r} and {other[0]!r} both use {how} without assuming a role but "
                    "declare different account ids; one set of credentials reaches one account"
                )))
    return found


def _role_problems(key: str, account: Account, defaults: Defaults | None) -> list[Problem]:
    found: list[Problem] = []
    if not account.assume_role:
        for field in ("role_arn", "role_name", "external_id", "source_identity"):
            if getattr(account, field) is not None:
                found.append((("accounts", key, field), (
                    f"{field} is set but assume_role is false, so no role is assumed; "
                    "remove one of them"
                )))
        return found
    if account.role_arn is not None:
        match = ROLE_ARN_RE.match(account.role_arn)
        if match and match["account"] != account.id:
            found.append((("accounts", key, "role_arn"), (
                f"role_arn names account {match['account']} but this account's id is "
                f"{account.id}; the role must live in the account itself"
            )))
        elif match and defaults is not None and match["partition"] != defaults.access.partition:
            found.append((("accounts", key, "role_arn"), (
                f"role_arn is in partition {match['partition']!r} but "
                f"defaults.access.partition is {defaults.access.partition!r}"
            )))
        return found
    if defaults is None:
        return found
    template = account.role_name or defaults.access.role_name
    rendered = template.format(account_id=account.id, account=key).strip("/")
    name = rendered.rpartition("/")[2]
    if len(name) > 64 or len(rendered) > 512:
        found.append((("accounts", key), (
            f"the role name {rendered!r} made from role_name {template!r} is too long "
            "(IAM allows 64 characters, 512 with the path)"
        )))
    return found


def _policy_problems(defaults: Defaults, zones: Sequence[ZoneFacts]) -> list[Problem]:
    policy = defaults.ns_ttl_policy
    found: list[Problem] = []

    def check(loc: Loc, ttl: int) -> None:
        if not policy.min <= ttl <= policy.max:
            found.append((loc, (
                f"ns_ttl {ttl} is outside defaults.ns_ttl_policy ({policy.min}..{policy.max}); "
                "verify would flag the delegation"
            )))

    check(("defaults", "ns_ttl"), defaults.ns_ttl)
    for zone in zones:
        if zone.ns_ttl is not None:
            check(("zones", zone.index, "ns_ttl"), zone.ns_ttl)
    return found


def _reference_problems(accounts: Mapping[str, AccountFacts],
                        zones: Sequence[ZoneFacts]) -> list[Problem]:
    found: list[Problem] = []
    key_of_id = {facts.id: key for key, facts in accounts.items() if facts.id is not None}
    every_id_known = len(key_of_id) == len(accounts)
    keys = list(accounts)
    for zone in zones:
        ref = zone.account
        if ref is None or ref in accounts or ref in key_of_id:
            continue
        if not keys:
            message = f"unknown account {ref!r}: no accounts are declared"
        elif ACCOUNT_ID_RE.match(ref):
            if not every_id_known:
                continue
            declared = [f"{key} ({facts.id})" for key, facts in accounts.items()]
            message = f"no declared account has id {ref}; declared: {_listing(declared)}"
        else:
            message = f"unknown account {ref!r}; declared accounts: {_listing(keys)}"
            close = difflib.get_close_matches(ref, keys, n=1)
            if close:
                message += f" (did you mean {close[0]!r}?)"
        found.append((("zones", zone.index, "account"), message))
    return found


def _duplicate_problems(zones: Sequence[ZoneFacts], where: Callable[[Loc], str]) -> list[Problem]:
    found: list[Problem] = []
    first_by_name: dict[str, ZoneFacts] = {}
    first_by_id: dict[str, ZoneFacts] = {}
    for zone in zones:
        first = first_by_name.setdefault(zone.name, zone)
        if first is not zone:
            found.append((("zones", zone.index, "name"), (
                f"{zone.name} is declared twice: also at {where(('zones', first.index, 'name'))}; "
                "names are compared in lower case without the trailing dot"
            )))
        if zone.zone_id is None:
            continue
        pinned = first_by_id.setdefault(zone.zone_id, zone)
        if pinned is not zone:
            found.append((("zones", zone.index, "zone_id"), (
                f"zone_id {zone.zone_id} is also pinned on {pinned.name} "
                f"({where(('zones', pinned.index, 'zone_id'))}); one hosted zone backs one "
                "declared zone"
            )))
    return found


def _root_problems(zones: Sequence[ZoneFacts], where: Callable[[Loc], str]) -> list[Problem]:
    found: list[Problem] = []
    first_by_name: dict[str, ZoneFacts] = {}
    for zone in zones:
        first_by_name.setdefault(zone.name, zone)
    declared = set(first_by_name)
    hints = 0
    for zone in first_by_name.values():
        parent = declared_parent(zone.name, declared)
        if parent is None and zone.root is False and not zone.has_ssm_parent:
            message = (f"{zone.name} is not under any declared zone; "
                       "declare its parent or mark it `root: true`")
            if hints < _MAX_HINTS:
                hints += 1
                message += _near_miss(zone.name, declared)
            found.append((("zones", zone.index, "name"), message))
        if zone.registrar is not None and (parent is not None or zone.has_ssm_parent):
            found.append((("zones", zone.index, "registrar"), (
                f"{zone.name} has a parent ({parent or 'read from SSM'}), which delegates it: "
                "only a root zone has a registrar; remove `registrar`")))
        if parent is not None and zone.root is True:
            above = first_by_name[parent]
            found.append((("zones", zone.index, "root"), (
                f"{zone.name} is marked `root: true` but lies below the declared zone {parent} "
                f"({where(('zones', above.index, 'name'))}); remove `root: true` and zonecut "
                f"delegates it from {parent}"
            )))
    return found


def _near_miss(name: str, declared: set[str]) -> str:
    """A hint when a declared zone ends the name but not on a label boundary."""
    for other in sorted(declared, key=len, reverse=True):
        if other != name and name.endswith(other) and not names.is_below(name, other):
            return (f" ({other} is not its parent: zones nest on label boundaries, "
                    f"and {name} is not inside {other})")
    return ""


def _ssm_parent_problems(accounts: Mapping[str, AccountFacts], zones: Sequence[ZoneFacts],
                         where: Callable[[Loc], str]) -> list[Problem]:
    """A zone whose parent is read from SSM has no declared parent and is not a root."""
    found: list[Problem] = []
    declared = {zone.name: zone for zone in reversed(zones)}
    key_of_id = {facts.id: key for key, facts in accounts.items() if facts.id is not None}
    for zone in zones:
        if not zone.has_ssm_parent:
            continue
        loc: Loc = ("zones", zone.index, "parent_from_ssm")
        parent = declared_parent(zone.name, set(declared))
        if parent is not None:
            found.append((loc, (
                f"{zone.name} lies below the declared zone {parent} "
                f"({where(('zones', declared[parent].index, 'name'))}); remove parent_from_ssm "
                f"and zonecut delegates it from {parent}"
            )))
        if zone.root is True:
            found.append((loc, "a zone whose parent is read from SSM is not a root zone; "
                          "remove `root: true`"))
        ref = zone.ssm_parent
        if ref is None:
            continue
        key = ref.account if ref.account in accounts else key_of_id.get(ref.account)
        if key is None:
            found.append(((*loc, "account"), (
                f"unknown account {ref.account!r}; declared accounts: {_listing(list(accounts))}"
            )))
            continue
        account_id = accounts[key].id
        match = ROLE_ARN_RE.match(ref.role_arn or "")
        if match and account_id is not None and match["account"] != account_id:
            found.append(((*loc, "role_arn"), (
                f"role_arn names account {match['account']} but the parameter is read in "
                f"account {key!r} ({account_id})"
            )))
    return found


def _delegated_below(name: str, zone: str, declared: Mapping[str, ZoneFacts]
                     ) -> ZoneFacts | None:
    """The declared zone closest to ``zone`` that is below it and holds ``name``."""
    best: ZoneFacts | None = None
    for other, facts in declared.items():
        if names.is_below(other, zone) and names.is_at_or_below(name, other) \
                and (best is None or len(other) < len(best.name)):
            best = facts
    return best


def _belongs_to_child(name: str, child: ZoneFacts, where: Callable[[Loc], str],
                      what: str) -> str:
    account = f" to account {child.account}" if child.account else ""
    return (f"{what} {name} is at or below {child.name}, delegated{account} "
            f"({where(('zones', child.index, 'name'))}); that name belongs to the child "
            "zone: declare it there")


def _record_problems(zones: Sequence[ZoneFacts], where: Callable[[Loc], str]) -> list[Problem]:
    """Records live inside their zone and never at or below a delegated child's name."""
    found: list[Problem] = []
    declared = {zone.name: zone for zone in reversed(zones)}
    for zone in zones:
        if declared.get(zone.name) is not zone:
            continue
        seen: dict[tuple[str, str], RecordFacts] = {}
        types_at: dict[str, set[str]] = {}
        for record in zone.records:
            loc: Loc = ("zones", zone.index, "records", record.index, "name")
            text = record.text.strip()
            canon = names.normalize(text) if text != "@" else zone.name
            if not text.endswith(".") and text != "@" \
                    and not names.is_at_or_below(canon, zone.name) \
                    and any(names.is_at_or_below(canon, other) for other in declared):
                found.append((loc, f"{canon} is not inside the zone {zone.name}; declare the "
                              "record in the zone that holds it (or write the name relative "
                              f"to {zone.name})"))
                continue
            name = record_name(text, zone.name)
            if not names.is_at_or_below(name, zone.name):
                found.append((loc, f"{name} is not inside the zone {zone.name}"))
                continue
            if len(name) > names.MAX_NAME_OCTETS:
                found.append((loc, f"{name} is {len(name)} octets long; at most "
                              f"{names.MAX_NAME_OCTETS} are allowed"))
                continue
            child = _delegated_below(name, zone.name, declared)
            if child is not None:
                found.append((loc, _belongs_to_child(name, child, where, "the record")))
                continue
            if record.type is None:
                continue
            first = seen.setdefault((name, record.type), record)
            if first is not record:
                found.append((("zones", zone.index, "records", record.index), (
                    f"{name} {record.type} is declared twice: also at "
                    f"{where(('zones', zone.index, 'records', first.index))}; list every "
                    "value in one record")))
                continue
            if record.type == "CNAME" and name == zone.name:
                found.append((("zones", zone.index, "records", record.index, "type"),
                              f"a CNAME record cannot be at the zone apex ({zone.name})"))
            types_at.setdefault(name, set()).add(record.type)
        for name, types in sorted(types_at.items()):
            if "CNAME" in types and len(types) > 1:
                record = seen[(name, "CNAME")]
                found.append((("zones", zone.index, "records", record.index), (
                    f"{name} has a CNAME record and other records "
                    f"({', '.join(sorted(types - {'CNAME'}))}); a CNAME is alone at its name")))
    return found


def _certificate_problems(zones: Sequence[ZoneFacts],
                          where: Callable[[Loc], str]) -> list[Problem]:
    """Certificate names are validated through this zone: they must lie inside it and
    not at or below a delegated child."""
    found: list[Problem] = []
    declared = {zone.name: zone for zone in reversed(zones)}
    for zone in zones:
        if declared.get(zone.name) is not zone:
            continue
        seen: dict[tuple[frozenset[str], str | None], CertificateFacts] = {}
        for cert in zone.certificates:
            loc: Loc = ("zones", zone.index, "certificates", cert.index, "domains")
            for domain in cert.domains:
                base = domain[2:] if domain.startswith("*.") else domain
                if not names.is_at_or_below(base, zone.name):
                    found.append((loc, f"{domain} is not inside the zone {zone.name}; request "
                                  "the certificate in the zone that holds the name"))
                    continue
                child = _delegated_below(base, zone.name, declared)
                if child is not None:
                    found.append((loc, _belongs_to_child(domain, child, where,
                                                         "the certificate name")))
            key = (frozenset(cert.domains), cert.region)
            first = seen.setdefault(key, cert)
            if first is not cert and cert.domains:
                found.append((("zones", zone.index, "certificates", cert.index), (
                    f"the same certificate is declared twice: also at "
                    f"{where(('zones', zone.index, 'certificates', first.index))}")))
    return found
