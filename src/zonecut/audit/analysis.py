"""``analyse``: inventory (+ optional DNS checks) -> findings. Pure: data in, data out.

One root cause, one finding:

- each NS rrset is judged on its values: DANGLING (no zone of that name, or no
  server in common with any; when not every account was read, a name held by no
  audited account is UNVERIFIED instead, unless the DNS confirms nobody serves it),
  PARTIAL (servers outside the target's delegation set),
  INCOMPLETE (only some of its servers); with ``--dns``, a DANGLING delegation whose
  servers serve the zone (no audited account holds it) is EXTERNAL instead;
- and on its place: SKIPPED_LEVEL when the zone holding it is not the closest
  enclosing zone (whatever its values);
- each zone name: DUPLICATE when several public zones have it, ROOT (info) when no
  zone of the organisation encloses it, ORPHAN when one does but no zone holds an NS
  rrset for it (a name delegated only to other servers is DANGLING, not ORPHAN);
- each account that could not be read: ACCOUNT_UNREADABLE.

A healthy organisation gives one ROOT_ZONE finding per tree and nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from zonecut.audit.apex_check import ApexCheck
from zonecut.audit.dns_check import DnsCheck, DnsVerdict
from zonecut.audit.findings import AuditFinding, audit_finding
from zonecut.audit.inventory import Inventory
from zonecut.audit.tree import Delegation, DelegationState, OrgTree, TreeZone, build_tree


def _names(items: tuple[str, ...] | list[str]) -> str:
    return ", ".join(items)


def analyse(inventory: Inventory, dns: Mapping[tuple[str, str], DnsCheck] | None = None,
            tree: OrgTree | None = None, *,
            apex_dns: Mapping[str, ApexCheck] | None = None) -> list[AuditFinding]:
    """Every finding, in a stable order (zone in DNS order, severity, code, place).
    ``apex_dns``: what the DNS said of stray apex servers, by zone id (``--dns``)."""
    tree = tree or build_tree(inventory)
    found: list[AuditFinding] = []
    for failure in inventory.failures:
        found.append(audit_finding(
            "AUDIT_ACCOUNT_UNREADABLE", "",
            f"account {failure.account_id} ({failure.key}) could not be read: "
            f"{failure.message}",
            account_id=failure.account_id,
        ))
    for delegation in tree.delegations:
        found.extend(_delegation_findings(inventory, tree, delegation, dns))
    for name in tree.names:
        found.extend(_name_findings(inventory, tree, name, apex_dns or {}))
    return sorted(found, key=lambda f: f.sort_key)


def _where(inventory: Inventory, delegation: Delegation) -> str:
    parent = delegation.parent
    return (f"{parent.name} ({parent.zone_id}, account {parent.account_id} "
            f"{inventory.key_of(parent.account_id)})")


def _delegation_findings(inventory: Inventory, tree: OrgTree, delegation: Delegation,
                         dns: Mapping[tuple[str, str], DnsCheck] | None) -> list[AuditFinding]:
    found: list[AuditFinding] = []
    parent = delegation.parent
    child = delegation.child
    place = {"account_id": parent.account_id, "zone_id": parent.zone_id}
    details: dict[str, str | tuple[str, ...]] = {
        "parent_zone": parent.name,
        "parent_zone_id": parent.zone_id,
        "parent_account": parent.account_id,
        "listed_servers": delegation.ns.values,
    }
    if delegation.target is not None:
        details["target_zone_id"] = delegation.target.zone_id
        details["target_account"] = delegation.target.account_id
    where = _where(inventory, delegation)
    state = delegation.state
    if state is DelegationState.DANGLING:
        check = dns.get(delegation.key) if dns is not None else None
        if check is not None:
            details["dns"] = check.describe()
        if check is not None and check.verdict is DnsVerdict.SERVED \
                and not delegation.name_exists:
            found.append(audit_finding(
                "AUDIT_EXTERNAL_DELEGATION", child,
                f"{where} delegates {child}, which no audited account holds, to servers "
                f"that serve it ({_names(check.serving)}); confirm who owns that zone",
                details=details, **place))
        elif not inventory.complete and not delegation.name_exists and (
                check is None or check.verdict is DnsVerdict.UNKNOWN):
            unread = len(inventory.failures)
            why = (f"{unread} account(s) could not be read" if unread
                   else "only the chosen accounts were audited")
            found.append(audit_finding(
                "AUDIT_UNVERIFIED_DELEGATION", child,
                f"{where} delegates {child}, which no audited account holds; {why}, so it "
                "may live in another account: audit that account (or the whole "
                "organisation) to tell whether it dangles",
                details=details, **place))
        else:
            if delegation.name_exists:
                held = ", ".join(f"{z.record.zone_id} in {z.record.account_id}"
                                 for z in tree.copies(child))
                why = (f"none of its servers belongs to a zone {child} of the organisation "
                       f"({held}): the zone was deleted or recreated")
            else:
                why = "no audited account holds that zone"
            dns_note = f"; {check.describe()}" if check is not None else ""
            found.append(audit_finding(
                "AUDIT_DANGLING_DELEGATION", child,
                f"{where} delegates {child} but {why}{dns_note}",
                details=details, **place))
    elif state is DelegationState.PARTIAL:
        text = (f"{where} delegates {child} to {_names(delegation.extra)}, outside the "
                f"delegation set of {delegation.target.zone_id if delegation.target else '?'}")
        if delegation.missing:
            text += f"; it lacks {_names(delegation.missing)}"
        details["extra_servers"] = delegation.extra
        details["missing_servers"] = delegation.missing
        found.append(audit_finding("AUDIT_PARTIAL_DELEGATION", child, text,
                                   details=details, **place))
    elif state is DelegationState.INCOMPLETE:
        details["missing_servers"] = delegation.missing
        found.append(audit_finding(
            "AUDIT_INCOMPLETE_DELEGATION", child,
            f"{where} delegates {child} to only {len(delegation.ns.values)} of the "
            f"{len(delegation.missing) + len(delegation.ns.values)} servers of "
            f"{delegation.target.zone_id if delegation.target else '?'}; it lacks "
            f"{_names(delegation.missing)}",
            details=details, **place))
    if delegation.skipped_level:
        closest = delegation.enclosing or ""
        details["closest_enclosing_zone"] = closest
        if any(d.parent.name == closest for d in tree.delegations_of(child)):
            tail = f"{closest} delegates it too: this NS rrset is never served; delete it"
        else:
            tail = (f"{closest}, the zone in between, does not: delegate it from {closest} "
                    "and delete this NS rrset")
        found.append(audit_finding(
            "AUDIT_SKIPPED_LEVEL", child, f"{where} delegates {child}, but {tail}",
            details=details, **place))
    return found


def _apex_strays(inventory: Inventory, name: str, copies: Sequence[TreeZone],
                 apex_dns: Mapping[str, ApexCheck]) -> list[AuditFinding]:
    """AUDIT_APEX_NS_STRAY: a copy's apex NS names a server that no copy of the name was
    assigned. Resolvers rank the child's NS above the referral (RFC 2181 5.4.1), so
    whoever gets that server for a zone of this name answers part of the lookups."""
    assigned = frozenset().union(*(z.record.delegation_set for z in copies))
    found: list[AuditFinding] = []
    for copy in copies:
        record = copy.record
        apex = record.apex_ns
        if apex is None:
            continue
        strays = sorted(apex.value_set - assigned)
        if not strays:
            continue
        details: dict[str, str | list[str]] = {
            "extra": strays, "apex_ns": sorted(apex.value_set),
            "delegation_set": sorted(record.delegation_set)}
        checked = apex_dns.get(record.zone_id)
        said = ""
        if checked is not None:
            said = f"; {checked.describe()}"
            details["dns"] = [f"{n}: {state}" for n, state in checked.states]
            details["takeover"] = list(checked.takeover)
        found.append(audit_finding(
            "AUDIT_APEX_NS_STRAY", name,
            f"the apex NS set of {name} ({record.zone_id}, account {record.account_id} "
            f"{inventory.key_of(record.account_id)}) names {len(strays)} server(s) outside "
            f"its delegation set: {_names(strays)}{said}",
            account_id=record.account_id, zone_id=record.zone_id, details=details))
    return found


def _name_findings(inventory: Inventory, tree: OrgTree, name: str,
                   apex_dns: Mapping[str, ApexCheck]) -> list[AuditFinding]:
    found: list[AuditFinding] = []
    copies = tree.copies(name)
    single = copies[0].record if len(copies) == 1 else None
    place = {"account_id": single.account_id if single else None,
             "zone_id": single.zone_id if single else None}
    if len(copies) > 1:
        listing = [f"{z.record.zone_id} in {z.record.account_id} "
                   f"({inventory.key_of(z.record.account_id)})" for z in copies]
        accounts = sorted({z.record.account_id for z in copies})
        delegated = [z.record.zone_id for z in copies if z.delegated_by]
        note = (f"; delegated: {_names(delegated)}" if delegated
                else "; none is delegated from the organisation")
        found.append(audit_finding(
            "AUDIT_DUPLICATE_ZONE", name,
            f"{len(copies)} public zones {name}: {_names(listing)}{note}",
            details={"zone_ids": [z.record.zone_id for z in copies],
                     "accounts": accounts, "delegated": delegated},
            account_id=accounts[0] if len(accounts) == 1 else None))
    found.extend(_apex_strays(inventory, name, copies, apex_dns))
    enclosing = copies[0].enclosing
    if enclosing is None:
        found.append(audit_finding(
            "AUDIT_ROOT_ZONE", name,
            f"{name} has no enclosing zone in the organisation: its delegation comes from "
            "the registrar",
            details={"zone_ids": [z.record.zone_id for z in copies]}, **place))
    elif not tree.delegations_of(name):
        found.append(audit_finding(
            "AUDIT_ORPHAN_ZONE", name,
            f"no zone of the organisation delegates {name}; {enclosing} should hold its NS "
            "rrset (or delete the zone if it is unused)",
            details={"zone_ids": [z.record.zone_id for z in copies],
                     "enclosing_zone": enclosing}, **place))
    return found
