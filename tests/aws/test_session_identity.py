"""How a session proves the account it lands in (issue 17: one round trip less per
account reached by a role).

An assumed role is proven by the AssumeRole answer itself (``AssumedRoleUser.Arn``,
``arn:<partition>:sts::<account>:assumed-role/...``), on the first answer and on every
refresh: no GetCallerIdentity. Credentials reached without a role (a profile, the
default chain, static base credentials) are proven by one GetCallerIdentity.

The sandbox (moto) derives an assumed role's account from the role ARN, and the config
refuses a role ARN that names another account, so the sandbox cannot answer an
AssumeRole with credentials in another account, nor with credentials that expire within
botocore's refresh window (zonecut asks for an hour). Those answers alone come from
botocore's Stubber on the one STS client that assumes the role; everything else goes to
the sandbox over HTTP.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from botocore.stub import ANY, Stubber

from zonecut.aws.access import AccountAccess
from zonecut.aws.errors import AccountMismatch
from zonecut.aws.sessions import SessionFactory
from zonecut.config.loader import load_config_text
from zonecut.runtime import Runtime, Target
from zonecut.sandbox import Sandbox
from zonecut.sandbox.accounts import MANAGEMENT_ACCOUNT

pytestmark = pytest.mark.sandbox

NETWORK, TEAM, OTHER = "111111111111", "222222222222", "999999999999"
ROLE = "ZonecutDelegation"


def _config(*accounts: tuple[str, str, str]) -> str:
    """A config of example.com in the network account and, per (key, id, zone), one more
    account holding one zone."""
    lines = ["version: 1", "defaults:", "  rate_limit: 200",
             f"  access: {{role_name: {ROLE}}}", "accounts:",
             f'  network: {{id: "{NETWORK}"}}']
    lines += [f'  {key}: {{id: "{number}"}}' for key, number, _ in accounts]
    lines += ["zones:", "  - {name: example.com, account: network, root: true}"]
    lines += [f"  - {{name: {zone}, account: {key}}}" for key, _, zone in accounts]
    return "\n".join(lines) + "\n"


ONE_ACCOUNT = _config()
TWO_ACCOUNTS = _config(("team", TEAM, "team.example.com"))


def runtime(sandbox: Sandbox, text: str) -> Runtime:
    return Runtime(load_config_text(text, "test.yaml"),
                   Target(endpoint_url=sandbox.endpoint_url, sandbox=True), purpose="plan")


def assumed(account: str, *, expires_in: dt.timedelta = dt.timedelta(hours=1)
            ) -> dict[str, Any]:
    """An AssumeRole answer whose credentials land in ``account``."""
    return {
        "Credentials": {
            "AccessKeyId": "ASIASTUBBEDKEY000001", "SecretAccessKey": "stubbed-secret",
            "SessionToken": "stubbed-token",
            "Expiration": dt.datetime.now(dt.UTC) + expires_in},
        "AssumedRoleUser": {
            "AssumedRoleId": "AROASTUBBEDROLE00001:zonecut-plan-network",
            "Arn": f"arn:aws:sts::{account}:assumed-role/{ROLE}/zonecut-plan-network"},
    }


ASKED = {"RoleArn": f"arn:aws:iam::{NETWORK}:role/{ROLE}", "RoleSessionName": ANY,
         "DurationSeconds": 3600}


def test_role_sessions_make_no_get_caller_identity(fresh_sandbox: Sandbox) -> None:
    rt = runtime(fresh_sandbox, TWO_ACCOUNTS)
    fresh_sandbox.reset_calls()
    rt.apply(rt.plan())
    calls = fresh_sandbox.calls()
    # one AssumeRole per account (made with the base credentials, moto's default
    # account), proven by its own answer
    assert calls[(MANAGEMENT_ACCOUNT, "AssumeRole")] == 2
    assert not [key for key in calls if key[1] == "GetCallerIdentity"]
    assert calls[(TEAM, "CreateHostedZone")] == 1


def test_an_assume_role_answer_in_another_account_is_refused_before_any_change(
        fresh_sandbox: Sandbox) -> None:
    rt = runtime(fresh_sandbox, ONE_ACCOUNT)
    fresh_sandbox.reset_calls()
    stub = Stubber(rt.fleet.factory.base_sts(rt.fleet.access(NETWORK)))
    stub.add_response("assume_role", assumed(OTHER), ASKED)
    with stub, pytest.raises(AccountMismatch) as caught:
        rt.apply(rt.plan())
    stub.assert_no_pending_responses()
    message = str(caught.value)
    assert "\n" not in message
    assert f"account 'network' is declared as {NETWORK}" in message
    assert f"role arn:aws:iam::{NETWORK}:role/{ROLE} reaches account {OTHER}" in message
    assert f"arn:aws:sts::{OTHER}:assumed-role/{ROLE}/" in message
    assert message.endswith("Nothing was changed.")
    assert fresh_sandbox.calls() == {}  # no Route 53 call, not even a read


def test_an_assume_role_answer_that_names_no_account_is_refused(
        fresh_sandbox: Sandbox) -> None:
    rt = runtime(fresh_sandbox, ONE_ACCOUNT)
    fresh_sandbox.reset_calls()
    stub = Stubber(rt.fleet.factory.base_sts(rt.fleet.access(NETWORK)))
    answer = assumed(NETWORK)
    del answer["AssumedRoleUser"]  # optional in the service model's AssumeRoleResponse
    stub.add_response("assume_role", answer, ASKED)
    with stub, pytest.raises(AccountMismatch) as caught:
        rt.plan()
    assert "does not say which account its credentials reach" in str(caught.value)
    assert str(caught.value).endswith("Nothing was changed.")
    assert fresh_sandbox.calls() == {}


def test_a_refreshed_credential_in_another_account_is_refused(
        fresh_sandbox: Sandbox) -> None:
    rt = runtime(fresh_sandbox, ONE_ACCOUNT)
    fresh_sandbox.reset_calls()
    stub = Stubber(rt.fleet.factory.base_sts(rt.fleet.access(NETWORK)))
    # the first answer is in the account but expires within botocore's mandatory
    # refresh window (10 minutes), so the first Route 53 request refreshes it
    stub.add_response("assume_role", assumed(NETWORK, expires_in=dt.timedelta(minutes=5)),
                      ASKED)
    stub.add_response("assume_role", assumed(OTHER), ASKED)
    with stub:
        rt.fleet.factory.session(rt.fleet.access(NETWORK))  # the first answer: accepted
        with pytest.raises(AccountMismatch) as caught:
            rt.apply(rt.plan())
    stub.assert_no_pending_responses()
    assert f"reaches account {OTHER}" in str(caught.value)
    assert fresh_sandbox.calls() == {}  # the refreshed credentials signed nothing


def test_a_role_arn_in_another_account_is_refused_before_any_call(
        fresh_sandbox: Sandbox) -> None:
    # the config refuses such an ARN (config/relations.py); accesses made elsewhere (an
    # audit's account list) are refused by the session factory before AssumeRole
    factory = SessionFactory(endpoint_url=fresh_sandbox.endpoint_url, purpose="audit")
    access = AccountAccess(key="team", account_id=TEAM,
                           role_arn=f"arn:aws:iam::{OTHER}:role/{ROLE}")
    fresh_sandbox.reset_calls()
    with pytest.raises(AccountMismatch) as caught:
        factory.session(access)
    assert str(caught.value) == (
        f"account 'team' is declared as {TEAM}, but role arn:aws:iam::{OTHER}:role/{ROLE} "
        f"is in account {OTHER}; the role must live in the account itself. Nothing was "
        "changed.")
    assert fresh_sandbox.calls() == {}


def profile_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An AWS config file with a profile holding keys moto puts in its default
    account; botocore reads it as it would on a workstation."""
    (tmp_path / "config").write_text(
        "[profile zonecut-test]\naws_access_key_id = testing\n"
        "aws_secret_access_key = testing\n")
    (tmp_path / "credentials").write_text("")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.delenv("AWS_PROFILE", raising=False)


