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


ENDPOINT_HINT = ("check --endpoint-url / AWS_ENDPOINT_URL, or use --sandbox for the sandbox "
                 "started by `zonecut sandbox up`")


def translate(exc: BaseException, *, account_id: str | None = None,
              endpoint_url: str | None = None, operation: str = "") -> AwsError | None:
    """The zonecut error for an exception boto3/botocore raised, or None if it is not one.

    Each message says what failed (the profile, the URL, the account) and what to do;
    the CLI prints it on one line. Exceptions that are already zonecut errors are left to
    the caller.
    """
    import botocore.exceptions as bx
    from botocore.parsers import ResponseParserError

    where = endpoint_url or "AWS"
    if isinstance(exc, AwsError):
        return exc
    if isinstance(exc, bx.ProfileNotFound):
        profile = exc.kwargs.get("profile", "?")
        return AwsError(f"AWS profile {profile!r} is not in your AWS config files "
                        "(~/.aws/config, AWS_CONFIG_FILE): add it, fix the profile name (the "
                        "config's `profile:` or AWS_PROFILE), or use --sandbox",
                        account_id=account_id, operation=operation)
    if isinstance(exc, bx.ConfigParseError):
        return AwsError(f"cannot parse the AWS config file {exc.kwargs.get('path', '?')}; "
                        "fix its syntax", account_id=account_id, operation=operation)
    if isinstance(exc, bx.NoCredentialsError | bx.PartialCredentialsError):
        also = (" (an endpoint such as the sandbox takes any key pair:"
                " AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x, or use --sandbox)"
                if endpoint_url else "")
        return AwsError("no AWS credentials found: set AWS_PROFILE or a profile in the "
                        f"config, or log in (`aws sso login`){also}",
                        account_id=account_id, operation=operation)
    if isinstance(exc, bx.NoRegionError):
        return AwsError("no AWS region: set `region` in the config or AWS_REGION",
                        account_id=account_id, operation=operation)
    if isinstance(exc, bx.EndpointConnectionError | bx.ConnectTimeoutError):
        url = exc.kwargs.get("endpoint_url", where)
        return AwsError(f"cannot connect to {url}: is it running and reachable? "
                        f"{ENDPOINT_HINT}", account_id=account_id, operation=operation)
    if isinstance(exc, bx.ReadTimeoutError):
        url = exc.kwargs.get("endpoint_url", where)
        return AwsError(f"{url} did not answer in time; try again, or {ENDPOINT_HINT}",
                        account_id=account_id, operation=operation)
    if isinstance(exc, bx.SSLError):
        return AwsError(f"TLS to {exc.kwargs.get('endpoint_url', where)} failed: "
                        f"{exc.kwargs.get('error', exc)}; {ENDPOINT_HINT}",
                        account_id=account_id, operation=operation)
    if isinstance(exc, ResponseParserError):
        return AwsError(f"{where} did not answer like AWS (a response zonecut could not "
                        f"parse); {ENDPOINT_HINT}", account_id=account_id,
                        operation=operation)
    if isinstance(exc, ValueError) and str(exc).startswith("Invalid endpoint"):
        url = str(exc).partition(":")[2].strip()
        return AwsError(f"{url!r} is not an endpoint URL: give one like "
                        "http://127.0.0.1:5000 (--endpoint-url, AWS_ENDPOINT_URL), or use "
                        "--sandbox", account_id=account_id, operation=operation)
    if isinstance(exc, bx.ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code", ""))
        message = str(error.get("Message", exc))
        if code.startswith("AccessDenied"):
            return AccessDenied(f"{code}: {message}. The role or user needs the permissions "
                                "listed by `zonecut iam`", account_id=account_id,
                                operation=operation, code=code)
        if code in ("InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredToken",
                    "UnrecognizedClientException"):
            return AccessDenied(f"{code}: {message}. The credentials are not valid for "
                                f"{where}: refresh them (`aws sso login`) or check the "
                                "profile", account_id=account_id, operation=operation,
                                code=code)
        return AwsError(f"{code}: {message}", account_id=account_id, operation=operation,
                        code=code)
    if isinstance(exc, bx.BotoCoreError):
        return AwsError(str(exc), account_id=account_id, operation=operation)
    return None
