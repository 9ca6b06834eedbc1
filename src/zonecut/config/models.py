"""The zonecut.yaml data model: pydantic v2 models, frozen, unknown keys forbidden.

Field validation (types, ranges, name syntax) lives on the models. Checks that
relate several parts of a config (references, duplicates, roots) are the
``relation_problems`` function at the bottom: :class:`Config` runs it when built
directly, and the loader runs it on partly invalid input too, so that one run
reports every problem with its line.
"""

from __future__ import annotations

import difflib
import re
import string
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Literal, Self, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    model_validator,
)

from zonecut import names
from zonecut.config.errors import Loc, format_loc
from zonecut.config.tree import declared_parent

MAX_TTL = 2_147_483_647
PARTITIONS: tuple[str, ...] = ("aws", "aws-cn", "aws-us-gov")
ROLE_PLACEHOLDERS = ("account_id", "account")
SKIP_RELATION_CHECKS = "zonecut_skip_relation_checks"
"""Validation context key: the loader runs the relation checks itself, with line numbers."""

ACCOUNT_ID_RE = re.compile(r"^[0-9]{12}$")
ACCOUNT_KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
ROLE_ARN_RE = re.compile(
    r"^arn:(?P<partition>aws|aws-cn|aws-us-gov):iam::(?P<account>[0-9]{12}):role/"
    r"(?P<path>(?:[\w+=,.@-]+/)*)(?P<name>[\w+=,.@-]{1,64})$",
    re.ASCII,
)
ZONE_ID_RE = re.compile(r"^[A-Z0-9]{1,32}$")
REGION_RE = re.compile(r"^[a-z]{2}(?:-[a-z]+)+-[0-9]{1,2}$")
_IAM_NAME_RE = re.compile(r"^[\w+=,.@-]+$", re.ASCII)
_IAM_PATH_RE = re.compile(r"^(?:[\w+=,.@-]+/)*$", re.ASCII)
_EXTERNAL_ID_RE = re.compile(r"^[\w+=,.@:/-]{2,1224}$", re.ASCII)
_SOURCE_IDENTITY_RE = re.compile(r"^[\w+=,.@-]{2,64}$", re.ASCII)
_SESSION_PREFIX_RE = re.compile(r"^[\w+=,.@-]{1,32}$", re.ASCII)
_TAG_PUNCTUATION = frozenset(" _.:/=+-@")


# -- field validators ------------------------------------------------------------------


def _quoted(value: str, limit: int = 80) -> str:
    """``repr`` of user text, cut short so a huge value cannot flood the messages."""
    return repr(value if len(value) <= limit else value[:limit] + "...")


def _int_account_id(value: object) -> object:
    """Accept an unquoted 12-digit YAML int; refuse ints that lost leading zeros."""
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value) if 0 <= value < 10**13 else ""
        if len(text) != 12:
            shown = text or "this number"
            raise ValueError(
                f"account id {shown} is not 12 digits; "
                'quote account ids so leading zeros survive (id: "012345678901")'
            )
        return text
    return value


def _check_account_id(value: str) -> str:
    if not ACCOUNT_ID_RE.match(value):
        raise ValueError(f"account id {_quoted(value)} must be exactly 12 digits")
    return value


def _check_account_key(value: str) -> str:
    if not ACCOUNT_KEY_RE.match(value):
        raise ValueError(
            f"account key {_quoted(value)} may only hold letters, digits, '.', '_' and '-', "
            "must start with a letter or digit and be at most 64 characters"
        )
    return value


def _check_account_ref(value: str) -> str:
    if not value.strip():
        raise ValueError("the account must name a key of `accounts` or a 12-digit account id")
    return value


def _check_zone_name(value: str) -> str:
    found = names.problems(value)
    if found:
        raise ValueError(f"{_quoted(value)}: " + "; ".join(text[:200] for text in found))
    return names.normalize(value)


