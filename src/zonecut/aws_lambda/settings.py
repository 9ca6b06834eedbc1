"""The handlers' settings, from environment variables (documented in docs/child-accounts.md).

| variable | required | meaning |
| --- | --- | --- |
| ZONECUT_PARENT_ZONE_ID | no | the parent hosted zone the NS records go into (default:
  found per name, :mod:`zonecut.aws_lambda.parent_lookup`) |
| ZONECUT_PARENT_ACCOUNT_ID | yes | its account (the credentials must reach it) |
| ZONECUT_ALLOW | yes | the allow-list: JSON {"ACCOUNT_ID": ["name", "*.name"]} |
| ZONECUT_PARENT_ROLE_ARN | no | a role to assume in the parent's account (else the
  function's own role) |
| ZONECUT_EXTERNAL_ID | no | sts:ExternalId for that role |
| ZONECUT_CHILD_ROLE_NAME | no | the read-only role in each consumer account through
  which a claimed zone is proved to exist (ZonecutLambdaRead) |
| ZONECUT_CHILD_EXTERNAL_ID | no | sts:ExternalId for that role |
| ZONECUT_NS_TTL | no | TTL of the NS records written (3600) |
| ZONECUT_NS_TTL_MIN, ZONECUT_NS_TTL_MAX | no | the TTLs a request may ask for (60, 172800) |
| ZONECUT_OWNER_PREFIX | no | where the owner of each delegation is recorded
  (/zonecut/owners) |
| ZONECUT_SSM_PREFIX | no | where delegations are published (/zonecut/zones; "" for none) |
| ZONECUT_SSM_ACCOUNT_ID | no | the account holding the published documents (a central
  registry; default: the parent's account) |
| ZONECUT_SSM_ROLE_ARN | no | the role to assume there (needed when it is another account) |
| ZONECUT_PARENT_PARAMETER | no | the parent zone's own document (in that account), checked
  before every delegation as the CLI checks parent_from_ssm |
| ZONECUT_SYNC_TIMEOUT | no | seconds to wait for INSYNC at most (120; always bounded by
  the function's time left) |
| ZONECUT_ANSWER_RESERVE | no | seconds kept back to answer CloudFormation (5) |
| ZONECUT_RATE_LIMIT | no | Route 53 requests per second (5) |
| AWS_REGION | no | region for STS (set by Lambda) |
| ZONECUT_SSM_REGION | no | SSM handoff region (default: partition's home region) |
| AWS_ENDPOINT_URL | no | send the AWS calls elsewhere (tests: the sandbox) |
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from zonecut.aws.access import AccountAccess, partition_of, role_arn_for
from zonecut.aws.sessions import SessionFactory
from zonecut.aws.ssm import SSM_REGION_ENV, handoff_region
from zonecut.aws_lambda.policy import AllowList
from zonecut.errors import ZonecutError

_ZONE_ID = re.compile(r"^[A-Z0-9]{1,32}$")
_ACCOUNT = re.compile(r"^[0-9]{12}$")
_ROLE = re.compile(r"^arn:(aws(?:-cn|-us-gov)?):iam::[0-9]{12}:role/[\w+=,.@/-]+$")
_ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}$")
TTL_LIMIT = 2_147_483_647
"""Route 53's largest TTL (the service model: TTL, long, max 2147483647)."""


class SettingsError(ZonecutError):
    """A missing or invalid environment variable."""


