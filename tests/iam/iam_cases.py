"""Configs for the IAM tests, the triples each account needs (written out from the
config, independently of the generator) and the names to probe around them."""

from __future__ import annotations

import re
from pathlib import Path

from zonecut.config import build_tree, load_config_text
from zonecut.config.document import Config
from zonecut.config.tree import DesiredTree
from zonecut.names import iam_normalized, is_below

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PRINCIPAL = "arn:aws:iam::999999999999:role/zonecut-ci"

RICH = f"""\
version: 1
defaults:
  ssm: {{publish: true}}
  access:
    role_name: ZonecutDelegation
    principal_arn: "{PRINCIPAL}"
    source_identity: zonecut-ci
accounts:
  network: {{id: "111111111111"}}
  dev: {{id: "222222222222", external_id: dev-zonecut}}
  prod: {{id: "333333333333", assume_role: false, profile: prod}}
  team: {{id: "444444444444"}}
zones:
  - name: example.com
    account: network
    root: true
    zone_id: Z0123456789ABC
    records:
      - {{name: www, type: A, values: [192.0.2.1]}}
      - {{name: www, type: AAAA, values: ["2001:db8::1"]}}
      - {{name: mail, type: A, values: [192.0.2.25]}}
      - {{name: mail, type: AAAA, values: ["2001:db8::25"]}}
      - {{name: "@", type: MX, values: ["10 mail.example.com"]}}
  - name: dev.example.com
    account: dev
    tags: {{team: dev}}
    records_managed: full
    records:
      - {{name: "*.api", type: A, values: [192.0.2.1]}}
      - {{name: www, type: CNAME, values: [web.example.org]}}
      - {{name: "@", type: TXT, values: [hello]}}
    certificates:
      - {{domains: [dev.example.com, "*.dev.example.com"], region: us-east-1}}
      - {{domains: [api.dev.example.com], region: eu-west-1}}
  - {{name: prod.example.com, account: prod}}
  - {{name: team-a.dev.example.com, account: team}}
  - name: x.example.org
    account: team
    parent_from_ssm: {{account: network, parameter: /zonecut/zones/example.org}}
"""

SIGNED = f"""\
version: 1
defaults:
  access: {{role_name: ZonecutDelegation, principal_arn: "{PRINCIPAL}"}}
accounts:
  network: {{id: "111111111111"}}
  dev: {{id: "222222222222"}}
  prod: {{id: "333333333333"}}
  team: {{id: "444444444444"}}
zones:
  - {{name: example.com, account: network, root: true, dnssec: true}}
  - {{name: dev.example.com, account: dev, dnssec: true}}
  - {{name: team-a.dev.example.com, account: team, dnssec: true}}
  - {{name: prod.example.com, account: prod, dnssec: false}}
  - {{name: b.prod.example.com, account: team}}
  - {{name: api.example.com, account: team}}
"""

NESTED = f"""\
version: 1
defaults:
  ssm: {{publish: true, account: network}}
  access: {{role_name: ZonecutDelegation, principal_arn: "{PRINCIPAL}"}}
accounts:
  network: {{id: "111111111111"}}
  dev: {{id: "222222222222"}}
  team: {{id: "444444444444"}}
zones:
  - name: app.dev.example.com
    account: team
    parent_from_ssm: {{account: network, parameter: /zonecut/zones/dev.example.com,
                       role_arn: "arn:aws:iam::111111111111:role/ZonecutReadZones",
                       parent_account: dev}}
  - name: api.dev.example.org
    account: team
    parent_from_ssm: {{account: dev, parameter: /zonecut/zones/dev.example.org}}
"""
"""The nested SSM handoff (issue 18): read in the registry, written in dev."""

CONFIGS = {
    "signed": SIGNED,
    "org.yaml": (EXAMPLES / "org.yaml").read_text(),
    "child-accounts.yaml": (EXAMPLES / "child-accounts.yaml").read_text(),
    "rich": RICH,
    "nested": NESTED,
}

ALL_TYPES = ("A", "AAAA", "CAA", "CNAME", "DS", "HTTPS", "MX", "NAPTR", "NS", "PTR", "SOA",
             "SPF", "SRV", "SSHFP", "SVCB", "TLSA", "TXT")
DELETABLE = tuple(t for t in ALL_TYPES if t not in ("SOA", "NS", "DS"))
ACTIONS = ("CREATE", "UPSERT", "DELETE")
HEX32 = "d930b28be6c5927595552b219965053e"

