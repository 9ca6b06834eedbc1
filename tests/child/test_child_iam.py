"""`zonecut iam`: least-privilege roles per account, linted with parliament and cfn-lint."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import parliament  # locked: a missing linter fails the test, never skips it
import pytest
from child_support import DEV, NETWORK, PRINCIPAL, PROD, TEAM, config
from typer.testing import CliRunner

from zonecut.cli.main import app
from zonecut.iam import IamError, account_permissions, template

FULL = f"""\
version: 1
defaults:
  ssm: {{publish: true}}
  access:
    role_name: ZonecutDelegation
    principal_arn: "{PRINCIPAL}"
    source_identity: zonecut-ci
accounts:
  network: {{id: "{NETWORK}"}}
  dev: {{id: "{DEV}", external_id: dev-zonecut, role_name: "dns/Zonecut-{{account}}"}}
  prod: {{id: "{PROD}", assume_role: false, profile: prod}}
  team: {{id: "{TEAM}"}}
zones:
  - name: Example.COM.
    account: network
    root: true
    zone_id: Z0123456789ABC
    records:
      - {{name: www, type: A, values: [192.0.2.1]}}
  - name: Dev.Example.com.
    account: dev
    tags: {{team: dev}}
    records_managed: full
    records:
      - {{name: "*.API", type: A, values: [192.0.2.1]}}
      - {{name: WWW.dev.example.com., type: CNAME, values: [web.example.org]}}
      - {{name: "@", type: TXT, values: [hello]}}
    certificates:
      - {{domains: [dev.example.com, "*.dev.example.com"], region: us-east-1}}
      - {{domains: [api.dev.example.com], region: eu-west-1}}
  - {{name: prod.example.com, account: prod}}
  - {{name: Team-A.Dev.Example.com, account: team}}
  - name: x.example.org
    account: team
    parent_from_ssm: {{account: network, parameter: /zonecut/zones/example.org,
                      role_arn: "arn:aws:iam::{NETWORK}:role/ZonecutReadZones"}}
