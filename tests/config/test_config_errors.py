"""Every kind of config problem: one plain message, with the exact file and line."""

from __future__ import annotations

import pytest

from .support import HEADER, one_problem, problems

# (text, line, path, words the message must hold)
CASES = [
    pytest.param(
        HEADER + "  - name: dev..example.com\n    account: dev\n",
        9, "zones[1].name", "'dev..example.com': the name has an empty label",
        id="empty-label",
    ),
    pytest.param(
        HEADER + f"  - name: {'a' * 64}.example.com\n    account: dev\n",
        9, "zones[1].name", "64 octets long; at most 63",
        id="label-too-long",
    ),
    pytest.param(
        HEADER + "  - name: " + ".".join(["a" * 60] * 5) + "\n    account: dev\n    root: true\n",
        9, "zones[1].name", "octets long; at most 253",
        id="name-too-long",
    ),
    pytest.param(
        HEADER + "  - name: dev_$.example.com\n    account: dev\n",
        9, "zones[1].name", "may only hold letters, digits",
        id="bad-characters",
    ),
    pytest.param(
        HEADER + "  - name: com\n    account: dev\n    root: true\n",
        9, "zones[1].name", "at least two labels",
        id="single-label",
    ),
    pytest.param(
        HEADER + "  - name: dev.exmaple.com\n    account: dev\n",
        9, "zones[1].name",
        "dev.exmaple.com is not under any declared zone; "
        "declare its parent or mark it `root: true`",
        id="no-declared-parent",
    ),
    pytest.param(
        HEADER + "  - name: badexample.com\n    account: dev\n",
        9, "zones[1].name",
        "badexample.com is not under any declared zone; declare its parent or mark it "
        "`root: true` (example.com is not its parent",
        id="badexample-is-not-a-child",
    ),
    pytest.param(
        HEADER + "  - name: dev.example.com\n    account: dev\n    root: true\n",
        11, "zones[1].root",
        "dev.example.com is marked `root: true` but lies below the declared zone example.com "
        "(zones[0].name, line 6)",
        id="root-below-declared-zone",
    ),
    pytest.param(
        HEADER + "  - name: Example.COM.\n    account: dev\n    root: true\n",
        9, "zones[1].name",
        "example.com is declared twice: also at zones[0].name, line 6",
        id="duplicate-zone-case-and-dot",
    ),
    pytest.param(
        HEADER + "  - name: dev.example.com\n    account: dve\n",
        10, "zones[1].account",
        "unknown account 'dve'; declared accounts: network, dev (did you mean 'dev'?)",
        id="unknown-account",
    ),
    pytest.param(
        HEADER + "  - name: dev.example.com\n    account: '999999999999'\n",
        10, "zones[1].account",
        "no declared account has id 999999999999; declared: network (111111111111), "
        "dev (222222222222)",
        id="unknown-account-id",
    ),
    pytest.param(
        HEADER.replace('dev: {id: "222222222222"}', 'dev: {id: "2222"}'),
        4, "accounts.dev.id", "account id '2222' must be exactly 12 digits",
        id="account-id-not-12-digits",
    ),
    pytest.param(
        HEADER.replace('dev: {id: "222222222222"}', "dev: {id: 22222222222}"),
        4, "accounts.dev.id", "quote account ids so leading zeros survive",
        id="unquoted-account-id-lost-a-digit",
    ),
    pytest.param(
        HEADER.replace('dev: {id: "222222222222"}', 'dev: {id: "111111111111"}'),
        4, "accounts.dev.id",
        "account id 111111111111 is already declared as 'network' (accounts.network.id, line 3)",
        id="duplicate-account-id",
    ),
    pytest.param(
        HEADER.replace('dev: {id: "222222222222"}',
                       'dev: {id: "222222222222", role_arn: "arn:aws:s3:::bucket"}'),
        4, "accounts.dev.role_arn", "is not an IAM role ARN",
        id="role-arn-not-a-role",
    ),
    pytest.param(
        HEADER.replace('dev: {id: "222222222222"}',
                       'dev: {id: "222222222222", '
                       'role_arn: "arn:aws:iam::111111111111:role/Zonecut"}'),
        4, "accounts.dev.role_arn",
        "role_arn names account 111111111111 but this account's id is 222222222222",
        id="role-arn-other-account",
    ),
    pytest.param(
        HEADER.replace("    root: true\n", "    root: true\n    tgas: {a: b}\n"),
        9, "zones[0].tgas",
        "unknown key 'tgas'; allowed keys here: name, account, root, ns_ttl, comment, tags, "
        "zone_id, records, records_managed, apex_ns, certificates, parent_from_ssm, dnssec, "
        "kms_key_arn, ds_ttl, registrar "
        "(did you mean 'tags'?)",
        id="unknown-key",
    ),
    pytest.param(
        "version: 1\ndefaults:\n  ns_ttl: '3600'\n" + HEADER.removeprefix("version: 1\n"),
        3, "defaults.ns_ttl",
        "expected a whole number, got the text '3600' (remove the quotes)",
        id="string-for-ns-ttl",
    ),
    pytest.param(
        "version: 1\ndefaults:\n  access:\n    - role_name: x\n"
        + HEADER.removeprefix("version: 1\n"),
        3, "defaults.access", "expected a mapping (`key: value` lines), got a list",
        id="list-for-mapping",
    ),
    pytest.param(
        "version: 1\ndefaults:\n  rate_limit: -1\n" + HEADER.removeprefix("version: 1\n"),
        3, "defaults.rate_limit", "must be greater than 0, got the number -1",
        id="negative-rate-limit",
    ),
    pytest.param(
        "version: 1\ndefaults:\n  sync_timeout: 0\n" + HEADER.removeprefix("version: 1\n"),
        3, "defaults.sync_timeout", "must be greater than 0, got the number 0",
        id="zero-sync-timeout",
    ),
    pytest.param(
        "version: 1\ndefaults:\n  max_parallel_accounts: 0\n"
        + HEADER.removeprefix("version: 1\n"),
        3, "defaults.max_parallel_accounts", "must be at least 1, got the number 0",
        id="zero-parallel-accounts",
    ),
    pytest.param(
        HEADER.replace("    root: true\n", "    root: true\n    ns_ttl: 0\n"),
        9, "zones[0].ns_ttl", "must be at least 1, got the number 0",
        id="zero-ns-ttl",
    ),
    pytest.param(
        HEADER.replace("    root: true\n", "    root: true\n    zone_id: Z0123456789ABC\n")
        + "  - name: dev.example.com\n    account: dev\n    zone_id: Z0123456789ABC\n",
        12, "zones[1].zone_id",
        "zone_id Z0123456789ABC is also pinned on example.com (zones[0].zone_id, line 9)",
        id="zone-id-pinned-twice",
    ),
    pytest.param(
        "version: 2\n" + HEADER.removeprefix("version: 1\n"),
        1, "version", "unsupported version 2; this zonecut reads version 1",
        id="unsupported-version",
    ),
    pytest.param(
        HEADER + "  - dev.example.com\n",
        9, "zones[1]", "expected a mapping (`key: value` lines), got the text 'dev.example.com'",
        id="zone-not-a-mapping",
    ),
    pytest.param(
        HEADER + "  - name: dev.example.com\n",
        9, "zones[1]", "the required key `account` is missing",
        id="missing-account",
    ),
    pytest.param(
        HEADER.replace('  dev: {id: "222222222222"}\n',
                       '  dev: {id: "222222222222"}\n  dev: {id: "333333333333"}\n'),
        5, "", "the key 'dev' appears twice in this mapping (first on line 4)",
        id="duplicate-yaml-key",
    ),
    pytest.param(
        HEADER.replace("  dev:", "  'my dev':"),
        4, "accounts['my dev']", "account key 'my dev' may only hold letters",
        id="bad-account-key",
    ),
    pytest.param(
        HEADER.replace("    root: true\n", "    root: true\n    tags: {'aws:team': x}\n"),
        9, "zones[0].tags['aws:team']", "the 'aws:' prefix is reserved",
        id="reserved-tag-key",
    ),
    pytest.param(
        HEADER.replace("    root: true\n", "    root: true\n    comment: " + "c" * 257 + "\n"),
        9, "zones[0].comment", "is 257 characters long; at most 256 are allowed",
        id="comment-too-long",
    ),
    pytest.param(
        HEADER.replace("    root: true\n", "    root: true\n    tags: {"
                       + ", ".join(f"k{i}: v" for i in range(10)) + "}\n"),
        9, "zones[0].tags", "has 10 entries; at most 9 are allowed",
        id="too-many-tags",
    ),
    pytest.param(
        HEADER.replace("    root: true\n", "    root: true\n    tags: {'zonecut:managed': x}\n"),
        9, "zones[0].tags['zonecut:managed']", "is zonecut's own",
        id="zonecut-tag-key",
    ),
    pytest.param(
        "version: 1\ndefaults:\n  access: {partition: aws-eu}\n"
        + HEADER.removeprefix("version: 1\n"),
        3, "defaults.access.partition",
        "must be one of 'aws', 'aws-cn' or 'aws-us-gov', got the text 'aws-eu'",
        id="bad-partition",
    ),
    pytest.param(
        "version: 1\ndefaults:\n  access: {role_name: 'zc-{acount}'}\n"
        + HEADER.removeprefix("version: 1\n"),
        3, "defaults.access.role_name",
        "may only use the placeholders {account_id} and {account}; found {acount}",
        id="bad-role-template",
    ),
    pytest.param(
        "version: 1\ndefaults:\n  ns_ttl_policy: {min: 600, max: 300}\n"
        + HEADER.removeprefix("version: 1\n"),
        3, "defaults.ns_ttl_policy", "min (600) is greater than max (300)",
        id="policy-min-above-max",
    ),
    pytest.param(
        HEADER.replace("    root: true\n", "    root: true\n    ns_ttl: 60\n"),
        9, "zones[0].ns_ttl", "ns_ttl 60 is outside defaults.ns_ttl_policy (300..172800)",
        id="ns-ttl-outside-policy",
    ),
    pytest.param(
        HEADER.replace('dev: {id: "222222222222"}',
                       'dev: {id: "222222222222", assume_role: false, role_name: X}'),
        4, "accounts.dev.role_name", "role_name is set but assume_role is false",
        id="role-without-assume-role",
    ),
]