Triple = tuple[str, str, str]  # (action, type, canonical name)


def load(label: str) -> tuple[Config, DesiredTree]:
    cfg = load_config_text(CONFIGS[label], label)
    return cfg, build_tree(cfg)


def _bases(zone_certificates: object) -> set[str]:
    return {d.removeprefix("*.") for c in zone_certificates for d in c.domains}  # type: ignore[attr-defined]


def _at_or_below(name: str, zone: str) -> bool:
    return name == zone or is_below(name, zone)


def _validation_shaped(name: str, bases: set[str]) -> bool:
    """ACM's shape as IAM can express it: ``_`` + 32 characters + ``.base``."""
    text = iam_normalized(name)
    return any(re.fullmatch(r"_.{32}\." + re.escape(iam_normalized(b)), text, re.DOTALL)
               for b in bases)


def _validation_name(name: str, bases: set[str]) -> bool:
    """A name a validation CNAME may be written at: one label of ``_`` + 32 characters."""
    text = iam_normalized(name)
    return any(re.fullmatch(r"_[^.]{32}\." + re.escape(iam_normalized(b)), text)
               for b in bases)


def needed(cfg: Config, tree: DesiredTree, key: str, name: str, rtype: str, action: str,
           *, teardown: bool = False) -> bool:
    """Whether account ``key`` needs (action, type, name): the spec of issue 12."""
    account = cfg.accounts[key].id
    owned = [z for z in tree.zones if z.account_id == account]
    writes = action in ("CREATE", "UPSERT")
    for zone in owned:
        if (action, rtype, name) == ("UPSERT", "NS", zone.name):
            return True  # the apex NS put back to the delegation set
        if writes and rtype == "NS" and name in {c.name for c in tree.children(zone.name)}:
            return True
        if writes and (name, rtype) in {(r.name, r.type) for r in zone.records}:
            return True
        bases = _bases(zone.certificates)
        if writes and rtype == "CNAME" and _validation_name(name, bases):
            return True
        if (zone.records_managed == "full" and action == "DELETE" and rtype in DELETABLE
                and _at_or_below(name, zone.name) and not _validation_shaped(name, bases)):
            return True
        # the one deliberate widening (issue 10 item 7 against issue 12): in a full zone a
        # record replaced by one of another type is deleted in the batch that writes its
        # replacement, and IAM judges a batch's types as a whole, so any type may be
        # written at a declared name there
        if (zone.records_managed == "full" and writes and rtype in DELETABLE
                and name in {r.name for r in zone.records}
                and not _validation_shaped(name, bases)):
            return True
        if teardown and action == "DELETE" and rtype == "NS" and is_below(name, zone.name):
            return True
        # DNSSEC (configs that set dnssec): the DS of each child whose dnssec is set, and
        # of every child of a parent that is unsigned, written or removed in the parent
        if rtype == "DS" and action in ("UPSERT", "DELETE") and any(
                c.name == name and (c.dnssec.managed or zone.dnssec.sign is False)
                for c in tree.children(zone.name)) and any(z.dnssec.managed for z in tree.zones):
            return True
    for zone in tree.zones:
        ref = zone.ssm_parent
        if ref is not None and (ref.parent_account_id or ref.account_id) == account \
                and writes and rtype == "NS" \
                and name == zone.name:
            return True
    return teardown and action == "DELETE" and rtype != "SOA" and any(
        _at_or_below(name, z.name) for z in tree.zones)


def _parent(name: str) -> str:
    return name.split(".", 1)[1] if "." in name else name


def probe_names(tree: DesiredTree) -> list[str]:
    """The config's names and their neighbours."""
    bases: set[str] = set()
    for zone in tree.zones:
        bases |= {zone.name, _parent(zone.name)}
        bases |= {r.name for r in zone.records}
        bases |= _bases(zone.certificates)
    names: set[str] = set()
    for base in bases:
        clean = base.removeprefix("*.")
        names |= {
            base, clean, _parent(clean),
            f"www.{clean}", f"zz-sibling.{_parent(clean)}", f"a.b.{clean}",
            f"_acme-challenge.{clean}", f"_dmarc.{clean}", f"*.{clean}",
            f"_{HEX32}.{clean}", f"_{HEX32[:31]}.{clean}", f"_{HEX32}0.{clean}",
            f"_{HEX32}.www.{clean}", f"_acme-challenge.{HEX32[:16]}.{clean}",
            f"_{'z' * 32}.{clean}", f"bad{clean}", f"{clean}.evil.org",
        }
    return sorted(names)