"""


def roles() -> dict[str, Any]:
    return {p.key: p for p in account_permissions(config(FULL))}


def statements(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["Sid"]: s for s in doc["Statement"]}


def test_the_parent_may_write_exactly_the_delegated_ns_names() -> None:
    network = roles()["network"].roles[0]
    delegate = statements(network.policy)["DelegateExampleCom"]
    assert delegate["Action"] == "route53:ChangeResourceRecordSets"
    assert delegate["Resource"] == "arn:aws:route53:::hostedzone/Z0123456789ABC"
    # no DS (no zone is signed), no DELETE (teardown's, with --teardown)
    assert delegate["Condition"] == {"ForAllValues:StringEquals": {
        "route53:ChangeResourceRecordSetsActions": ["CREATE", "UPSERT"],
        "route53:ChangeResourceRecordSetsRecordTypes": ["NS"],
        "route53:ChangeResourceRecordSetsNormalizedRecordNames": [
            "dev.example.com", "prod.example.com"],
    }}
    dev = statements(roles()["dev"].roles[0].policy)
    assert dev["DelegateDevExampleCom"]["Condition"]["ForAllValues:StringEquals"][
        "route53:ChangeResourceRecordSetsNormalizedRecordNames"] == ["team-a.dev.example.com"]
    # a child-only account changes nothing but its own apex NS (put back if edited by hand)
    # and the tags of its zones (zonecut:managed on the zones it creates)
    team = statements(roles()["team"].roles[0].policy)
    assert set(team) == {"FindZones", "WaitForChanges", "CreateZones", "ReadZones",
                         "RepairApexNs", "TagZones"}
    assert team["RepairApexNs"]["Condition"] == {"ForAllValues:StringEquals": {
        "route53:ChangeResourceRecordSetsActions": ["UPSERT"],
        "route53:ChangeResourceRecordSetsRecordTypes": ["NS"],
        "route53:ChangeResourceRecordSetsNormalizedRecordNames": [
            "team-a.dev.example.com", "x.example.org"]}}


def test_record_names_are_normalised_lower_case_no_dot_wildcard_octal() -> None:
    dev = statements(roles()["dev"].roles[0].policy)
    # one statement per declared type here (each type has its own names): no cross product
    assert {sid: (c["route53:ChangeResourceRecordSetsRecordTypes"],
                  c["route53:ChangeResourceRecordSetsNormalizedRecordNames"],
                  c["route53:ChangeResourceRecordSetsActions"])
            for sid, c in ((sid, dev[sid]["Condition"]["ForAllValues:StringEquals"])
                           for sid in dev if sid.startswith("Records"))} == {
        "RecordsADevExampleCom": (["A"], ["\\052.api.dev.example.com"], ["CREATE", "UPSERT"]),
        "RecordsCnameDevExampleCom": (["CNAME"], ["www.dev.example.com"], ["CREATE", "UPSERT"]),
        "RecordsTxtDevExampleCom": (["TXT"], ["dev.example.com"], ["CREATE", "UPSERT"]),
    }
    # dev.example.com is `records_managed: full`: a record replaced by one of another type
    # is deleted in the batch that writes the declared one (issue 10, item 7), allowed by
    # ReplaceRecords at the declared names only, every type but SOA/NS/DS
    from zonecut.iam.changes import MANAGED_TYPES

    replace = dev["ReplaceRecordsDevExampleCom"]["Condition"]["ForAllValues:StringEquals"]
    assert replace["route53:ChangeResourceRecordSetsNormalizedRecordNames"] == [
        "\\052.api.dev.example.com", "dev.example.com", "www.dev.example.com"]
    assert replace["route53:ChangeResourceRecordSetsRecordTypes"] == sorted(MANAGED_TYPES)
    assert {"NS", "DS", "SOA"}.isdisjoint(replace["route53:ChangeResourceRecordSetsRecordTypes"])
    assert replace["route53:ChangeResourceRecordSetsActions"] == ["CREATE", "DELETE", "UPSERT"]
    network = statements(roles()["network"].roles[0].policy)  # declared-only management
    assert not any(sid.startswith("ReplaceRecords") for sid in network)
    validation = dev["CertificateValidationDevExampleCom"]["Condition"]
    label = "_" + "?" * 32
    assert validation["ForAllValues:StringLike"] == {
        "route53:ChangeResourceRecordSetsNormalizedRecordNames": [
            f"{label}.api.dev.example.com", f"{label}.dev.example.com"]}
    guard = validation["ForAllValues:StringNotLike"][
        "route53:ChangeResourceRecordSetsNormalizedRecordNames"]
    assert guard[0] == "_.*" and guard[-1] == "_" + "?" * 31 + ".*" and len(guard) == 32
    remove = dev["RemoveUndeclaredDevExampleCom"]["Condition"]
    assert remove["ForAllValues:StringNotLike"] == validation["ForAllValues:StringLike"]
    request = dev["RequestCertificates"]["Condition"]
    assert request["ForAllValues:StringEquals"]["acm:DomainNames"] == [
        "*.dev.example.com", "api.dev.example.com", "dev.example.com"]
    assert request["StringEquals"] == {"acm:ValidationMethod": "DNS"}
    assert dev["ReadCertificates"]["Resource"] == [
        f"arn:aws:acm:eu-west-1:{DEV}:certificate/*", f"arn:aws:acm:us-east-1:{DEV}:certificate/*"]


def test_trust_names_the_principal_with_external_id_and_source_identity() -> None:
    dev = roles()["dev"].roles[0]
    assert (dev.name, dev.path, dev.arn) == (
        "Zonecut-dev", "/dns/", f"arn:aws:iam::{DEV}:role/dns/Zonecut-dev")
    assert dev.trust_policy == {"Version": "2012-10-17", "Statement": [{
        "Sid": "TrustZonecut", "Effect": "Allow", "Principal": {"AWS": PRINCIPAL},
        "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"],
        "Condition": {"StringEquals": {"sts:ExternalId": "dev-zonecut",
                                       "sts:SourceIdentity": "zonecut-ci"}},
    }]}
    prod = roles()["prod"]
    assert prod.roles[0].trust_policy is None and "without assuming a role" in prod.notes[0]


def test_ssm_publish_in_parents_and_a_read_only_role_for_the_child() -> None:
    network = roles()["network"]
    main, reader = network.roles
    assert statements(main.policy)["PublishZones"]["Resource"] == (
        f"arn:aws:ssm:us-east-1:{NETWORK}:parameter/zonecut/zones/*")
    assert reader.name == "ZonecutReadZones" and reader.purpose == "read-parent"
    assert reader.policy["Statement"] == [{
        "Sid": "ReadParentParameter", "Effect": "Allow", "Action": "ssm:GetParameter",
        "Resource": f"arn:aws:ssm:us-east-1:{NETWORK}:parameter/zonecut/zones/*"}]  # the prefix
    assert "DelegateFromSsm" in statements(main.policy)
    assert "PublishZones" not in statements(roles()["team"].roles[0].policy)


def lint(doc: dict[str, Any]) -> list[tuple[str, str]]:
    policy = parliament.analyze_policy_string(json.dumps(doc))
    return [(f.issue, json.dumps(f.detail, default=str)) for f in policy.findings]


# Role trust policies have a Principal and no Resource; parliament lints identity and
# resource policies, which need a Resource, so it reports exactly this on every trust
# policy. Nothing else is allowed.
TRUST_ONLY = ("MALFORMED", '"Statement contains neither Resource nor NotResource"')
# parliament's definition of route53:ChangeTagsForResource lists the healthcheck and the
# hostedzone resource types as both required (AWS accepts either): tagging zones, zonecut
# names only hosted zones, and parliament reports the missing health check type. Nothing
# else is allowed.
TAG_ZONES = ("RESOURCE_MISMATCH", '[{"action": "route53:ChangeTagsForResource", '
             '"required_format": "arn:*:route53:::healthcheck/*"}]')


def test_parliament_finds_nothing_in_the_generated_policies() -> None:
    linted = 0
    for perms in account_permissions(config(FULL)):
        for role in perms.roles:
            allowed = [TAG_ZONES] if "TagZones" in statements(role.policy) else []
            assert lint(role.policy) == allowed, (perms.key, role.name)
            if role.trust_policy is not None:
                assert lint(role.trust_policy) == [TRUST_ONLY], (perms.key, role.name)
            linted += 1
    assert linted == 5


def test_parliament_would_catch_a_mistake() -> None:
    doc = roles()["network"].roles[0].policy
    doc["Statement"][-1]["Condition"] = {"StringEquals": {"route53:NoSuchKey": "x"}}
    assert any(issue == "UNKNOWN_CONDITION_FOR_ACTION" for issue, _ in lint(doc))


def test_cloudformation_templates_pass_cfn_lint() -> None:
    api = pytest.importorskip("cfnlint.api")
    for perms in account_permissions(config(FULL)):
        body = template(perms)
        matches = api.lint(json.dumps(body), regions=["us-east-1"])
        assert [str(m) for m in matches] == [], perms.key
    network = template(roles()["network"])
    assert set(network["Resources"]) == {"ZonecutDelegation", "ZonecutReadZones"}
    assert network["Resources"]["ZonecutDelegation"]["Properties"]["RoleName"] == (
        "ZonecutDelegation")


def test_names_outside_the_file_are_never_granted() -> None:
    text = json.dumps([p.data() for p in account_permissions(config(FULL))])
    assert "badexample" not in text and "example.com." not in text
    assert "route53:ChangeResourceRecordSets\", \"Resource\": \"*\"" not in text


runner = CliRunner()


def test_cli_json_cloudformation_and_one_account(tmp_path: Path) -> None:
    path = tmp_path / "zonecut.yaml"
    path.write_text(FULL)
    result = runner.invoke(app, ["iam", "-c", str(path)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"network", "dev", "prod", "team"}
    assert data["dev"]["roles"][0]["role_arn"] == f"arn:aws:iam::{DEV}:role/dns/Zonecut-dev"
    result = runner.invoke(app, ["iam", "-c", str(path), "--output", "cloudformation",
                                 "--account", DEV])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["AWSTemplateFormatVersion"] == "2010-09-09"
    assert list(body["Resources"]) == ["ZonecutDev"]


def test_cli_refuses_without_a_principal(tmp_path: Path) -> None:
    path = tmp_path / "zonecut.yaml"
    path.write_text(FULL.replace(f'    principal_arn: "{PRINCIPAL}"\n', ""))
    result = runner.invoke(app, ["iam", "-c", str(path)])
    assert result.exit_code == 1
    assert "defaults.access.principal_arn is not set" in result.output
    with pytest.raises(IamError, match="unknown account 'nobody'"):
        account_permissions(config(FULL), only="nobody")


def allows(doc: dict[str, Any], name: str, rtype: str, action: str) -> bool:
    """IAM's answer for a one-change ChangeResourceRecordSets batch (Allow statements only;
    ForAllValues over one value: the value is listed, or matches a StringLike pattern and
    no StringNotLike one; names have no '[', so fnmatch's classes do not arise). The full
    evaluator and the exhaustive checks are in tests/iam."""
    from fnmatch import fnmatchcase

    values = {"route53:ChangeResourceRecordSetsNormalizedRecordNames": name,
              "route53:ChangeResourceRecordSetsRecordTypes": rtype,
              "route53:ChangeResourceRecordSetsActions": action}
    for stmt in doc["Statement"]:
        if stmt["Action"] != "route53:ChangeResourceRecordSets":
            continue
        ok = True
        for operator, keys in stmt.get("Condition", {}).items():
            for key, allowed in keys.items():
                listed = allowed if isinstance(allowed, list) else [allowed]
                if operator == "ForAllValues:StringLike":
                    ok &= any(fnmatchcase(values[key], p) for p in listed)
                elif operator == "ForAllValues:StringNotLike":
                    ok &= not any(fnmatchcase(values[key], p) for p in listed)
                else:
                    ok &= values[key] in listed
        if ok:
            return True
    return False


def test_every_change_zonecut_plans_is_allowed_and_nothing_else() -> None:
    from zonecut.apply.records import plan_records
    from zonecut.config import build_tree
    from zonecut.names import iam_normalized

    cfg = config(FULL)
    tree = build_tree(cfg)
    policy = {p.key: p.roles[0].policy for p in account_permissions(cfg, tree)}
    key_of = {a.id: k for k, a in cfg.accounts.items()}
    checked = 0
    for change in plan_records(tree.zones, {}, {}).changes:
        account = key_of[tree.get(change.zone).account_id]  # type: ignore[union-attr]
        assert allows(policy[account], iam_normalized(change.name), change.type,
                      change.action), change.describe()
        checked += 1
    for zone in tree.zones:
        account = key_of[zone.account_id]
        for child in tree.children(zone.name):
            for action in ("CREATE", "UPSERT"):
                assert allows(policy[account], child.name, "NS", action)
            assert not allows(policy[account], child.name, "NS", "DELETE")  # --teardown
            assert not allows(policy[account], child.name, "A", "CREATE")
            assert not allows(policy[account], f"www.{child.name}", "A", "CREATE")
            checked += 1
        assert allows(policy[account], zone.name, "NS", "UPSERT")  # apex repair
        for cert in zone.certificates:
            for domain in cert.domains:
                validation = f"_d930b28be6c5927595552b219965053e.{domain.removeprefix('*.')}"
                assert allows(policy[account], validation, "CNAME", "CREATE")
                checked += 1
    # full management may delete undeclared records in dev.example.com, never NS there
    assert allows(policy["dev"], "old.dev.example.com", "A", "DELETE")
    assert not allows(policy["dev"], "legacy.dev.example.com", "NS", "DELETE")
    # declared-only example.com: nothing undeclared, no record in the child's names
    assert not allows(policy["network"], "example.com", "TXT", "CREATE")
    assert not allows(policy["network"], "www.dev.example.com", "A", "CREATE")
    assert not allows(policy["network"], "badexample.com", "NS", "CREATE")
    assert checked >= 10


def allows_batch(doc: dict[str, Any], changes: list[tuple[str, str, str]]) -> bool:
    """IAM allows a batch only when one statement allows every change in it."""
    return any(all(allows({"Statement": [stmt]}, *change) for change in changes)
               for stmt in doc["Statement"])


def test_every_batch_apply_sends_is_allowed_by_one_statement() -> None:
    """Issue 10, item 7: a record replaced by one of another type goes in one batch
    (DELETE + CREATE) with the declared record; the policy allows that batch whole."""
    from zonecut.apply.records import plan_records
    from zonecut.config import build_tree
    from zonecut.names import iam_normalized
    from zonecut.state import RRSet

    cfg = config(FULL)
    tree = build_tree(cfg)
    policy = {p.key: p.roles[0].policy for p in account_permissions(cfg, tree)}
    live = {"dev.example.com": (
        RRSet("www.dev.example.com", "A", 300, ("192.0.2.7",)),    # replaced by the CNAME
        RRSet("www.dev.example.com", "TXT", 300, ('"x"',)),        # goes with it
        RRSet("old.dev.example.com", "A", 300, ("192.0.2.8",)),    # undeclared: deleted
        RRSet("dev.example.com", "TXT", 300, ('"old"',)),          # updated
    )}
    plan = plan_records(tree.zones, {"dev.example.com": "Z1"}, live)
    dev = next(z for z in plan.zones if z.zone == "dev.example.com")
    sent = [[(c.action, c.name, c.type) for c in batch] for batch in dev.batches()]
    replacement = [("DELETE", "www.dev.example.com", "A"),
                   ("DELETE", "www.dev.example.com", "TXT"),
                   ("CREATE", "www.dev.example.com", "CNAME")]
    assert sum(1 for batch in sent if set(replacement) & set(batch)) == 1
    assert any(batch[i:i + 3] == replacement for batch in sent for i in range(len(batch)))
    for batch in dev.batches():
        assert allows_batch(policy["dev"], [(iam_normalized(c.name), c.type, c.action)
                                            for c in batch]), batch
    # the combined statement still allows no NS, and no name outside the file
    assert not allows(policy["dev"], "www.dev.example.com", "NS", "DELETE")
    records = statements(policy["dev"])["ReplaceRecordsDevExampleCom"]
    assert "old.dev.example.com" not in json.dumps(records)