@pytest.mark.parametrize(("text", "line", "path", "words"), CASES)
def test_each_problem_names_its_line(text: str, line: int, path: str, words: str) -> None:
    problem = one_problem(text)
    assert problem.file == "zonecut.yaml"
    assert problem.line == line, str(problem)
    assert problem.path == path, str(problem)
    assert words in problem.message, str(problem)
    assert "pydantic" not in problem.message and "https://" not in problem.message


def test_str_is_file_line_path_message() -> None:
    problem = one_problem(HEADER + "  - name: dev..example.com\n    account: dev\n")
    assert str(problem) == (
        "zonecut.yaml:9: zones[1].name: 'dev..example.com': the name has an empty label "
        "(two dots in a row, or a leading dot)"
    )


def test_duplicate_zone_message_names_both_lines() -> None:
    problem = one_problem(HEADER + "  - name: EXAMPLE.com.\n    account: dev\n    root: true\n")
    text = str(problem)
    assert text.startswith("zonecut.yaml:9: ") and "line 6" in text


def test_every_problem_is_reported_at_once() -> None:
    text = """\
        version: 1
        defaults:
          ns_ttl: "3600"
          bogus: true
        accounts:
          network: {id: "111111111111"}
          dev: {id: 22222222222}
        zones:
          - name: example.com
            account: network
            root: true
          - name: dev..example.com
            account: dev
          - name: dev.exmaple.com
            account: dev
          - name: x.example.com
            account: nobody
    """
    found = problems(text)
    assert [(p.line, p.path) for p in found] == [
        (3, "defaults.ns_ttl"),
        (4, "defaults.bogus"),
        (7, "accounts.dev.id"),
        (12, "zones[1].name"),
        (14, "zones[2].name"),
        (17, "zones[3].account"),
    ]


def test_an_invalid_parent_does_not_orphan_its_children() -> None:
    text = HEADER.replace("    root: true\n", "    root: true\n    ns_ttl: soon\n")
    text += "  - name: dev.example.com\n    account: dev\n"
    found = problems(text)
    assert [p.path for p in found] == ["zones[0].ns_ttl"]


def test_unknown_top_level_key_lists_allowed_keys() -> None:
    problem = one_problem(HEADER + "zone: []\n")
    assert problem.line == 9
    assert problem.message == (
        "unknown key 'zone'; allowed keys here: version, defaults, accounts, zones "
        "(did you mean 'zones'?)"
    )


def test_missing_top_level_keys_point_at_the_document() -> None:
    found = problems("version: 1\n")
    assert [(p.line, p.message) for p in found] == [
        (1, "the required key `accounts` is missing"),
        (1, "the required key `zones` is missing"),
    ]