@dataclass(frozen=True)
class Settings:
    parent_zone_id: str | None
    """The one parent zone (None: each name's parent is looked up in the account)."""
    parent_account_id: str
    allow: AllowList
    role_arn: str | None = None
    external_id: str | None = None
    ns_ttl: int = 3600
    ssm_prefix: str = "/zonecut/zones"
    sync_timeout: float = 120.0
    rate_limit: float = 5.0
    region: str | None = None
    ssm_region: str | None = None
    endpoint_url: str | None = None
    child_role_name: str = "ZonecutLambdaRead"
    child_external_id: str | None = None
    ttl_min: int = 60
    ttl_max: int = 172800
    owner_prefix: str = "/zonecut/owners"
    answer_reserve: float = 5.0
    partition: str = "aws"
    ssm_account_id: str | None = None
    """The account of the published documents (None: the parent's)."""
    ssm_role_arn: str | None = None
    parent_parameter: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        def need(key: str) -> str:
            value = env.get(key, "").strip()
            if not value:
                raise SettingsError(f"the environment variable {key} is not set")
            return value

        def number(key: str, default: float) -> float:
            text = env.get(key, "").strip()
            try:
                value = float(text) if text else default
            except ValueError:
                raise SettingsError(f"{key}={text!r} is not a number") from None
            if value <= 0:
                raise SettingsError(f"{key} must be greater than 0")
            return value

        zone_id = env.get("ZONECUT_PARENT_ZONE_ID", "").strip().removeprefix(
            "/hostedzone/") or None
        if zone_id is not None and not _ZONE_ID.match(zone_id):
            raise SettingsError(f"ZONECUT_PARENT_ZONE_ID={zone_id!r} is not a hosted zone id")
        account = need("ZONECUT_PARENT_ACCOUNT_ID")
        if not _ACCOUNT.match(account):
            raise SettingsError(f"ZONECUT_PARENT_ACCOUNT_ID={account!r} is not 12 digits")
        role = env.get("ZONECUT_PARENT_ROLE_ARN", "").strip() or None
        if role is not None and (not _ROLE.match(role) or f":{account}:" not in role):
            raise SettingsError(f"ZONECUT_PARENT_ROLE_ARN={role!r} is not a role of account "
                                f"{account}")
        prefix = env.get("ZONECUT_SSM_PREFIX", "/zonecut/zones").strip().rstrip("/")
        if prefix and not prefix.startswith("/"):
            raise SettingsError(f"ZONECUT_SSM_PREFIX={prefix!r} must start with '/'")
        owners = env.get("ZONECUT_OWNER_PREFIX", "/zonecut/owners").strip().rstrip("/")
        if not owners.startswith("/") or len(owners) < 2:
            raise SettingsError(f"ZONECUT_OWNER_PREFIX={owners!r} must be a path such as "
                                "/zonecut/owners (the owner records cannot be turned off)")
        if prefix and (owners == prefix or owners.startswith(prefix + "/")
                       or prefix.startswith(owners + "/")):
            raise SettingsError(f"ZONECUT_OWNER_PREFIX={owners!r} and ZONECUT_SSM_PREFIX="
                                f"{prefix!r} must not contain one another")
        child_role = env.get("ZONECUT_CHILD_ROLE_NAME", "ZonecutLambdaRead").strip()
        if not _ROLE_NAME.match(child_role):
            raise SettingsError(f"ZONECUT_CHILD_ROLE_NAME={child_role!r} is not a role name")
        ttl = int(number("ZONECUT_NS_TTL", 3600))
        ttl_min = int(number("ZONECUT_NS_TTL_MIN", 60))
        ttl_max = int(number("ZONECUT_NS_TTL_MAX", 172800))
        if not ttl_min <= ttl <= ttl_max <= TTL_LIMIT:
            raise SettingsError(f"the NS TTLs must satisfy ZONECUT_NS_TTL_MIN ({ttl_min}) <= "
                                f"ZONECUT_NS_TTL ({ttl}) <= ZONECUT_NS_TTL_MAX ({ttl_max}) "
                                f"<= {TTL_LIMIT}")
        matched = _ROLE.match(role) if role else None
        ssm_account = env.get("ZONECUT_SSM_ACCOUNT_ID", "").strip() or None
        if ssm_account is not None and not _ACCOUNT.match(ssm_account):
            raise SettingsError(f"ZONECUT_SSM_ACCOUNT_ID={ssm_account!r} is not 12 digits")
        ssm_role = env.get("ZONECUT_SSM_ROLE_ARN", "").strip() or None
        registry = ssm_account or account
        if ssm_role is not None and (not _ROLE.match(ssm_role)
                                     or f":{registry}:" not in ssm_role):
            raise SettingsError(f"ZONECUT_SSM_ROLE_ARN={ssm_role!r} is not a role of account "
                                f"{registry}")
        if registry != account and ssm_role is None:
            raise SettingsError(f"ZONECUT_SSM_ACCOUNT_ID={registry} is not the parent's "
                                "account: set ZONECUT_SSM_ROLE_ARN, the role to assume there")
        if registry != account and not prefix:
            raise SettingsError("ZONECUT_SSM_ACCOUNT_ID is set but ZONECUT_SSM_PREFIX is "
                                "empty: nothing would be published there")
        parent_parameter = env.get("ZONECUT_PARENT_PARAMETER", "").strip() or None
        if parent_parameter is not None and not re.match(r"^(?:/[A-Za-z0-9_.-]+)+$",
                                                         parent_parameter):
            raise SettingsError(f"ZONECUT_PARENT_PARAMETER={parent_parameter!r} is not an "
                                "SSM parameter path")
        return cls(
            ssm_account_id=None if registry == account else registry,
            ssm_role_arn=ssm_role,
            parent_parameter=parent_parameter,
            parent_zone_id=zone_id,
            parent_account_id=account,
            allow=AllowList.from_json(need("ZONECUT_ALLOW")),
            role_arn=role,
            external_id=env.get("ZONECUT_EXTERNAL_ID", "").strip() or None,
            ns_ttl=ttl,
            ttl_min=ttl_min,
            ttl_max=ttl_max,
            owner_prefix=owners,
            child_role_name=child_role,
            child_external_id=env.get("ZONECUT_CHILD_EXTERNAL_ID", "").strip() or None,
            answer_reserve=number("ZONECUT_ANSWER_RESERVE", 5.0),
            partition=matched.group(1) if matched else "aws",
            ssm_prefix=prefix,
            sync_timeout=number("ZONECUT_SYNC_TIMEOUT", 120.0),
            rate_limit=number("ZONECUT_RATE_LIMIT", 5.0),
            region=env.get("AWS_REGION", "").strip() or None,
            ssm_region=handoff_region(env.get(SSM_REGION_ENV, "").strip() or None,
                                      partition_of(env.get("AWS_REGION", "").strip())),
            endpoint_url=env.get("AWS_ENDPOINT_URL", "").strip() or None,
        )

    def parent_access(self) -> AccountAccess:
        """The parent's account, reached with the function's credentials (or the role)."""
        return AccountAccess(
            key="parent", account_id=self.parent_account_id, role_arn=self.role_arn,
            external_id=self.external_id, region=self.region, session_name="zonecut-lambda",
            partition=self.partition)

    def handoff_access(self) -> AccountAccess:
        """The account of the published documents: the parent's, or the registry through
        ZONECUT_SSM_ROLE_ARN."""
        if self.ssm_account_id is None and self.ssm_role_arn is None:
            return self.parent_access()
        return AccountAccess(
            key="registry", account_id=self.ssm_account_id or self.parent_account_id,
            role_arn=self.ssm_role_arn, region=self.region, session_name="zonecut-lambda",
            partition=self.partition)

    def child_access(self, account_id: str) -> AccountAccess:
        """A consumer account, through its read-only role."""
        return AccountAccess(
            key=f"child-{account_id}", account_id=account_id,
            role_arn=role_arn_for(self.partition, account_id, self.child_role_name),
            external_id=self.child_external_id, region=self.region,
            session_name="zonecut-lambda", partition=self.partition)

    def factory(self) -> SessionFactory:
        """Sessions for the handlers: no grace for a just-created role (the deadline
        allows no 20 s waits)."""
        return SessionFactory(endpoint_url=self.endpoint_url, purpose="delegate",
                              access_denied_grace=0.0)
