"""Config keys for what a child account does with its zone: every problem with file:line."""

from __future__ import annotations

import pytest
from child_support import HEADER, config, problems

from zonecut.config import build_tree, json_schema
from zonecut.config.aliases import CLOUDFRONT_ZONE_ID


def test_a_record_at_a_delegated_name_in_the_parent_is_refused_with_its_line() -> None:
    found = problems(HEADER + """\
    records:
      - {name: www, type: A, values: [192.0.2.1]}
      - {name: api.dev, type: A, values: [192.0.2.2]}
      - {name: dev.example.com., type: TXT, values: [mine]}
  - name: dev.example.com
    account: dev
""")
    assert [(p.line, p.path) for p in found] == [
        (16, "zones[0].records[1].name"), (17, "zones[0].records[2].name")]
    first = found[0]
    assert first.file == "child.yaml"
    assert first.message == (
        "the record api.dev.example.com is at or below dev.example.com, delegated to account "
        "dev (zones[1].name, line 18); that name belongs to the child zone: declare it there")
    assert str(first).startswith("child.yaml:16: zones[0].records[1].name: the record")


def test_label_boundaries_decide_what_a_child_owns() -> None:
    cfg = config(HEADER + """\
    records:
      - {name: baddev, type: A, values: [192.0.2.1]}
      - {name: x.baddev.example.com, type: A, values: [192.0.2.1]}
  - name: dev.example.com
    account: dev
""")
    names = [r.name for r in build_tree(cfg).get("example.com").records]  # type: ignore[union-attr]
    assert names == ["baddev.example.com", "x.baddev.example.com"]


@pytest.mark.parametrize(("record", "line", "path", "words"), [
    ("{name: '@', type: CNAME, values: [x.example.org]}", 15, "zones[0].records[0].type",
     "a CNAME record cannot be at the zone apex"),
    ("{name: w, type: A, values: [300.1.1.1]}", 15, "zones[0].records[0].values",
     "'300.1.1.1' is not an IPv4 address"),
    ("{name: w, type: AAAA, values: [192.0.2.1]}", 15, "zones[0].records[0].values",
     "is not an IPv6 address"),
    ("{name: m, type: MX, values: [mail.example.org]}", 15, "zones[0].records[0].values",
     "must be 'PREFERENCE HOST'"),
    ("{name: w, type: CNAME, values: [a.example.org, b.example.org]}", 15,
     "zones[0].records[0].values", "exactly one value"),
    ("{name: w, type: TXT, alias: {type: cloudfront, target: d1.cloudfront.net}}", 15,
     "zones[0].records[0]", "an alias record is of type A or AAAA"),
    ("{name: w, type: A}", 15, "zones[0].records[0]", "a record needs values"),
    ("{name: w, type: A, alias: {type: cloudfront, target: d1.cloudfront.net, "
     "evaluate_target_health: true}}", 15, "zones[0].records[0].alias",
     "evaluate_target_health cannot be true for an alias of type cloudfront"),
    ("{name: w, type: AAAA, alias: {type: apigateway-edge, target: d-abc.cloudfront.net, "
     "evaluate_target_health: true}}", 15, "zones[0].records[0].alias",
     "evaluate_target_health cannot be true for an alias of type apigateway-edge"),
    ("{name: w, type: A, alias: {type: cloudfront, target: lb.example.org}}", 15,
     "zones[0].records[0].alias", "ends with cloudfront.net"),
    ("{name: w, type: A, alias: {type: apigateway, "
     "target: d-1.execute-api.ap-northeast-3.amazonaws.com}}", 15,
     "zones[0].records[0].alias", "no hosted zone id for apigateway in region ap-northeast-3"),
    ("{name: w, type: A, alias: {type: nlb, region: eu-west-1, "
     "target: n-1.elb.us-east-1.amazonaws.com}}", 15, "zones[0].records[0].alias",
     "differs from the region in the target name"),
    ("{name: 'a..b', type: A, values: [192.0.2.1]}", 15, "zones[0].records[0].name",
     "empty label"),
    ("{name: w, type: SRV, values: ['1 1 1 x.example.org']}", 15,
     "zones[0].records[0].type", "must be one of"),
    ("{name: www.prod.example.org., type: A, values: [192.0.2.1]}", 15,
     "zones[0].records[0].name", "is not inside the zone example.com"),
])
def test_record_problems(record: str, line: int, path: str, words: str) -> None:
    found = problems(HEADER + f"    records:\n      - {record}\n")
    assert len(found) == 1, "\n".join(map(str, found))
    assert (found[0].line, found[0].path) == (line, path), str(found[0])
    assert words in found[0].message, str(found[0])