def profile_access(sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                   key: str, account: str) -> tuple[SessionFactory, AccountAccess]:
    """A factory with no base credentials and ``key`` declared as ``account``, reached
    through the profile of :func:`profile_files`; the sandbox's call counts reset."""
    profile_files(tmp_path, monkeypatch)
    factory = SessionFactory(endpoint_url=sandbox.endpoint_url)
    access = AccountAccess(key=key, account_id=account, profile="zonecut-test")
    sandbox.reset_calls()
    return factory, access


def test_a_profile_is_proven_by_one_get_caller_identity(
        fresh_sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    factory, access = profile_access(fresh_sandbox, tmp_path, monkeypatch, "main",
                                     MANAGEMENT_ACCOUNT)
    factory.route53_client(access).list_hosted_zones()
    factory.route53_client(access).list_hosted_zones()  # the session is cached
    calls = fresh_sandbox.calls()
    assert calls == {(MANAGEMENT_ACCOUNT, "GetCallerIdentity"): 1,
                     (MANAGEMENT_ACCOUNT, "ListHostedZones"): 2}


def test_a_profile_in_another_account_is_refused(
        fresh_sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    factory, access = profile_access(fresh_sandbox, tmp_path, monkeypatch, "team", TEAM)
    with pytest.raises(AccountMismatch) as caught:
        factory.route53_client(access)
    assert str(caught.value).startswith(
        f"account 'team' is declared as {TEAM}, but profile 'zonecut-test' reaches account "
        f"{MANAGEMENT_ACCOUNT} (")
    assert str(caught.value).endswith("Nothing was changed.")
    assert fresh_sandbox.calls() == {(MANAGEMENT_ACCOUNT, "GetCallerIdentity"): 1}
