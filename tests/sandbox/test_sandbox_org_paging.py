"""Organizations ListAccounts a page at a time (zonecut/sandbox/org_paging.py): every
page, every NextToken and every refusal equal moto's original answer, over HTTP and
after the organisation's accounts change; a page describes only its own accounts."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from moto.core.exceptions import InvalidToken
from moto.organizations.models import FakeAccount, organizations_backends

from sandbox_fixtures import base_session
from zonecut.sandbox import Sandbox, org_paging

pytestmark = pytest.mark.sandbox

MANAGEMENT = "123456789012"
MEMBERS = 44  # + the management account: 45, three pages of 20 (the model's MaxResults)
PAGE_SIZES = (1, 7, 20, None)  # None: MaxResults left out (moto's default)


def _backend() -> Any:
    return organizations_backends[MANAGEMENT]["aws"]


def _organisation(sandbox: Sandbox, members: int) -> Any:
    org = base_session(sandbox).client("organizations")
    org.create_organization(FeatureSet="ALL")
    for k in range(members):
        org.create_account(AccountName=f"Member {k:02d}", Email=f"member{k}@example.org")
    return org


def _walk_and_compare(org: Any, page_size: int | None) -> list[str]:
    """Every page over HTTP, each compared with moto's original for the same token;
    the account ids in the order listed."""
    kwargs: dict[str, Any] = {} if page_size is None else {"max_results": page_size}
    request: dict[str, Any] = {} if page_size is None else {"MaxResults": page_size}
    listed: list[str] = []
    token: str | None = None
    while True:
        if token is not None:
            kwargs["next_token"] = request["NextToken"] = token
        want_page, want_token = org_paging.original_list_accounts(_backend(), **kwargs)
        got_page, got_token = org_paging.list_accounts(_backend(), **kwargs)
        assert (got_page, got_token) == (want_page, want_token)
        answer = org.list_accounts(**request)  # over HTTP: the installed paging
        assert [a["Id"] for a in answer["Accounts"]] == [a["Id"] for a in want_page]
        assert [a["State"] for a in answer["Accounts"]] == [a["State"] for a in want_page]
        assert answer.get("NextToken") == want_token
        listed += [a["Id"] for a in want_page]
        token = want_token
        if token is None:
            return listed


def test_every_page_and_token_is_moto_s_own(fresh_sandbox: Sandbox) -> None:
    org = _organisation(fresh_sandbox, MEMBERS)
    for page_size in PAGE_SIZES:
        listed = _walk_and_compare(org, page_size)
        assert len(listed) == MEMBERS + 1 == len(set(listed))
    # The organisation changes: one account leaves, one is closed, two join. The pages
    # follow (the kept order is made again), still moto's own.
    ids = [a.id for a in _backend().accounts]
    org.remove_account_from_organization(AccountId=ids[5])
    org.close_account(AccountId=ids[9])
    for k in range(2):
        org.create_account(AccountName=f"Late {k}", Email=f"late{k}@example.org")
    for page_size in PAGE_SIZES:
        listed = _walk_and_compare(org, page_size)
        assert ids[5] not in listed and len(listed) == MEMBERS + 2


def test_bad_tokens_are_refused_as_moto_refuses_them(fresh_sandbox: Sandbox) -> None:
    org = _organisation(fresh_sandbox, 3)
    _, token = org_paging.original_list_accounts(_backend(), max_results=1)
    assert token is not None
    removed = _backend().accounts[1].id  # the account the token names
    org.remove_account_from_organization(AccountId=removed)
    for bad in ("not a token", token):  # garbage; a token naming an account now gone
        with pytest.raises(InvalidToken) as want:
            org_paging.original_list_accounts(_backend(), max_results=1, next_token=bad)
        with pytest.raises(InvalidToken) as got:
            org_paging.list_accounts(_backend(), max_results=1, next_token=bad)
        assert got.value.message == want.value.message  # type: ignore[attr-defined]
        with pytest.raises(ClientError) as answer:
            org.list_accounts(MaxResults=1, NextToken=bad)
        assert answer.value.response["Error"]["Code"] == "InvalidToken"
        assert answer.value.response["Error"]["Message"] == want.value.message  # type: ignore[attr-defined]


def test_a_page_describes_only_its_own_accounts(fresh_sandbox: Sandbox,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """moto's original describes every account of the organisation for each page (its
    pages cost accounts x pages); the installed paging describes the page's twenty."""
    org = _organisation(fresh_sandbox, MEMBERS)
    described: list[str] = []
    describe = FakeAccount.describe

    def counting(self: FakeAccount) -> dict[str, Any]:
        described.append(self.id)
        return describe(self)

    monkeypatch.setattr(FakeAccount, "describe", counting)
    first = org.list_accounts(MaxResults=20)
    org.list_accounts(MaxResults=20, NextToken=first["NextToken"])
    assert len(described) == 40 == len(set(described))
    described.clear()
    org_paging.original_list_accounts(_backend(), max_results=20)
    assert len(described) == MEMBERS + 1  # what the original costs, for comparison