def _check_role_name(value: str) -> str:
    try:
        parts = list(string.Formatter().parse(value))
    except ValueError as exc:
        raise ValueError(f"role_name {_quoted(value)} is not a valid template: {exc}") from None
    for _text, field, spec, conversion in parts:
        if field is None:
            continue
        if field not in ROLE_PLACEHOLDERS or spec or conversion:
            raise ValueError(
                f"role_name {_quoted(value)} may only use the placeholders {{account_id}} and "
                f"{{account}}; found {{{field[:40]}}}"
            )
    rendered = value.format(account_id="123456789012", account="key")
    path, _, name = rendered.strip("/").rpartition("/")
    path_ok = not path or _IAM_PATH_RE.match(path + "/")
    if not name or not _IAM_NAME_RE.match(name) or not path_ok:
        raise ValueError(
            f"role_name {_quoted(value)} is not an IAM role name: use letters, digits and "
            "'+=,.@_-', optionally after a path like 'path/to/'"
        )
    return value


def _check_role_arn(value: str) -> str:
    if not ROLE_ARN_RE.match(value):
        raise ValueError(
            f"role_arn {_quoted(value)} is not an IAM role ARN "
            "(arn:aws:iam::123456789012:role/Name)"
        )
    return value


def _check_external_id(value: str) -> str:
    if not _EXTERNAL_ID_RE.match(value):
        raise ValueError(
            "external_id must be 2 to 1224 characters of letters, digits and '+=,.@:/_-'"
        )
    return value


def _check_source_identity(value: str) -> str:
    if not _SOURCE_IDENTITY_RE.match(value):
        raise ValueError(
            "source_identity must be 2 to 64 characters of letters, digits and '+=,.@_-'"
        )
    return value


def _check_region(value: str) -> str:
    if not REGION_RE.match(value):
        raise ValueError(f"region {_quoted(value)} is not an AWS region name like 'us-east-1'")
    return value


def _check_session_name(value: str) -> str:
    if not _SESSION_PREFIX_RE.match(value):
        raise ValueError(
            "session_name must be 1 to 32 characters of letters, digits and '+=,.@_-'"
        )
    return value


def _check_profile(value: str) -> str:
    if not value.strip():
        raise ValueError("profile must not be empty; use null for the default credential chain")
    return value


def _check_zone_id(value: str) -> str:
    bare = value.removeprefix("/hostedzone/")
    if not ZONE_ID_RE.match(bare):
        raise ValueError(
            f"zone_id {_quoted(value)} is not a hosted zone id "
            "(upper-case letters and digits, like Z0123456789ABC)"
        )
    return bare


def _check_tag_text(value: str) -> str:
    bad = sorted({ch for ch in value if not (ch.isalnum() or ch in _TAG_PUNCTUATION)})
    if bad:
        raise ValueError(
            f"{_quoted(value)} holds characters Route 53 tags do not allow: "
            f"{_quoted(''.join(bad))} "
            "(letters, digits, spaces and '_.:/=+-@' are allowed)"
        )
    return value


def _check_tag_key(value: str) -> str:
    if value.lower().startswith("aws:"):
        raise ValueError(f"tag key {_quoted(value)}: the 'aws:' prefix is reserved by AWS")
    return _check_tag_text(value)


def _check_version(value: int) -> int:
    if value != 1:
        raise ValueError(f"unsupported version {value}; this zonecut reads version 1")
    return value


# -- field types -----------------------------------------------------------------------

AccountId = Annotated[
    StrictStr, BeforeValidator(_int_account_id), AfterValidator(_check_account_id),
    Field(json_schema_extra={"pattern": ACCOUNT_ID_RE.pattern}),
]
AccountKey = Annotated[StrictStr, AfterValidator(_check_account_key)]
AccountRef = Annotated[StrictStr, BeforeValidator(_int_account_id),
                       AfterValidator(_check_account_ref)]
