"""One AWS service in one account and region, every request through the account's token
bucket, errors translated into messages that name account, region and call."""

from __future__ import annotations

from typing import Any, ClassVar

from botocore.exceptions import BotoCoreError, ClientError

from zonecut.aws.calls import CallCounter
from zonecut.aws.errors import AccessDenied, AwsError
from zonecut.aws.ratelimit import TokenBucket


class ServiceAccount:
    """Base of the ACM and SSM adapters (Route 53 has its own, with more to say)."""

    service: ClassVar[str] = ""  # botocore's service name, e.g. "acm"
    label: ClassVar[str] = ""  # how messages name it, e.g. "ACM"

    def __init__(self, account_id: str, region: str, client: Any, limiter: TokenBucket,
                 counter: CallCounter) -> None:
        self.account_id = account_id
        self.region = region
        self.client = client
        self.limiter = limiter
        self.counter = counter
        client.meta.events.register(f"before-send.{self.service}", self._before_send)

    def _before_send(self, request: Any = None, event_name: str = "", **kwargs: Any) -> None:
        self.limiter.acquire()
        operation = event_name.rsplit(".", 1)[-1] if event_name.count(".") >= 2 else "?"
        self.counter.add(self.account_id, f"{self.service}:{operation}")

    def _call(self, operation: str, what: str, **params: Any) -> dict[str, Any]:
        try:
            result: dict[str, Any] = getattr(self.client, operation)(**params)
            return result
        except ClientError as exc:
            error = exc.response.get("Error", {})
            code = str(error.get("Code", ""))
            message = str(error.get("Message", exc))
            cls = AccessDenied if code.startswith("AccessDenied") else AwsError
            raise cls(f"{what} ({self.label}, {self.region}): {code}: {message}",
                      account_id=self.account_id, operation=exc.operation_name,
                      code=code) from exc
        except BotoCoreError as exc:
            raise AwsError(f"{what} ({self.label}, {self.region}): {exc}",
                           account_id=self.account_id, operation=operation) from exc
