"""Which accounts an audit reads, and the keys that name them (pure).

Accounts come from AWS Organizations (their names, slugified), from an explicit list
(``111111111111`` or ``network=111111111111``, comma separated or one a line in a
file), or from a zonecut config (its keys).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from zonecut.audit.inventory import AuditAccount
from zonecut.aws.organizations import OrganizationAccount
from zonecut.config.fields import ACCOUNT_ID_RE, ACCOUNT_KEY_RE
from zonecut.errors import ZonecutError

_SLUG_BAD = re.compile(r"[^a-z0-9]+")
MAX_KEY = 64


class AccountListError(ZonecutError):
    """An explicit account list that cannot be used (names where and what)."""


def slugify(name: str, account_id: str) -> str:
    """A config key for an account name: lower case, ``-`` between words.

    ``"Network Hub (prod)"`` -> ``network-hub-prod``, ``"Équipe"`` -> ``equipe``; an
    empty result falls back to ``account-<id>``.
    """
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = _SLUG_BAD.sub("-", ascii_name.lower()).strip("-")[:MAX_KEY].strip("-")
    return slug or f"account-{account_id}"


def unique_keys(pairs: Sequence[tuple[str, str]]) -> list[str]:
    """Keys for (wanted key, account id) pairs, made unique by appending the id."""
    counts: dict[str, int] = {}
    for key, _ in pairs:
        counts[key] = counts.get(key, 0) + 1
    taken: set[str] = set()
    keys: list[str] = []
    for key, account_id in pairs:
        if counts[key] > 1 or key in taken:
            key = f"{key[:MAX_KEY - 13]}-{account_id}"
        taken.add(key)
        keys.append(key)
    return keys


def from_organization(accounts: Iterable[OrganizationAccount],
                      exclude: Iterable[str] = ()) -> list[AuditAccount]:
    """The ACTIVE accounts, keyed by their slugified names, in the API's order."""
    skip = set(exclude)
    active = [a for a in accounts if a.active and a.account_id not in skip]
    keys = unique_keys([(slugify(a.name, a.account_id), a.account_id) for a in active])
    return [AuditAccount(a.account_id, key, a.name) for a, key in zip(active, keys, strict=True)]


def parse_account_list(text: str, source: str = "--accounts",
                       exclude: Iterable[str] = ()) -> list[AuditAccount]:
    """Accounts from ``id`` or ``name=id`` items, separated by commas, blanks or lines.

    ``#`` starts a comment (in files). Raises :class:`AccountListError` naming
    ``source`` and the item for anything that is not a 12-digit id or a usable name.
    """
    skip = set(exclude)
    problems: list[str] = []
    wanted: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0]
        for item in re.split(r"[,\s]+", line.strip()):
            if not item:
                continue
            name, _, account_id = item.rpartition("=")
            where = f"{source}:{number}" if "\n" in text.strip() else source
            if not ACCOUNT_ID_RE.match(account_id):
                problems.append(f"{where}: {item!r} is not a 12-digit account id "
                                "(or name=id)")
                continue
            if name and not ACCOUNT_KEY_RE.match(name):
                problems.append(f"{where}: {name!r} cannot name an account (letters, digits, "
                                "'.', '_', '-'; at most 64)")
                continue
            if account_id in seen or account_id in skip:
                continue
            seen.add(account_id)
            wanted.append((name or f"account-{account_id}", account_id, name))
    if problems:
        raise AccountListError("the account list has problems:\n  - " + "\n  - ".join(problems))
    if not wanted:
        raise AccountListError(f"{source} names no account")
    keys = unique_keys([(key, account_id) for key, account_id, _ in wanted])
    return [AuditAccount(account_id, key, name)
            for (_, account_id, name), key in zip(wanted, keys, strict=True)]


def from_config(accounts: Iterable[tuple[str, str]], exclude: Iterable[str] = ()
                ) -> list[AuditAccount]:
    """The accounts of a zonecut config, as (key, id) pairs, keyed as the config keys them."""
    skip = set(exclude)
    return [AuditAccount(account_id, key, key) for key, account_id in accounts
            if account_id not in skip]
