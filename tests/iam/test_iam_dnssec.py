"""`zonecut iam` grants the DNSSEC actions only where the config signs or unsigns, and the
KMS key creation only for the key shape Route 53 signs with."""

from __future__ import annotations

from typing import Any

from iam_cases import load

from zonecut.iam import account_permissions


def actions_by_account(label: str, *, teardown: bool = False) -> dict[str, dict[str, Any]]:
    cfg, tree = load(label)
    found: dict[str, dict[str, Any]] = {}
    for perms in account_permissions(cfg, tree, teardown=teardown):
        statements = [s for p in perms.roles[0].parts for s in p.document["Statement"]]
        by_action: dict[str, Any] = {}
        for s in statements:
            for action in [s["Action"]] if isinstance(s["Action"], str) else s["Action"]:
                by_action.setdefault(action, []).append(s)
        found[perms.key] = by_action
    return found


def test_signing_actions_only_in_accounts_of_signed_zones() -> None:
    found = actions_by_account("signed")
    for key in ("network", "dev", "team"):
        assert "route53:CreateKeySigningKey" in found[key], key
        assert "route53:EnableHostedZoneDNSSEC" in found[key], key
        assert "kms:CreateKey" in found[key], key
    assert "route53:CreateKeySigningKey" not in found["prod"]
    assert "kms:CreateKey" not in found["prod"]
    assert "route53:DisableHostedZoneDNSSEC" in found["prod"]
    # team signs team-a but not api/b: the signing statement names only its signed zone
    # (unpinned zones: hostedzone/*, as for every other zone statement)
    assert all("route53:GetDNSSEC" in found[k] for k in found)


def test_kms_key_creation_is_limited_to_the_dnssec_key_shape() -> None:
    statement = actions_by_account("signed")["dev"]["kms:CreateKey"][0]
    assert statement["Condition"]["StringEquals"] == {
        "kms:KeySpec": "ECC_NIST_P256", "kms:KeyUsage": "SIGN_VERIFY",
        "aws:RequestedRegion": "us-east-1"}
    alias = actions_by_account("signed")["dev"]["kms:CreateAlias"][0]["Resource"]
    assert "arn:aws:kms:us-east-1:222222222222:alias/zonecut-dnssec-*" in alias


def test_configs_without_dnssec_get_no_dnssec_action() -> None:
    for label in ("org.yaml", "child-accounts.yaml", "rich"):
        for teardown in (False, True):
            for key, by_action in actions_by_account(label, teardown=teardown).items():
                dnssec = [a for a in by_action if "DNSSEC" in a or "KeySigningKey" in a
                          or a.startswith("kms:")]
                assert dnssec == [], (label, key, dnssec)
