"""What a delegation request asks (:class:`Claim`) and what the handler did
(:class:`Outcome`): the values both Lambda handlers pass to and get from
:class:`zonecut.aws_lambda.delegation.ParentZone`."""

from __future__ import annotations

from dataclasses import dataclass

from zonecut.aws_lambda.ownership import Owner


@dataclass(frozen=True)
class Outcome:
    """What a handler did: ``status`` is one of delegated, unchanged, removed, gone,
    left-alone, refused, foreign (another party's delegation, reported only), stale (the
    zone of the request no longer exists) or ignored."""

    status: str
    name: str = ""
    reason: str = ""
    zone_id: str = ""

    @property
    def refused(self) -> bool:
        return self.status in ("refused", "foreign", "stale")

    def data(self) -> dict[str, str]:
        return {"status": self.status, "name": self.name, "reason": self.reason,
                "zone_id": self.zone_id}


@dataclass(frozen=True)
class Claim:
    """Who asks for which name: ``path`` ``stack`` (``party``: StackId and logical id)
    or ``event`` (``party``: the hosted zone id). ``zone_id`` and ``servers`` are what
    the request says about the zone; they are checked, never trusted."""

    account_id: str
    name: str
    path: str
    party: str
    request: str = ""
    zone_id: str | None = None
    servers: tuple[str, ...] = ()
    ttl: int | None = None

    def owns(self, owner: Owner) -> bool:
        return (owner.path, owner.account_id, owner.party) == (
            self.path, self.account_id, self.party)
