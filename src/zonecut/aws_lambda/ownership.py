"""Who owns a delegation the handlers made: one SSM parameter per name (pure data here).

The record lives in the parent's account, ``ZONECUT_OWNER_PREFIX/NAME``
(``/zonecut/owners/dev.example.com``), and is written *before* the NS change and removed
*after* the NS rrset is gone. It names the party that asked:

- ``stack``: a CloudFormation custom resource, ``StackId`` and ``LogicalResourceId``;
- ``event``: a CreateHostedZone event, the hosted zone's id;

and the account, the hosted zone and its name servers (the delegation written), the
request or event id, the parent zone the NS rrset is written in (``parent_zone_id``;
empty in records written before it was kept), and ``state``: ``writing`` (record
made, NS change may not be), ``delegated``, or ``removing``. A delegation whose record
names another party (or that has no record) is not the handlers' to change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from zonecut.errors import ZonecutError
from zonecut.names import normalize

FORMAT = "zonecut.owner/1"
PATHS = ("stack", "event")
STATES = ("writing", "delegated", "removing")


class OwnerRecordError(ZonecutError):
    """A parameter under the owner prefix that is not an owner record."""


@dataclass(frozen=True)
class Owner:
    name: str
    account_id: str
    path: str
    party: str
    zone_id: str
    name_servers: tuple[str, ...]
    request: str = ""
    state: str = "writing"
    parent_zone_id: str = ""
    """Where the NS rrset is written: removal looks there, whatever zone the name's
    parent would be found in today."""

    def same_party(self, other: Owner) -> bool:
        return (self.path, self.account_id, self.party) == (
            other.path, other.account_id, other.party)

    def describe(self) -> str:
        who = (f"stack {self.party}" if self.path == "stack"
               else f"the CreateHostedZone event of zone {self.party}")
        return f"account {self.account_id}, {who}"

    def moved(self, state: str) -> Owner:
        return replace(self, state=state)

    def to_json(self) -> str:
        return json.dumps({
            "format": FORMAT, "name": self.name, "account_id": self.account_id,
            "path": self.path, "party": self.party, "zone_id": self.zone_id,
            "name_servers": list(self.name_servers), "request": self.request,
            "state": self.state, "parent_zone_id": self.parent_zone_id,
        }, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str, where: str) -> Owner:
        try:
            data = json.loads(text)
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                raise ValueError(f"not a {FORMAT} document")
            owner = cls(
                name=normalize(str(data["name"])), account_id=str(data["account_id"]),
                path=str(data["path"]), party=str(data["party"]),
                zone_id=str(data["zone_id"]),
                name_servers=tuple(sorted(normalize(str(s)) for s in data["name_servers"])),
                request=str(data.get("request", "")), state=str(data["state"]),
                parent_zone_id=str(data.get("parent_zone_id", "")))
        except (ValueError, KeyError, TypeError) as exc:
            raise OwnerRecordError(f"{where}: not a zonecut owner record: {exc}") from None
        if owner.path not in PATHS or owner.state not in STATES:
            raise OwnerRecordError(f"{where}: not a zonecut owner record: path {owner.path!r}"
                                   f", state {owner.state!r}")
        return owner


def owner_parameter(prefix: str, name: str) -> str:
    return f"{prefix}/{name}"
