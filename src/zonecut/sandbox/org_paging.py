"""Organizations ``ListAccounts`` answered in the time of one page, not of the organisation.

moto (5.x) answers every page by describing every account of the organisation,
sorting the descriptions by ``JoinedTimestamp`` and scanning them for the account the
page token names: the pages of an organisation cost its accounts times its pages
(the bench measured 46 s for the 51 pages of 1,000 accounts, where an ordinary
request takes the sandbox about 15 ms). Here the accounts' order is kept between
pages (made again only when the organisation's account list changes) and only the
accounts of the page are described.

The answers are moto's own: the same order (``JoinedTimestamp``, ties in creation
order: a stable sort), the same page sizes (``MaxResults``, moto's default 100 when it
is absent or 0), the same ``NextToken`` (moto's token, made by moto's
:class:`~moto.utilities.paginator.Paginator`: the next account's ``JoinedTimestamp``)
and the same ``InvalidToken`` refusals of a token that is not one or names no account.
``tests/sandbox/test_org_paging.py`` compares every page with moto's original.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from moto.core.exceptions import InvalidToken
from moto.core.utils import unix_time
from moto.organizations.models import OrganizationsBackend
from moto.organizations.utils import PAGINATION_MODEL
from moto.utilities.paginator import Paginator

_CONFIG: dict[str, Any] = PAGINATION_MODEL["list_accounts"]
_ORDER_ATTRIBUTE = "_zonecut_account_order"
_originals: dict[str, Callable[..., Any]] = {}


class _Order:
    """The organisation's accounts in ``ListAccounts`` order, for one account list."""

    def __init__(self, accounts: tuple[Any, ...]) -> None:
        self.accounts = accounts
        stamps = [unix_time(account.create_time) for account in accounts]
        order = sorted(range(len(accounts)), key=stamps.__getitem__)  # stable, as moto's
        self.sorted = [accounts[i] for i in order]
        self.stamps = [stamps[i] for i in order]
        self.first: dict[str, int] = {}
        """The first position of each ``str(JoinedTimestamp)``: where moto's scan for
        the token's account stops."""
        for position, stamp in enumerate(self.stamps):
            self.first.setdefault(str(stamp), position)


def _order(backend: Any) -> _Order:
    accounts = tuple(backend.accounts)
    found: _Order | None = getattr(backend, _ORDER_ATTRIBUTE, None)
    if found is None or found.accounts != accounts:  # compared by identity: cheap
        found = _Order(accounts)
        setattr(backend, _ORDER_ATTRIBUTE, found)
    return found


def list_accounts(self: Any, **kwargs: Any) -> tuple[list[dict[str, Any]], str | None]:
    """moto's ``OrganizationsBackend.list_accounts``, a page at a time."""
    next_token_name = _CONFIG.get("input_token", "next_token")
    limit_name = _CONFIG["limit_key"]
    others = {k: v for k, v in kwargs.items() if k not in (next_token_name, limit_name)}
    paginator = Paginator(  # parses (and refuses) the token exactly as moto does
        max_results=kwargs.get(limit_name), max_results_default=_CONFIG.get("limit_default"),
        starting_token=kwargs.get(next_token_name),
        unique_attribute=_CONFIG.get("unique_attribute"), param_values_to_check=others,
        fail_on_invalid_token=_CONFIG.get("fail_on_invalid_token", True))
    order = _order(self)
    start = 0
    parsed: dict[str, Any] | None = paginator._parsed_token
    if kwargs.get(next_token_name) and parsed is not None:
        wanted = str(parsed["uniqueAttributes"]).split("|")[0]
        if wanted not in order.first:
            raise InvalidToken("Resource not found!")
        start = order.first[wanted]
    limit: int = paginator._max_results
    end = min(start + limit, len(order.sorted))
    page = [account.describe() for account in order.sorted[start:end]]
    token = None
    if page and end < len(order.sorted):
        token = paginator._build_next_token({"JoinedTimestamp": order.stamps[end]})
    return page, token


def install() -> None:
    """Answer ``ListAccounts`` a page at a time from now on (idempotent)."""
    if "list_accounts" not in _originals:
        _originals["list_accounts"] = OrganizationsBackend.list_accounts
        OrganizationsBackend.list_accounts = list_accounts  # type: ignore[method-assign,assignment]


def original_list_accounts(backend: Any, **kwargs: Any) -> Any:
    """moto's own answer (what this module must equal), installed or not."""
    return _originals.get("list_accounts", OrganizationsBackend.list_accounts)(
        backend, **kwargs)


def uninstall() -> None:
    own = _originals.pop("list_accounts", None)
    if own is not None:
        OrganizationsBackend.list_accounts = own  # type: ignore[method-assign]