def test_duplicates_and_cname_conflicts() -> None:
    found = problems(HEADER + """\
    records:
      - {name: www, type: A, values: [192.0.2.1]}
      - {name: WWW.example.com, type: A, values: [192.0.2.2]}
      - {name: api, type: CNAME, values: [x.example.org]}
      - {name: api, type: TXT, values: [x]}
""")
    messages = [str(p) for p in found]
    assert messages == [
        "child.yaml:16: zones[0].records[1]: www.example.com A is declared twice: also at "
        "zones[0].records[0], line 15; list every value in one record",
        "child.yaml:17: zones[0].records[2]: api.example.com has a CNAME record and other "
        "records (TXT); a CNAME is alone at its name",
    ]


def test_record_names_values_and_alias_zone_ids_are_canonical() -> None:
    cfg = config(HEADER + """\
    records:
      - {name: "@", type: MX, values: ["10 Mail.Example.ORG."]}
      - {name: "*.API", type: A, ttl: 60, values: [192.0.2.1]}
      - {name: v6, type: AAAA, values: ["2001:DB8:0:0::1"]}
      - {name: txt, type: TXT, values: ['v=spf1 "x" -all']}
      - {name: cdn, type: A, alias: {type: cloudfront, target: D111.cloudfront.net.}}
      - {name: api, type: A, alias: {type: apigateway,
                                     target: d-abc.execute-api.eu-west-1.amazonaws.com}}
      - {name: lb, type: AAAA, alias: {type: alb, evaluate_target_health: true,
                                      target: dualstack.web-1.eu-central-1.elb.amazonaws.com}}
      - {name: nlb, type: A, alias: {type: nlb, target: n-1.elb.us-east-2.amazonaws.com}}
""")
    zone = build_tree(cfg).get("example.com")
    assert zone is not None
    by_name = {r.name: r for r in zone.records}
    assert by_name["example.com"].values == ("10 mail.example.org",)
    assert by_name["*.api.example.com"].ttl == 60
    assert by_name["v6.example.com"].values == ("2001:db8::1",)
    assert by_name["v6.example.com"].ttl == 300
    assert by_name["txt.example.com"].values == ('"v=spf1 \\"x\\" -all"',)
    aliases = {name: (r.alias.hosted_zone_id, r.alias.dns_name) for name, r in by_name.items()
               if r.alias is not None}
    assert aliases == {
        "cdn.example.com": (CLOUDFRONT_ZONE_ID, "d111.cloudfront.net"),
        "api.example.com": ("ZLY8HYME6SFDD", "d-abc.execute-api.eu-west-1.amazonaws.com"),
        "lb.example.com": ("Z215JYRZR1TBD5", "dualstack.web-1.eu-central-1.elb.amazonaws.com"),
        "nlb.example.com": ("ZLMOA37VPKANP", "n-1.elb.us-east-2.amazonaws.com"),
    }


def test_long_txt_values_are_split_into_255_character_strings() -> None:
    cfg = config(HEADER + "    records:\n      - {name: t, type: TXT, values: ['"
                 + "a" * 300 + "']}\n")
    value = build_tree(cfg).get("example.com").records[0].values[0]  # type: ignore[union-attr]
    assert value == '"' + "a" * 255 + '" "' + "a" * 45 + '"'


def test_certificate_problems() -> None:
    found = problems(HEADER + """\
    certificates:
      - {domains: [example.com, "*.example.com"], region: us-east-1}
      - {domains: [api.dev.example.com], region: eu-west-1}
      - {domains: [example.org], region: us-east-1}
      - {domains: ["*.example.com", example.com], region: us-east-1}
      - {domains: [a.example.com, a.example.com], region: us-east-1}
  - name: dev.example.com
    account: dev
""")
    assert [(p.line, p.path) for p in found] == [
        (16, "zones[0].certificates[1].domains"),
        (17, "zones[0].certificates[2].domains"),
        (18, "zones[0].certificates[3]"),
        (19, "zones[0].certificates[4].domains"),
    ]
    assert "api.dev.example.com is at or below dev.example.com" in found[0].message
    assert "example.org is not inside the zone example.com" in found[1].message
    assert "declared twice: also at zones[0].certificates[0], line 15" in found[2].message
    assert "a domain is listed twice" in found[3].message


