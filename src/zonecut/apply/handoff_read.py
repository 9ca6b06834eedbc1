"""Reading a zone's SSM handoff document, the same way for the CLI and the Lambda handlers.

A document (format ``zonecut.zone/1``, see :class:`ZoneDocument`) says which hosted zone
(id, name, name servers) is in which account. It is read in the account that holds the
parameter, but it is never trusted: before anything is written on its word,
:func:`check_against_zone` compares it with the zone Route 53 holds under that id in
the account the document names. Every problem is one line naming the parameter, the
account and what differs; values from the document are shown quoted and cut short.

Pure: the callers read SSM and Route 53 (``zonecut.apply.ssm_publish`` for the CLI,
``zonecut.aws_lambda.delegation`` for the handlers).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zonecut import names
from zonecut.errors import ZonecutError
from zonecut.state import HostedZone

FORMAT = "zonecut.zone/1"
_ZONE_ID = re.compile(r"^[A-Z0-9]{1,32}$")
"""Route 53 hosted zone ids (ResourceId: at most 32 characters); upper case and digits."""
_ACCOUNT = re.compile(r"^[0-9]{12}$")
_MAX_SERVERS = 13
"""Route 53 gives a zone 4 name servers; an NS rrset in zonecut's hands never needs more."""


class HandoffError(ZonecutError):
    """A parameter that cannot be used as a zone's description."""


def shown(value: object, limit: int = 60) -> str:
    """A value from a document, for a message: quoted, one line, cut short."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


@dataclass(frozen=True)
class ZoneDocument:
    """What a zone's parameter says."""

    name: str
    zone_id: str
    account_id: str
    name_servers: tuple[str, ...]
    parent: str | None = None
    parent_zone_id: str | None = None
    parent_account_id: str | None = None

    def to_json(self) -> str:
        return json.dumps({
            "format": FORMAT,
            "name": self.name,
            "zone_id": self.zone_id,
            "account_id": self.account_id,
            "name_servers": list(self.name_servers),
            "parent": self.parent,
            "parent_zone_id": self.parent_zone_id,
            "parent_account_id": self.parent_account_id,
        }, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str, where: str) -> ZoneDocument:
        """Parse and validate; :class:`HandoffError` (one line, naming ``where``) otherwise."""
        try:
            return cls._parse(text)
        except ValueError as exc:
            raise HandoffError(f"{where}: not a zonecut zone description: {exc}") from None

    @classmethod
    def _parse(cls, text: str) -> ZoneDocument:
        try:
            data = json.loads(text)
        except RecursionError:
            raise ValueError("the JSON is nested too deeply") from None
        except ValueError as exc:  # JSONDecodeError, and bad surrogates
            raise ValueError(f"not JSON ({str(exc).splitlines()[0][:80]})") from None
        if not isinstance(data, dict):
            raise ValueError(f"not a JSON object but {type(data).__name__}")
        if data.get("format") != FORMAT:
            raise ValueError(f"format is {shown(data.get('format'))}, not {FORMAT!r}")
        name = _zone_name(data, "name")
        zone_id = _zone_id(data, "zone_id")
        account = _account(data, "account_id")
        servers = data.get("name_servers")
        if not isinstance(servers, list) or not servers:
            raise ValueError(f"name_servers is {shown(servers)}, not a list of host names")
        if len(servers) > _MAX_SERVERS:
            raise ValueError(f"name_servers lists {len(servers)} servers (at most "
                             f"{_MAX_SERVERS})")
        canon: list[str] = []
        for server in servers:
            if not isinstance(server, str) or names.problems(server):
                raise ValueError(f"name server {shown(server)} is not a host name")
            canon.append(names.normalize(server))
        parent = _zone_name(data, "parent") if data.get("parent") is not None else None
        parent_id = (_zone_id(data, "parent_zone_id")
                     if data.get("parent_zone_id") is not None else None)
        parent_account = (_account(data, "parent_account_id")
                          if data.get("parent_account_id") is not None else None)
        return cls(name, zone_id, account, tuple(canon), parent, parent_id, parent_account)


def _zone_name(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or names.problems(value):
        raise ValueError(f"{key} is {shown(value)}, not a zone name")
    return names.normalize(value)


def _zone_id(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    bare = value.removeprefix("/hostedzone/") if isinstance(value, str) else None
    if bare is None or not _ZONE_ID.match(bare):
        raise ValueError(f"{key} is {shown(value)}, not a hosted zone id")
    return bare


def _account(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not _ACCOUNT.match(value):
        raise ValueError(f"{key} is {shown(value)}, not a 12-digit account id")
    return value


def parameter_name(prefix: str, zone: str) -> str:
    return f"{prefix}/{zone}"


@dataclass(frozen=True)
class ParentAccount:
    """The account the NS record is written in: its id and its key in the config, or
    ``problem`` (why it cannot be)."""

    account_id: str
    key: str | None = None
    problem: str | None = None


def parent_account_of(document: ZoneDocument, where: str, child: str, *,
                      declared: Mapping[str, str], expected: str | None,
                      role_hint: str, expected_label: str = "parent_from_ssm.parent_account"
                      ) -> ParentAccount:
    """Where the parent zone of ``child`` is, by its document: an account the config
    declares (``declared``: id -> key), equal to ``expected`` (``parent_account``) when
    the config names one. ``role_hint`` is the role zonecut would assume in an account
    it has to be told about (named in the error)."""
    account = document.account_id
    if expected is not None and account != expected:
        key = declared.get(expected, expected)
        named = expected if key == expected else f"{key} ({expected})"
        return ParentAccount(account, problem=(
            f"{child}: {where} says {document.name} is in account {account}, but "
            f"{expected_label} is {named}; nothing was changed"))
    if account not in declared:
        return ParentAccount(account, problem=(
            f"{child}: {where} says {document.name} is in account {account}, which the "
            f"config does not declare; declare it under `accounts` (zonecut writes the NS "
            f"record there through {role_hint}); nothing was changed"))
    return ParentAccount(account, declared[account])


def below_problem(document: ZoneDocument, where: str, child: str) -> str | None:
    """Why the document cannot describe ``child``'s parent by name (None: it can)."""
    if not names.is_below(child, document.name):
        return (f"{child}: {where} describes {document.name}, which is not above {child} "
                "(zones nest on label boundaries)")
    return None


def check_against_zone(document: ZoneDocument, where: str, child: str,
                       found: HostedZone | None, account: str) -> str | None:
    """Why the zone Route 53 holds under the document's id in ``account`` is not the zone
    the document describes (None: it is: same name, public, same name servers)."""
    lead = f"{child}: {where} names zone {document.zone_id} in account {account}"
    if found is None:
        return f"{lead}, which does not exist there; nothing was changed"
    if found.private:
        return f"{lead}, which is a private zone; nothing was changed"
    if found.name != document.name:
        return (f"{lead}, which is {found.name}, not {document.name}; nothing was changed")
    if frozenset(found.name_servers) != frozenset(document.name_servers):
        return (f"{lead}, whose name servers are {', '.join(sorted(found.name_servers))}, "
                f"not {', '.join(sorted(document.name_servers))} as the parameter says; "
                "nothing was changed")
    return None
