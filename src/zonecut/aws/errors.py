"""Errors from AWS, translated into messages that name account, zone and call."""

from __future__ import annotations

from zonecut.errors import ZonecutError


class AwsError(ZonecutError):
    """An AWS call failed for good (after retries)."""

    def __init__(self, message: str, *, account_id: str | None = None, operation: str = "",
                 code: str = "") -> None:
        self.account_id = account_id
        self.operation = operation
        self.code = code
        where = f"account {account_id}: " if account_id else ""
        call = f"{operation}: " if operation else ""
        super().__init__(f"{where}{call}{message}")


class AccessDenied(AwsError):
    """Credentials or a role were refused."""


class AccountMismatch(ZonecutError):
    """The credentials reached a different account than the config declares."""


class AmbiguousZone(ZonecutError):
    """Several public hosted zones of one name in one account."""


class SyncTimeout(AwsError):
    """A change did not become INSYNC within the configured time."""
