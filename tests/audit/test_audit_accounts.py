"""Choosing accounts: Organizations names slugified, explicit lists parsed (pure)."""

from __future__ import annotations

import pytest

from zonecut.audit import AccountListError, from_organization, parse_account_list, slugify
from zonecut.aws.organizations import OrganizationAccount


def test_slugify_names() -> None:
    assert slugify("Network Hub (prod)", "111111111111") == "network-hub-prod"
    assert slugify("  Équipe__Réseau  ", "111111111111") == "equipe-reseau"
    assert slugify("!!!", "111111111111") == "account-111111111111"
    assert len(slugify("x" * 200, "111111111111")) == 64


def test_organization_keeps_active_accounts_and_makes_keys_unique() -> None:
    listed = [
        OrganizationAccount("111111111111", "Dev"),
        OrganizationAccount("222222222222", "dev"),
        OrganizationAccount("333333333333", "Old", status="SUSPENDED"),
        OrganizationAccount("444444444444", "Prod"),
        OrganizationAccount("555555555555", "Skipped"),
    ]
    chosen = from_organization(listed, exclude=["555555555555"])
    assert [(a.account_id, a.key) for a in chosen] == [
        ("111111111111", "dev-111111111111"),
        ("222222222222", "dev-222222222222"),
        ("444444444444", "prod"),
    ]


def test_account_list_ids_names_files_and_comments() -> None:
    text = "network=111111111111, 222222222222\n# a comment\n333333333333 # prod\n"
    chosen = parse_account_list(text + "111111111111\n", "accounts.txt")
    assert [(a.account_id, a.key) for a in chosen] == [
        ("111111111111", "network"),
        ("222222222222", "account-222222222222"),
        ("333333333333", "account-333333333333"),
    ]


def test_account_list_problems_name_file_and_line() -> None:
    with pytest.raises(AccountListError) as caught:
        parse_account_list("111111111111\n12345\nbad name=222222222222\n", "accounts.txt")
    message = str(caught.value)
    assert "accounts.txt:2: '12345' is not a 12-digit account id" in message
    assert "accounts.txt:3" in message
    with pytest.raises(AccountListError, match="names no account"):
        parse_account_list(" , ", "--accounts")


def test_account_state_comes_from_state_and_unknown_is_not_active() -> None:
    """Organizations retires ``Status`` for ``State`` (botocore model, AccountState:
    PENDING_ACTIVATION, ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED)."""
    from zonecut.aws.organizations import account_from_api

    def active(**fields: str) -> bool:
        return account_from_api({"Id": "111111111111", "Name": "a", **fields}).active

    assert active(State="ACTIVE")
    assert active(State="ACTIVE", Status="SUSPENDED")  # State wins
    for state in ("PENDING_ACTIVATION", "SUSPENDED", "PENDING_CLOSURE", "CLOSED", "NEW"):
        assert not active(State=state), state
    assert active(Status="ACTIVE")  # an API that only gives the retired field
    assert not active(Status="PENDING_CLOSURE")
    assert not active()  # neither field: unknown, not active
