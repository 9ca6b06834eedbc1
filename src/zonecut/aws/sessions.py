"""boto3 sessions per account: profiles, assumed roles, caching, identity checks."""

from __future__ import annotations

import copy
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
import botocore.handlers
import botocore.loaders
import botocore.session
from botocore.config import Config
from botocore.credentials import RefreshableCredentials
from botocore.exceptions import BotoCoreError, ClientError
from botocore.hooks import EventAliaser, HierarchicalEmitter
from botocore.parsers import ResponseParserError

from zonecut.aws.access import AccountAccess, session_name
from zonecut.aws.errors import AccessDenied, AccountMismatch, AwsError, translate

_LOADER = botocore.loaders.create_loader()
"""One model loader for every session: botocore caches parsed service models in it,
so the second account's clients cost milliseconds instead of a fresh JSON parse."""


def _builtin_hooks() -> HierarchicalEmitter:
    """botocore's built-in event handlers, registered once (as ``Session.__init__``
    registers them: ``botocore.handlers.BUILTIN_HANDLERS`` through an ``EventAliaser``).
    Each session gets a copy (``HierarchicalEmitter.__copy__``, as botocore copies a
    session's hooks into every client): registering them checks every handler's
    signature, about 10 ms of CPU per account, where the copy takes well under one."""
    hooks = HierarchicalEmitter()
    events = EventAliaser(hooks)
    for spec in botocore.handlers.BUILTIN_HANDLERS:
        event_name, handler = spec[0], spec[1]
        if len(spec) == 2:
            events.register(event_name, handler)
        elif spec[2] is botocore.handlers.REGISTER_FIRST:
            events.register_first(event_name, handler)
        elif spec[2] is botocore.handlers.REGISTER_LAST:
            events.register_last(event_name, handler)
    return hooks


_BUILTIN_HOOKS = _builtin_hooks()

_ROLE_ACCOUNT_RE = re.compile(r"^arn:[\w-]+:iam::(?P<account>[0-9]{12}):role/", re.ASCII)
_ASSUMED_ACCOUNT_RE = re.compile(r"^arn:[\w-]+:sts::(?P<account>[0-9]{12}):assumed-role/",
                                 re.ASCII)
"""``AssumedRoleUser.Arn`` of an AssumeRole answer:
``arn:<partition>:sts::<account>:assumed-role/<role>/<session>`` (STS API reference,
AssumedRoleUser; botocore's sts service model, AssumeRoleResponse)."""


NO_PROFILE_VARS = {"profile": (None, None, None, None)}
"""botocore session variables that make it read no profile, not even AWS_PROFILE."""


def _core_session(profile: str | None = None, *, read_profiles: bool = True
                  ) -> botocore.session.Session:
    """A botocore session sharing the model loader. With ``read_profiles`` off (explicit
    credentials, as the sandbox gives), neither the config's profile nor AWS_PROFILE is
    read: a profile that exists only on some other machine cannot stop a sandbox run."""
    hooks = copy.copy(_BUILTIN_HOOKS)  # the session's own: nothing registered is shared
    if read_profiles:
        core = botocore.session.Session(profile=profile, event_hooks=hooks,
                                        include_builtin_handlers=False)
    else:
        core = botocore.session.Session(session_vars=NO_PROFILE_VARS, event_hooks=hooks,
                                        include_builtin_handlers=False)
    core.register_component("data_loader", _LOADER)
    return core


RETRY_CONFIG = Config(retries={"mode": "standard", "max_attempts": 8}, connect_timeout=10,
                      read_timeout=30)
"""STS: botocore's standard retries (throttling, 5xx, broken connections)."""

ROUTE53_CONFIG = Config(retries={"mode": "standard", "total_max_attempts": 1},
                        connect_timeout=5, read_timeout=15)
"""Route 53: one attempt per botocore call; ``Route53Account`` retries (see
:mod:`zonecut.aws.retry`), so that it knows when an answer was lost and so that no
retry quota stops it retrying half way through a large apply. Route 53 answers in well
under a second (a 1,000-record batch in a few): a read that waits 15 s has lost its
answer, and is retried."""


@dataclass(frozen=True)
class StaticCredentials:
    """Explicit base credentials (the sandbox uses these; real AWS uses the chain)."""

    access_key: str
    secret_key: str
    token: str | None = None