ZoneName = Annotated[StrictStr, AfterValidator(_check_zone_name)]
Ttl = Annotated[StrictInt, Field(ge=1, le=MAX_TTL)]
RoleName = Annotated[StrictStr, AfterValidator(_check_role_name)]
RoleArn = Annotated[StrictStr, AfterValidator(_check_role_arn)]
ExternalId = Annotated[StrictStr, AfterValidator(_check_external_id)]
SourceIdentity = Annotated[StrictStr, AfterValidator(_check_source_identity)]
Region = Annotated[StrictStr, AfterValidator(_check_region)]
ZoneId = Annotated[StrictStr, AfterValidator(_check_zone_id)]
TagKey = Annotated[StrictStr, Field(min_length=1, max_length=128), AfterValidator(_check_tag_key)]
TagValue = Annotated[StrictStr, Field(max_length=256), AfterValidator(_check_tag_text)]
Partition = Literal["aws", "aws-cn", "aws-us-gov"]  # keep in step with PARTITIONS


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# -- models ----------------------------------------------------------------------------


class AccessDefaults(_Model):
    """How every account is reached unless the account overrides it."""

    role_name: RoleName = Field(
        "ZonecutDelegation",
        description="IAM role to assume in each account. A template: {account_id} and "
        "{account} (the account's key) are replaced. May hold a path: 'path/Name'.",
    )
    external_id: ExternalId | None = Field(
        None, description="sts:ExternalId passed to AssumeRole; null for none."
    )
    source_identity: SourceIdentity | None = Field(
        None, description="sts:SourceIdentity passed to AssumeRole; null for none."
    )
    region: Region | None = Field(
        None, description="STS and Route 53 region; null uses the partition's Route 53 "
        "home region (us-east-1, cn-northwest-1, us-gov-west-1)."
    )
    partition: Partition = Field("aws", description="AWS partition: aws, aws-cn or aws-us-gov.")
    session_name: Annotated[StrictStr, AfterValidator(_check_session_name)] = Field(
        "zonecut", description="Prefix of the RoleSessionName seen in CloudTrail."
    )

    def role_name_for(self, account_key: str, account_id: str) -> str:
        """The role name template rendered for one account."""
        return self.role_name.format(account_id=account_id, account=account_key)


class NsTtlPolicy(_Model):
    """The NS TTL range that ``verify`` accepts on delegations."""

    min: Ttl = Field(300, description="Lowest NS TTL (seconds) verify accepts.")
    max: Ttl = Field(172800, description="Highest NS TTL (seconds) verify accepts.")

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        return self


class Defaults(_Model):
    """Settings that apply to every account and zone unless overridden."""

    ns_ttl: Ttl = Field(3600, description="TTL (seconds) of the NS records written into "
                        "parent zones, 1..2147483647.")
    rate_limit: Annotated[float, Field(strict=True, gt=0, allow_inf_nan=False)] = Field(
        5.0, description="Route 53 requests per second per account."
    )
    max_parallel_accounts: Annotated[StrictInt, Field(ge=1)] = Field(
        8, description="How many accounts are read or changed at the same time."
    )
    sync_timeout: Annotated[StrictInt, Field(gt=0)] = Field(
        300, description="Seconds to wait for a Route 53 change to become INSYNC."
    )
    ns_ttl_policy: NsTtlPolicy = Field(
        default_factory=NsTtlPolicy, description="NS TTL range that verify accepts."
    )
    access: AccessDefaults = Field(
        default_factory=AccessDefaults, description="How accounts are reached."
    )


class Account(_Model):
    """One AWS account and how to reach it. Unset fields fall back to defaults.access."""

    id: AccountId = Field(description='The 12-digit account id. Quote it: "012345678901".')
    profile: Annotated[StrictStr, AfterValidator(_check_profile)] | None = Field(
        None, description="AWS profile to start from; null uses the default credential chain."
    )
    role_arn: RoleArn | None = Field(
        None, description="Explicit role ARN to assume (wins over role_name); must be a role "
        "of this account."
    )
    role_name: RoleName | None = Field(
        None, description="Overrides defaults.access.role_name for this account."
    )
    assume_role: StrictBool = Field(
        True, description="false: use the profile or default chain as is, no AssumeRole."
    )
    external_id: ExternalId | None = Field(
        None, description="Overrides defaults.access.external_id."
    )
    source_identity: SourceIdentity | None = Field(
        None, description="Overrides defaults.access.source_identity."
    )
    region: Region | None = Field(None, description="Overrides defaults.access.region.")


