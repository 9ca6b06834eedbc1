"""AWS Organizations: the accounts of an organisation (``ListAccounts``, paginated).

Called with the base credentials (the management account or a delegated
administrator): no role is assumed for it. Accounts come back as plain data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from zonecut.aws.access import HOME_REGIONS
from zonecut.aws.calls import CallCounter
from zonecut.aws.errors import AccessDenied, AwsError, translate
from zonecut.aws.ratelimit import TokenBucket
from zonecut.aws.sessions import RETRY_CONFIG, StaticCredentials

PAGE_SIZE = 20
"""The most ``ListAccounts`` returns per page."""
PACE_RATE = 1.0
PACE_BURST = 5.0
"""zonecut's own pace for Organizations requests (5 at once, then 1 a second): no AWS
quota for ListAccounts was found to set it by. At 1,000 accounts its 51 pages take
about 46 s of it."""
COUNTER_KEY = "organizations"
"""The account key under which :class:`CallCounter` records Organizations calls."""


@dataclass(frozen=True)
class OrganizationAccount:
    """One member account as ``ListAccounts`` describes it."""

    account_id: str
    name: str
    email: str = ""
    status: str = "ACTIVE"

    @property
    def active(self) -> bool:
        """Only ``ACTIVE``: PENDING_ACTIVATION, SUSPENDED, PENDING_CLOSURE, CLOSED and
        any value this build does not know (or none at all) are not audited."""
        return self.status == "ACTIVE"


def account_from_api(item: dict[str, Any]) -> OrganizationAccount:
    """``State`` (PENDING_ACTIVATION, ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED) when
    the API gives it; else the retired ``Status`` (the botocore model: Status "will be
    retired on September 9, 2026"); neither: unknown, so not active."""
    state = item.get("State") or item.get("Status") or "UNKNOWN"
    return OrganizationAccount(
        account_id=str(item["Id"]),
        name=str(item.get("Name", "") or ""),
        email=str(item.get("Email", "") or ""),
        status=str(state),
    )


class Organizations:
    """The Organizations API of the caller's organisation, rate limited and counted."""

    def __init__(self, client: Any, *, limiter: TokenBucket | None = None,
                 counter: CallCounter | None = None) -> None:
        self.client = client
        self.limiter = limiter or TokenBucket(PACE_RATE, burst=PACE_BURST)
        self.counter = counter or CallCounter()
        client.meta.events.register("before-send.organizations", self._before_send)

    @classmethod
    def connect(cls, *, endpoint_url: str | None = None,
                base_credentials: StaticCredentials | None = None, profile: str | None = None,
                partition: str = "aws", counter: CallCounter | None = None) -> Organizations:
        """A client with the base credentials (``profile`` or the default chain)."""
        region = HOME_REGIONS.get(partition, "us-east-1")
        try:
            if base_credentials is not None:
                session = boto3.Session(
                    aws_access_key_id=base_credentials.access_key,
                    aws_secret_access_key=base_credentials.secret_key,
                    aws_session_token=base_credentials.token, region_name=region)
            else:
                session = boto3.Session(profile_name=profile, region_name=region)
            client = session.client("organizations", endpoint_url=endpoint_url,
                                    region_name=region, config=RETRY_CONFIG)
        except (BotoCoreError, ValueError) as exc:
            found = translate(exc, endpoint_url=endpoint_url,
                              operation="organizations:ListAccounts")
            if found is None:
                raise
            raise found from exc
        return cls(client, counter=counter)

    def _before_send(self, **_: Any) -> None:
        self.limiter.acquire()
        self.counter.add(COUNTER_KEY, "ListAccounts")

    def list_accounts(self, *, page_size: int = PAGE_SIZE) -> list[OrganizationAccount]:
        """Every account of the organisation (any status), in the API's order."""
        found: list[OrganizationAccount] = []
        params: dict[str, Any] = {"MaxResults": page_size}
        while True:
            try:
                page = self.client.list_accounts(**params)
            except ClientError as exc:
                error = exc.response.get("Error", {})
                code = str(error.get("Code", ""))
                message = str(error.get("Message", exc))
                cls = AccessDenied if code.startswith("AccessDenied") else AwsError
                hint = ""
                if code in ("AWSOrganizationsNotInUseException", "AccessDeniedException"):
                    hint = (" Run the audit with credentials of the management account or "
                            "of a delegated administrator, or name the accounts with "
                            "--accounts.")
                raise cls(f"listing the organisation's accounts: {code}: {message}.{hint}",
                          operation="organizations:ListAccounts", code=code) from exc
            except BotoCoreError as exc:
                raise AwsError(f"listing the organisation's accounts: {exc}",
                               operation="organizations:ListAccounts") from exc
            found.extend(account_from_api(item) for item in page.get("Accounts", []))
            token = page.get("NextToken")
            if not token:
                return found
            params = {"MaxResults": page_size, "NextToken": token}