def test_parent_from_ssm_and_ssm_defaults() -> None:
    cfg = config(HEADER.replace("rate_limit: 200", "rate_limit: 200\n  ssm: {publish: true, "
                                "prefix: /org/zones/, region: eu-west-1}") + """\
  - name: team.example.org
    account: team
    parent_from_ssm: {account: network, parameter: /org/zones/example.org}
""")
    assert cfg.defaults.ssm.prefix == "/org/zones"
    zone = build_tree(cfg).get("team.example.org")
    assert zone is not None and zone.parent is None and zone.ssm_parent is not None
    assert (zone.ssm_parent.account_id, zone.ssm_parent.parameter, zone.ssm_parent.region) == (
        "111111111111", "/org/zones/example.org", "eu-west-1")

    found = problems(HEADER + """\
  - name: dev.example.com
    account: dev
    parent_from_ssm: {account: nobody, parameter: /zonecut/zones/example.com}
  - name: x.example.org
    account: dev
    root: true
    parent_from_ssm: {account: network, parameter: /zonecut/zones/example.org,
                      role_arn: "arn:aws:iam::222222222222:role/Reader"}
  - name: y.example.org
    account: dev
    parent_from_ssm: {account: dev, parameter: /aws/zones}
""")
    assert [str(p) for p in found] == [
        "child.yaml:16: zones[1].parent_from_ssm: dev.example.com lies below the declared zone "
        "example.com (zones[0].name, line 11); remove parent_from_ssm and zonecut delegates it "
        "from example.com",
        "child.yaml:16: zones[1].parent_from_ssm.account: unknown account 'nobody'; declared "
        "accounts: network, dev, prod, team",
        "child.yaml:20: zones[2].parent_from_ssm: a zone whose parent is read from SSM is not "
        "a root zone; remove `root: true`",
        "child.yaml:21: zones[2].parent_from_ssm.role_arn: role_arn names account "
        "222222222222 but the parameter is read in account 'network' (111111111111)",
        "child.yaml:24: zones[3].parent_from_ssm.parameter: '/aws/zones': SSM reserves names "
        "that begin with 'aws' or 'ssm'",
    ]


def test_principal_arn_is_validated() -> None:
    principal = 'principal_arn: "arn:aws:iam::999999999999:role/zonecut-ci"'
    found = problems(HEADER.replace(principal, 'principal_arn: ["arn:aws:iam::999999999999:'
                                    'group/g", "arn:aws:iam::999999999999:user/u"]'))
    assert [(p.line, p.path) for p in found] == [(4, "defaults.access.principal_arn[0]")]
    assert "is not an IAM role, user or account root ARN" in found[0].message
    found = problems(HEADER.replace(principal, 'principal_arn: "arn:aws-cn:iam::999999999999:'
                                    'root"'))
    assert [p.message for p in found] == [
        "principal_arn arn:aws-cn:iam::999999999999:root is in partition 'aws-cn' but "
        "defaults.access.partition is 'aws'"]


def test_schema_describes_the_new_keys() -> None:
    schema = json_schema()
    zone = schema["$defs"]["ZoneSpec"]["properties"]
    assert {"records", "records_managed", "certificates", "parent_from_ssm"} <= set(zone)
    assert {"RecordSpec", "AliasSpec", "CertificateSpec", "ParentFromSsm",
            "SsmDefaults"} <= set(schema["$defs"])


def test_the_child_accounts_example_loads_and_validates_against_the_schema() -> None:
    from pathlib import Path

    import jsonschema
    import yaml

    from zonecut.config import load_config

    path = Path(__file__).resolve().parents[2] / "examples" / "child-accounts.yaml"
    cfg = load_config(path)
    tree = build_tree(cfg)
    assert [len(z.records) for z in tree.zones] == [3, 4, 1]
    jsonschema.Draft202012Validator(json_schema()).validate(yaml.safe_load(path.read_text()))