class ZoneSpec(_Model):
    """One public hosted zone. Its parent is its closest declared ancestor."""

    name: ZoneName = Field(description="Zone name; stored lower case without trailing dot.")
    account: AccountRef = Field(
        description="The account holding the zone: a key of `accounts` or its 12-digit id."
    )
    root: StrictBool = Field(
        False, description="Top of a tree: delegated by the registrar, not by zonecut."
    )
    ns_ttl: Ttl | None = Field(None, description="Overrides defaults.ns_ttl for this delegation.")
    comment: Annotated[StrictStr, Field(max_length=256)] | None = Field(
        None, description="Hosted zone comment (at most 256 characters)."
    )
    tags: Annotated[dict[TagKey, TagValue], Field(max_length=50)] = Field(
        default_factory=dict, description="Hosted zone tags (at most 50; key <= 128 and "
        "value <= 256 characters)."
    )
    zone_id: ZoneId | None = Field(
        None, description="Pin the hosted zone when the account has several public zones "
        "of this name."
    )


class Config(_Model):
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


# -- relation checks -------------------------------------------------------------------

Problem = tuple[Loc, str]
"""A problem found by :func:`relation_problems`: where (a path tuple) and what."""


@dataclass(frozen=True)
class AccountFacts:
    """What the relation checks know about one declared account.

    ``account`` is None when the account itself is invalid; ``id`` may still be known.
    """

    id: str | None
    account: Account | None = None


@dataclass(frozen=True)
class ZoneFacts:
    """What the relation checks know about one declared zone (None: unknown or invalid)."""

    index: int
    name: str
    account: str | None = None
    root: bool | None = None
    ns_ttl: int | None = None
    zone_id: str | None = None


_ACCOUNT_ID = TypeAdapter(AccountId)
_ACCOUNT_REF = TypeAdapter(AccountRef)
_ZONE_NAME = TypeAdapter(ZoneName)
_BOOL = TypeAdapter(StrictBool)
_TTL = TypeAdapter(Ttl)
_ZONE_ID = TypeAdapter(ZoneId)
_MAX_LISTED = 12
_T = TypeVar("_T")
_MAX_HINTS = 20


def _lenient(adapter: TypeAdapter[_T], raw: Mapping[str, object], key: str) -> _T | None:
    if key not in raw:
        return None
    try:
        return adapter.validate_python(raw[key])
    except ValidationError:
        return None


def facts_of_accounts(accounts: Mapping[str, Account]) -> dict[str, AccountFacts]:
    return {key: AccountFacts(account.id, account) for key, account in accounts.items()}


def facts_of_zones(zones: Sequence[ZoneSpec]) -> list[ZoneFacts]:
    return [
        ZoneFacts(index, zone.name, zone.account, zone.root, zone.ns_ttl, zone.zone_id)
        for index, zone in enumerate(zones)
    ]


def account_facts_from_raw(raw: object) -> AccountFacts:
    """Whatever can be validated of one raw ``accounts`` entry."""
    try:
        account = Account.model_validate(raw)
    except ValidationError:
        pass
    else:
        return AccountFacts(account.id, account)
    if not isinstance(raw, Mapping):
        return AccountFacts(None)
    return AccountFacts(_lenient(_ACCOUNT_ID, raw, "id"))


def zone_facts_from_raw(index: int, raw: object) -> ZoneFacts | None:
    """Whatever can be validated of one raw ``zones`` item; None without a valid name."""
    if not isinstance(raw, Mapping):
        return None
    name = _lenient(_ZONE_NAME, raw, "name")
    if name is None:
        return None
    return ZoneFacts(
        index, name,
        account=_lenient(_ACCOUNT_REF, raw, "account"),
        root=_lenient(_BOOL, raw, "root") if "root" in raw else False,
        ns_ttl=_lenient(_TTL, raw, "ns_ttl"),
        zone_id=_lenient(_ZONE_ID, raw, "zone_id"),
    )