class SessionFactory:
    """Makes and caches one boto3 session per account.

    Assumed-role sessions refresh themselves before they expire. Credentials that land
    in another account than the config declares are refused before any change is made:
    for an assumed role, by the account in each AssumeRole answer (``AssumedRoleUser.Arn``,
    on the first answer and on every refresh), and a role ARN naming another account is
    refused before any call; for a profile, the default chain or static base credentials
    (no role), nothing else proves the account, so the session is checked once with
    ``GetCallerIdentity``.
    """

    def __init__(
        self,
        *,
        endpoint_url: str | None = None,
        base_credentials: StaticCredentials | None = None,
        purpose: str = "plan",
        access_denied_grace: float = 20.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.endpoint_url = endpoint_url
        self.base_credentials = base_credentials
        self.purpose = purpose
        self.access_denied_grace = access_denied_grace
        self._sleep = sleep
        self._sessions: dict[str, boto3.Session] = {}
        self._base: dict[tuple[str | None, str], boto3.Session] = {}
        self._base_sts_clients: dict[tuple[str | None, str], Any] = {}
        self._lock = threading.Lock()
        self._account_locks: dict[str, threading.Lock] = {}

    # -- public -------------------------------------------------------------------------
    def session(self, access: AccountAccess) -> boto3.Session:
        with self._lock:
            lock = self._account_locks.setdefault(access.account_id, threading.Lock())
        with lock:
            cached = self._sessions.get(access.account_id)
            if cached is not None:
                return cached
            try:
                made = self._make(access)
                if access.role_arn is None:
                    self._check_identity(made, access)
            except (BotoCoreError, ClientError, ResponseParserError, ValueError) as exc:
                found = translate(exc, account_id=access.account_id,
                                  endpoint_url=self.endpoint_url)
                if found is None:
                    raise
                raise found from exc
            self._sessions[access.account_id] = made
            return made

    def forget(self, account_id: str) -> None:
        """Drop the account's cached session: a run that is done with an account (an
        audit of a thousand) need not hold every account's credentials and clients."""
        with self._lock:
            self._sessions.pop(account_id, None)

    def route53_client(self, access: AccountAccess) -> Any:
        return self.session(access).client(
            "route53", endpoint_url=self.endpoint_url, region_name=access.home_region,
            config=ROUTE53_CONFIG,
        )

    # -- internals ----------------------------------------------------------------------
    def _base_session(self, access: AccountAccess) -> boto3.Session:
        key = (access.profile, access.home_region)
        with self._lock:
            found = self._base.get(key)
            if found is not None:
                return found
            try:
                if self.base_credentials is not None:
                    base = boto3.Session(
                        aws_access_key_id=self.base_credentials.access_key,
                        aws_secret_access_key=self.base_credentials.secret_key,
                        aws_session_token=self.base_credentials.token,
                        region_name=access.home_region,
                        botocore_session=_core_session(read_profiles=False),
                    )
                else:
                    base = boto3.Session(region_name=access.home_region,
                                         botocore_session=_core_session(access.profile))
            except BotoCoreError as exc:
                raise AwsError(f"cannot load AWS profile {access.profile!r}: {exc}",
                               account_id=access.account_id) from exc
            self._base[key] = base
            return base

    def base_sts(self, access: AccountAccess) -> Any:
        """The STS client that assumes ``access``'s role (shared by every account with the
        same profile and region)."""
        return self._base_sts(self._base_session(access), access)

    def _base_sts(self, base: boto3.Session, access: AccountAccess) -> Any:
        """One STS client per base session and region, shared by every AssumeRole
        (boto3 clients are thread-safe; making one per account costs CPU for nothing)."""
        key = (access.profile, access.home_region)
        with self._lock:
            found = self._base_sts_clients.get(key)
            if found is None:
                found = base.client("sts", endpoint_url=self.endpoint_url,
                                    region_name=access.home_region, config=RETRY_CONFIG)
                self._base_sts_clients[key] = found
            return found

    def _make(self, access: AccountAccess) -> boto3.Session:
        base = self._base_session(access)
        if access.role_arn is None:
            return base
        role_arn = access.role_arn
        named = _ROLE_ACCOUNT_RE.match(role_arn)
        if named and named["account"] != access.account_id:
            raise AccountMismatch(
                f"account {access.key!r} is declared as {access.account_id}, but role "
                f"{role_arn} is in account {named['account']}; the role must live in the "
                "account itself. Nothing was changed.")
        sts = self._base_sts(base, access)
        params: dict[str, Any] = {
            "RoleArn": access.role_arn,
            "RoleSessionName": session_name(access.session_name, self.purpose, access.key),
            "DurationSeconds": 3600,
        }
        if access.external_id:
            params["ExternalId"] = access.external_id
        if access.source_identity:
            params["SourceIdentity"] = access.source_identity

        def fetch() -> dict[str, str]:
            response = self._assume(sts, params, access)
            _check_assumed(response, access)
            creds: dict[str, Any] = response["Credentials"]
            return {
                "access_key": creds["AccessKeyId"],
                "secret_key": creds["SecretAccessKey"],
                "token": creds["SessionToken"],
                "expiry_time": creds["Expiration"].isoformat(),
            }

        refreshable = RefreshableCredentials.create_from_metadata(
            metadata=fetch(), refresh_using=fetch, method="sts-assume-role"
        )
        core = _core_session(read_profiles=self.base_credentials is None)
        # botocore has no public setter for refreshable credentials; this is the usual way.
        core._credentials = refreshable  # type: ignore[attr-defined]
        core.set_config_variable("region", access.home_region)
        return boto3.Session(botocore_session=core)

    def _assume(self, sts: Any, params: dict[str, Any], access: AccountAccess) -> dict[str, Any]:
        deadline = time.monotonic() + self.access_denied_grace
        delay = 1.0
        while True:
            try:
                response: dict[str, Any] = sts.assume_role(**params)
                return response
            except ClientError as exc:
                code = exc.response.get("Error", {}).get("Code", "")
                message = exc.response.get("Error", {}).get("Message", str(exc))
                denied = code in ("AccessDenied", "AccessDeniedException")
                if denied and time.monotonic() < deadline:
                    # A role created seconds ago can be denied until IAM has propagated it.
                    self._sleep(delay)
                    delay = min(delay * 2, 5.0)
                    continue
                if code in ("AccessDenied", "AccessDeniedException"):
                    raise AccessDenied(
                        f"cannot assume role {params['RoleArn']}: {message}. Check the role "
                        "exists and trusts the caller (see `zonecut iam`).",
                        account_id=access.account_id, operation="sts:AssumeRole", code=code,
                    ) from exc
                raise AwsError(f"cannot assume role {params['RoleArn']}: {code}: {message}",
                               account_id=access.account_id, operation="sts:AssumeRole",
                               code=code) from exc
            except (BotoCoreError, ResponseParserError) as exc:
                found = translate(exc, endpoint_url=self.endpoint_url)
                assert found is not None  # every botocore error has a translation
                raise AwsError(f"cannot assume {params['RoleArn']}: {found.args[0]}",
                               account_id=access.account_id,
                               operation="sts:AssumeRole") from exc

    def _check_identity(self, session: boto3.Session, access: AccountAccess) -> None:
        """The account of credentials reached without a role (``GetCallerIdentity``)."""
        sts = session.client("sts", endpoint_url=self.endpoint_url,
                             region_name=access.home_region, config=RETRY_CONFIG)
        try:
            identity = sts.get_caller_identity()
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            raise AccessDenied(f"credentials were refused: {code}: {exc}",
                               account_id=access.account_id,
                               operation="sts:GetCallerIdentity", code=code) from exc
        except (BotoCoreError, ResponseParserError) as exc:
            found = translate(exc, account_id=access.account_id,
                              endpoint_url=self.endpoint_url,
                              operation="sts:GetCallerIdentity")
            assert found is not None
            raise found from exc
        actual = str(identity.get("Account", ""))
        if actual != access.account_id:
            how = (f"profile {access.profile!r}" if access.profile
                   else "the base credentials" if self.base_credentials is not None
                   else "the default credential chain")
            raise AccountMismatch(
                f"account {access.key!r} is declared as {access.account_id}, but {how} "
                f"reaches account {actual} ({identity.get('Arn', '?')}). Nothing was changed."
            )


def _check_assumed(response: dict[str, Any], access: AccountAccess) -> None:
    """Refuse an AssumeRole answer whose credentials land in another account than
    ``access`` declares: the account is the one in ``AssumedRoleUser.Arn``."""
    arn = str(response.get("AssumedRoleUser", {}).get("Arn", ""))
    found = _ASSUMED_ACCOUNT_RE.match(arn)
    if found is None:
        raise AccountMismatch(
            f"account {access.key!r} is declared as {access.account_id}, but the answer to "
            f"AssumeRole of role {access.role_arn} does not say which account its "
            f"credentials reach (AssumedRoleUser.Arn {arn or 'missing'!r}). Nothing was "
            "changed.")
    if found["account"] != access.account_id:
        raise AccountMismatch(
            f"account {access.key!r} is declared as {access.account_id}, but role "
            f"{access.role_arn} reaches account {found['account']} ({arn}). Nothing was "
            "changed.")
