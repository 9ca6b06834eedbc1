"""The ``route53:ChangeResourceRecordSets`` statements, one per group of changes (pure).

IAM evaluates the condition keys of a batch independently: a statement with names
``{www, api}`` and types ``{A, CNAME}`` allows all four pairs. So a statement only ever
names a *rectangle* of (type, name) pairs that are all needed: records are grouped by the
set of names declared with a type (types declared at exactly the same names share a
statement). And IAM allows a batch only when ONE statement allows every change in it
(``ForAllValues`` over the whole batch), so zonecut sends one batch per group
(:meth:`zonecut.plan.records.ZoneRecordPlan.batches`).

Names follow ``route53:ChangeResourceRecordSetsNormalizedRecordNames``: lower case, no
trailing dot, ``\\ooo`` octal for characters outside ``[a-z0-9-_.]``. ``StringLike``
patterns use ``*`` (any run of characters, dots included) and ``?`` (one character).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from zonecut.config.tree import DesiredZone
from zonecut.names import iam_normalized
from zonecut.plan.records import ACM_LABEL_CHARS, MANAGED_TYPES, write_groups

NAMES_KEY = "route53:ChangeResourceRecordSetsNormalizedRecordNames"
TYPES_KEY = "route53:ChangeResourceRecordSetsRecordTypes"
ACTIONS_KEY = "route53:ChangeResourceRecordSetsActions"
WRITE_ACTIONS = ("CREATE", "UPSERT")
# What teardown deletes before a zone goes: everything but the apex SOA (and the apex NS,
# which Route 53 refuses to delete anyway; IAM names cannot tell the apex NS apart).
TEARDOWN_TYPES = tuple(sorted({*MANAGED_TYPES, "DS", "NS"}))

Condition = dict[str, dict[str, Any]]


def validation_pattern(base: str) -> str:
    """ACM's validation name for ``base``: ``_`` and 32 characters, then ``.base``.

    IAM has no character classes: ``?`` stands for the 32 hex digits ACM uses.
    """
    return "_" + "?" * ACM_LABEL_CHARS + "." + iam_normalized(base)


# With ``?`` matching dots too, ``_`` + 32 ``?`` + ``.base`` also matches deeper names
# whose first 33 characters hold a dot, such as ``_acme-challenge.<16 characters>.base``.
# These patterns (a dot at position 1..32 after the ``_``) refuse them: with
# ForAllValues:StringNotLike, the name's first label is then ``_`` + 32 non-dots.
ONE_LABEL_GUARD = tuple("_" + "?" * k + ".*" for k in range(ACM_LABEL_CHARS))


@dataclass(frozen=True)
class ChangeGrant:
    """One statement's worth: actions x types x names (names or ``StringLike`` patterns),
    minus names matching ``not_like``."""

    sid_prefix: str
    zone: str
    resources: tuple[str, ...]
    names: tuple[str, ...]
    types: tuple[str, ...]
    actions: tuple[str, ...]
    like: bool = False
    not_like: tuple[str, ...] = ()

    def condition(self) -> Condition:
        equals: dict[str, Any] = {TYPES_KEY: sorted(set(self.types)),
                                  ACTIONS_KEY: sorted(set(self.actions))}
        condition: Condition = {"ForAllValues:StringEquals": equals}
        if self.like:
            condition["ForAllValues:StringLike"] = {NAMES_KEY: sorted(set(self.names))}
        else:
            equals[NAMES_KEY] = sorted(set(self.names))
        if self.not_like:
            condition["ForAllValues:StringNotLike"] = {NAMES_KEY: list(self.not_like)}
        return condition


def _sid_types(types: Sequence[str]) -> str:
    return "".join(t.capitalize() for t in types)


def record_grants(zone: DesiredZone, resources: Sequence[str]) -> list[ChangeGrant]:
    """Declared records (one statement per group), deleting undeclared records under full
    management (never SOA, NS, DS, nor ACM validation names), validation CNAMEs."""
    found: list[ChangeGrant] = []
    res = tuple(resources)
    for types, names in write_groups(zone.records):
        found.append(ChangeGrant(f"Records{_sid_types(types)}", zone.name, res,
                                 tuple(iam_normalized(n) for n in names), types,
                                 WRITE_ACTIONS))
    bases = certificate_bases(zone)
    if zone.records_managed == "full" and zone.records:
        # Replacing a record by one of another type (a CNAME for an A) is one atomic batch
        # (DELETE old + CREATE new), so no resolver sees the name missing in between. IAM
        # judges types and actions over the whole batch, not per change: the one statement
        # that allows such a batch also allows writing any type at those names. The price
        # is paid only at the declared names of a zone zonecut fully manages (where it may
        # already delete anything).
        found.append(ChangeGrant("ReplaceRecords", zone.name, res,
                                 tuple(sorted({iam_normalized(r.name) for r in zone.records})),
                                 MANAGED_TYPES, ("CREATE", "DELETE", "UPSERT"),
                                 not_like=tuple(validation_pattern(b) for b in bases)))
    if zone.records_managed == "full":
        own = iam_normalized(zone.name)
        found.append(ChangeGrant("RemoveUndeclared", zone.name, res, (own, f"*.{own}"),
                                 MANAGED_TYPES, ("DELETE",), like=True,
                                 not_like=tuple(validation_pattern(b) for b in bases)))
    if bases:
        found.append(ChangeGrant("CertificateValidation", zone.name, res,
                                 tuple(validation_pattern(b) for b in bases), ("CNAME",),
                                 WRITE_ACTIONS, like=True, not_like=ONE_LABEL_GUARD))
    return found


def certificate_bases(zone: DesiredZone) -> list[str]:
    """The names ACM validates for the zone's certificates (``*.x`` is validated at x)."""
    return sorted({d.removeprefix("*.") for c in zone.certificates for d in c.domains})


def delegation_grant(parent: str, children: Iterable[str], resources: Sequence[str],
                     prefix: str = "Delegate") -> ChangeGrant:
    """NS of exactly the children, CREATE or UPSERT (apply never writes DS: no zone is
    signed; it never deletes NS: that is teardown's, granted with ``--teardown``)."""
    return ChangeGrant(prefix, parent, tuple(resources),
                       tuple(iam_normalized(c) for c in children), ("NS",), WRITE_ACTIONS)


def teardown_grants(parents: dict[str, tuple[str, ...]], zones: Iterable[str],
                    resources: Sequence[str]) -> list[ChangeGrant]:
    """What ``destroy`` and ``apply --prune`` need.

    ``parents`` (zone -> its resources) DELETE the NS rrsets below them: prune removes
    delegations the file no longer names, so any name below the parent. ``zones`` are
    emptied before DeleteHostedZone (every type but SOA, at the zone and below): the
    account's own zones, and for prune every declared zone's subtree (a zone the file
    no longer names can be anywhere below a declared one).
    """
    found: list[ChangeGrant] = []
    for parent, res in sorted(parents.items()):
        own = iam_normalized(parent)
        found.append(ChangeGrant("RemoveDelegations", parent, res, (f"*.{own}",), ("NS",),
                                 ("DELETE",), like=True))
    listed = {iam_normalized(z) for z in zones}
    tops = [z for z in listed if not any(z.endswith("." + a) for a in listed)]
    patterns = sorted({p for z in tops for p in (z, f"*.{z}")})  # *.a covers a's subtree
    if patterns:
        found.append(ChangeGrant("EmptyZones", "", tuple(resources), tuple(patterns),
                                 TEARDOWN_TYPES, ("DELETE",), like=True))
    return found