def defaults_from_raw(raw: object) -> Defaults | None:
    """The defaults if they validate; None otherwise."""
    try:
        return Defaults.model_validate(raw)
    except ValidationError:
        return None


def relation_problems(
    defaults: Defaults | None,
    accounts: Mapping[str, AccountFacts],
    zones: Sequence[ZoneFacts],
    where: Callable[[Loc], str] = format_loc,
) -> list[Problem]:
    """Problems between parts of a config: references, duplicates, roots, TTL policy.

    ``where`` renders another location for messages that point at it (the loader
    adds the line number). Unknown (None) facts are skipped, never guessed.
    """
    found = _account_problems(defaults, accounts, where)
    if defaults is not None:
        found += _policy_problems(defaults, zones)
    found += _reference_problems(accounts, zones)
    found += _duplicate_problems(zones, where)
    found += _root_problems(zones, where)
    return found


def _listing(items: Sequence[str]) -> str:
    shown = ", ".join(items[:_MAX_LISTED])
    if len(items) > _MAX_LISTED:
        shown += f" and {len(items) - _MAX_LISTED} more"
    return shown


def _account_problems(defaults: Defaults | None, accounts: Mapping[str, AccountFacts],
                      where: Callable[[Loc], str]) -> list[Problem]:
    found: list[Problem] = []
    first_key_of_id: dict[str, str] = {}
    plain_credentials: dict[str | None, tuple[str, str]] = {}
    for key, facts in accounts.items():
        if facts.id is not None:
            first = first_key_of_id.setdefault(facts.id, key)
            if first != key:
                found.append((("accounts", key, "id"), (
                    f"account id {facts.id} is already declared as {first!r} "
                    f"({where(('accounts', first, 'id'))}); declare each account once"
                )))
            if ACCOUNT_ID_RE.match(key) and key != facts.id:
                found.append((("accounts", key), (
                    f"the key {key!r} looks like an account id but this account's id is "
                    f"{facts.id}; zones name accounts by key or by id, so pick another key"
                )))
        account = facts.account
        if account is None:
            continue
        found += _role_problems(key, account, defaults)
        if not account.assume_role:
            other = plain_credentials.setdefault(account.profile, (key, account.id))
            if other[1] != account.id:
                how = (f"profile {account.profile!r}" if account.profile
                       else "the default credential chain")
                found.append((("accounts", key, "assume_role"), (
                    f"{key!r} and {other[0]!r} both use {how} without assuming a role but "
                    "declare different account ids; one set of credentials reaches one account"
                )))
    return found


def _role_problems(key: str, account: Account, defaults: Defaults | None) -> list[Problem]:
    found: list[Problem] = []
    if not account.assume_role:
        for field in ("role_arn", "role_name", "external_id", "source_identity"):
            if getattr(account, field) is not None:
                found.append((("accounts", key, field), (
                    f"{field} is set but assume_role is false, so no role is assumed; "
                    "remove one of them"
                )))
        return found
    if account.role_arn is not None:
        match = ROLE_ARN_RE.match(account.role_arn)
        if match and match["account"] != account.id:
            found.append((("accounts", key, "role_arn"), (
                f"role_arn names account {match['account']} but this account's id is "
                f"{account.id}; the role must live in the account itself"
            )))
        elif match and defaults is not None and match["partition"] != defaults.access.partition:
            found.append((("accounts", key, "role_arn"), (
                f"role_arn is in partition {match['partition']!r} but "
                f"defaults.access.partition is {defaults.access.partition!r}"
            )))
        return found
    if defaults is None:
        return found
    template = account.role_name or defaults.access.role_name
    rendered = template.format(account_id=account.id, account=key).strip("/")
    name = rendered.rpartition("/")[2]
    if len(name) > 64 or len(rendered) > 512:
        found.append((("accounts", key), (
            f"the role name {rendered!r} made from role_name {template!r} is too long "
            "(IAM allows 64 characters, 512 with the path)"
        )))
    return found


