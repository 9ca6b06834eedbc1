"""For any set of declared records: a write is allowed exactly at the declared (type,
name) pairs, and every batch the planner makes is allowed whole by one statement."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from iam_cases import PRINCIPAL
from iam_evaluator import batch_request, decide, statements_of

from zonecut.config import build_tree, load_config_text
from zonecut.iam import account_permissions
from zonecut.names import iam_normalized
from zonecut.plan.records import plan_zone_records
from zonecut.state import RRSet

LABELS = ("@", "www", "api", "mail", "*.x", "a.b")
VALUES = {"A": "192.0.2.1", "AAAA": "2001:db8::1", "TXT": "hello", "MX": "10 mx.example.org",
          "CNAME": "target.example.org"}
ZONE = "arn:aws:route53:::hostedzone/ZANY"


def fqdn(label: str) -> str:
    return "example.com" if label == "@" else f"{label}.example.com"


declared = st.sets(st.tuples(st.sampled_from(LABELS), st.sampled_from(sorted(VALUES))),
                   min_size=1, max_size=12).filter(
    # a CNAME shares its name with nothing (the config refuses it)
    lambda pairs: all(not (t == "CNAME" and any(n == m and u != t for m, u in pairs))
                      and not (t == "CNAME" and n == "@") for n, t in pairs))


@settings(max_examples=60, deadline=None)
@given(pairs=declared, live_share=st.floats(0, 1))
def test_writes_are_allowed_exactly_where_declared(pairs: set[tuple[str, str]],
                                                   live_share: float) -> None:
    records = "".join(f'      - {{name: "{n}", type: {t}, values: ["{VALUES[t]}"]}}\n'
                      for n, t in sorted(pairs))
    text = f"""\
version: 1
defaults:
  access: {{role_name: Z, principal_arn: "{PRINCIPAL}"}}
accounts:
  network: {{id: "111111111111"}}
zones:
  - name: example.com
    account: network
    root: true
    records:
{records}"""
    cfg = load_config_text(text, "h.yaml")
    tree = build_tree(cfg)
    role = account_permissions(cfg, tree)[0].roles[0]
    statements = statements_of(p.document for p in role.parts)
    wanted = {(fqdn(n), t) for n, t in pairs}
    for label in LABELS:
        for rtype in VALUES:
            name = fqdn(label)
            for action in ("CREATE", "UPSERT"):
                allowed = decide(statements, batch_request(
                    ZONE, [(action, rtype, iam_normalized(name))]))
                assert allowed == ((name, rtype) in wanted), (name, rtype, action)
    # some records live with other values (UPSERT), the rest missing (CREATE)
    zone = tree.zones[0]
    cut = int(len(zone.records) * live_share)
    live = [RRSet(r.name, r.type, 60, ("0 changed",)) for r in zone.records[:cut]]
    plan = plan_zone_records(zone, "ZANY", live)
    assert len(plan.changes) == len(zone.records)
    for batch in plan.batches():
        changes = [(c.action, c.type, iam_normalized(c.name)) for c in batch]
        assert decide(statements, batch_request(ZONE, changes)), changes
