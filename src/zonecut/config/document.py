"""A whole zonecut.yaml: the top-level :class:`Config` model and its account look-ups.

Field validation (types, ranges, name syntax) lives on the models. Checks that
relate several parts of a config (references, duplicates, roots) are
:func:`zonecut.config.relations.relation_problems`: :class:`Config` runs it when
built directly, and the loader runs it on partly invalid input too, so that one run
reports every problem with its line.
"""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import AfterValidator, ConfigDict, Field, StrictInt, ValidationInfo, model_validator

from zonecut.config.accounts import AccessDefaults, Account
from zonecut.config.defaults import Defaults
from zonecut.config.errors import format_loc
from zonecut.config.facts import facts_of_accounts, facts_of_zones
from zonecut.config.fields import AccountKey, FrozenModel
from zonecut.config.relations import relation_problems
from zonecut.config.zones import ZoneSpec

SKIP_RELATION_CHECKS = "zonecut_skip_relation_checks"
"""Validation context key: the loader runs the relation checks itself, with line numbers."""


def _check_version(value: int) -> int:
    if value != 1:
        raise ValueError(f"unsupported version {value}; this zonecut reads version 1")
    return value


class Config(FrozenModel):
    """A whole zonecut.yaml."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", title="zonecut configuration",
        json_schema_extra={"description": "Route 53 delegation across AWS accounts, "
                           "declared in one file (zonecut.yaml)."},
    )

    version: Annotated[StrictInt, AfterValidator(_check_version)] = Field(
        description="Format version; must be 1."
    )
    defaults: Defaults = Field(default_factory=Defaults, description="Settings for everything.")
    accounts: dict[AccountKey, Account] = Field(
        description="The AWS accounts, by a key of your choice."
    )
    zones: tuple[ZoneSpec, ...] = Field(
        description="The public hosted zones. Nesting follows the names: a zone's parent is "
        "its closest declared ancestor."
    )

    @model_validator(mode="after")
    def _relations(self, info: ValidationInfo) -> Self:
        if info.context and info.context.get(SKIP_RELATION_CHECKS):
            return self
        found = relation_problems(self.defaults, facts_of_accounts(self.accounts),
                                  facts_of_zones(self.zones))
        if found:
            raise ValueError("; ".join(f"{format_loc(loc)}: {message}" for loc, message in found))
        return self

    def account_key(self, key_or_id: str) -> str | None:
        """The key of the account named by key or by 12-digit id; None when unknown."""
        if key_or_id in self.accounts:
            return key_or_id
        for key, account in self.accounts.items():
            if account.id == key_or_id:
                return key
        return None

    def account(self, key_or_id: str) -> Account | None:
        """The account named by key or by 12-digit id; None when unknown."""
        key = self.account_key(key_or_id)
        return None if key is None else self.accounts[key]

    def _known(self, key_or_id: str) -> tuple[str, Account]:
        key = self.account_key(key_or_id)
        if key is None:
            raise KeyError(f"unknown account {key_or_id!r}")
        return key, self.accounts[key]

    def effective_access(self, key_or_id: str) -> AccessDefaults:
        """defaults.access with this account's overrides applied and role_name rendered.

        Raises KeyError for an unknown account.
        """
        key, account = self._known(key_or_id)
        base = self.defaults.access
        template = account.role_name or base.role_name
        return base.model_copy(update={
            "role_name": template.format(account_id=account.id, account=key),
            "external_id": account.external_id or base.external_id,
            "source_identity": account.source_identity or base.source_identity,
            "region": account.region or base.region,
        })

    def role_arn_for(self, key_or_id: str) -> str | None:
        """The role to assume for this account; None when ``assume_role`` is false.

        Raises KeyError for an unknown account.
        """
        _key, account = self._known(key_or_id)
        if not account.assume_role:
            return None
        if account.role_arn:
            return account.role_arn
        access = self.effective_access(key_or_id)
        return f"arn:{access.partition}:iam::{account.id}:role/{access.role_name.strip('/')}"