def _policy_problems(defaults: Defaults, zones: Sequence[ZoneFacts]) -> list[Problem]:
    policy = defaults.ns_ttl_policy
    found: list[Problem] = []

    def check(loc: Loc, ttl: int) -> None:
        if not policy.min <= ttl <= policy.max:
            found.append((loc, (
                f"ns_ttl {ttl} is outside defaults.ns_ttl_policy ({policy.min}..{policy.max}); "
                "verify would flag the delegation"
            )))

    check(("defaults", "ns_ttl"), defaults.ns_ttl)
    for zone in zones:
        if zone.ns_ttl is not None:
            check(("zones", zone.index, "ns_ttl"), zone.ns_ttl)
    return found


def _reference_problems(accounts: Mapping[str, AccountFacts],
                        zones: Sequence[ZoneFacts]) -> list[Problem]:
    found: list[Problem] = []
    key_of_id = {facts.id: key for key, facts in accounts.items() if facts.id is not None}
    every_id_known = len(key_of_id) == len(accounts)
    keys = list(accounts)
    for zone in zones:
        ref = zone.account
        if ref is None or ref in accounts or ref in key_of_id:
            continue
        if not keys:
            message = f"unknown account {ref!r}: no accounts are declared"
        elif ACCOUNT_ID_RE.match(ref):
            if not every_id_known:
                continue
            declared = [f"{key} ({facts.id})" for key, facts in accounts.items()]
            message = f"no declared account has id {ref}; declared: {_listing(declared)}"
        else:
            message = f"unknown account {ref!r}; declared accounts: {_listing(keys)}"
            close = difflib.get_close_matches(ref, keys, n=1)
            if close:
                message += f" (did you mean {close[0]!r}?)"
        found.append((("zones", zone.index, "account"), message))
    return found


def _duplicate_problems(zones: Sequence[ZoneFacts], where: Callable[[Loc], str]) -> list[Problem]:
    found: list[Problem] = []
    first_by_name: dict[str, ZoneFacts] = {}
    first_by_id: dict[str, ZoneFacts] = {}
    for zone in zones:
        first = first_by_name.setdefault(zone.name, zone)
        if first is not zone:
            found.append((("zones", zone.index, "name"), (
                f"{zone.name} is declared twice: also at {where(('zones', first.index, 'name'))}; "
                "names are compared in lower case without the trailing dot"
            )))
        if zone.zone_id is None:
            continue
        pinned = first_by_id.setdefault(zone.zone_id, zone)
        if pinned is not zone:
            found.append((("zones", zone.index, "zone_id"), (
                f"zone_id {zone.zone_id} is also pinned on {pinned.name} "
                f"({where(('zones', pinned.index, 'zone_id'))}); one hosted zone backs one "
                "declared zone"
            )))
    return found


def _root_problems(zones: Sequence[ZoneFacts], where: Callable[[Loc], str]) -> list[Problem]:
    found: list[Problem] = []
    first_by_name: dict[str, ZoneFacts] = {}
    for zone in zones:
        first_by_name.setdefault(zone.name, zone)
    declared = set(first_by_name)
    hints = 0
    for zone in first_by_name.values():
        parent = declared_parent(zone.name, declared)
        if parent is None and zone.root is False:
            message = (f"{zone.name} is not under any declared zone; "
                       "declare its parent or mark it `root: true`")
            if hints < _MAX_HINTS:
                hints += 1
                message += _near_miss(zone.name, declared)
            found.append((("zones", zone.index, "name"), message))
        elif parent is not None and zone.root is True:
            above = first_by_name[parent]
            found.append((("zones", zone.index, "root"), (
                f"{zone.name} is marked `root: true` but lies below the declared zone {parent} "
                f"({where(('zones', above.index, 'name'))}); remove `root: true` and zonecut "
                f"delegates it from {parent}"
            )))
    return found


def _near_miss(name: str, declared: set[str]) -> str:
    """A hint when a declared zone ends the name but not on a label boundary."""
    for other in sorted(declared, key=len, reverse=True):
        if other != name and name.endswith(other) and not names.is_below(name, other):
            return (f" ({other} is not its parent: zones nest on label boundaries, "
                    f"and {name} is not inside {other})")
    return ""
