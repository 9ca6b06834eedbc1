"""How each declared account is reached, resolved from its own keys and
``defaults.access``: config in, plain data out (the wiring hands it to ``zonecut.aws``)."""

from __future__ import annotations

from dataclasses import dataclass

from zonecut.config.document import Config


@dataclass(frozen=True)
class ResolvedAccess:
    """One account's access with every default applied.

    ``role_arn`` is None when the account is reached with its profile or the default
    credential chain as is (``assume_role: false``).
    """

    key: str
    account_id: str
    profile: str | None
    role_arn: str | None
    external_id: str | None
    source_identity: str | None
    region: str | None
    partition: str
    session_name: str


def resolved_accesses(config: Config) -> dict[str, ResolvedAccess]:
    """Each declared account's access, by account id: an explicit ``role_arn`` wins, else
    the role name template (the account's, else the default) rendered in the partition."""
    found: dict[str, ResolvedAccess] = {}
    for key, account in config.accounts.items():
        access = config.effective_access(key)
        found[account.id] = ResolvedAccess(
            key=key,
            account_id=account.id,
            profile=account.profile,
            role_arn=config.role_arn_for(key),
            external_id=access.external_id,
            source_identity=access.source_identity,
            region=access.region,
            partition=access.partition,
            session_name=access.session_name,
        )
    return found
