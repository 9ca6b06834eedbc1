"""SSM Parameter Store calls for one account and region (the zone handoff), rate limited."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from zonecut.aws.access import HOME_REGIONS
from zonecut.aws.errors import AwsError
from zonecut.aws.fleet import Fleet
from zonecut.aws.ratelimit import TokenBucket
from zonecut.aws.service import ServiceAccount
from zonecut.aws.sessions import RETRY_CONFIG, SessionFactory

SSM_REGION_ENV = "ZONECUT_SSM_REGION"
"""The Lambda handlers' setting for the handoff region (the CLI's: ``defaults.ssm.region``)."""


def handoff_region(configured: str | None, partition: str = "aws") -> str:
    """The one region of the SSM handoff, for the CLI and the Lambda handlers alike: the
    configured one, else the partition's Route 53 home region (us-east-1 in ``aws``)."""
    return configured or HOME_REGIONS.get(partition, "us-east-1")


class SsmAccount(ServiceAccount):
    """One account's Parameter Store in one region."""

    service = "ssm"
    label = "SSM"

    def get(self, name: str) -> str | None:
        """The parameter's value; None when it does not exist."""
        try:
            page = self._call("get_parameter", f"reading parameter {name}", Name=name)
        except AwsError as exc:
            if exc.code == "ParameterNotFound":
                return None
            raise
        return str(page["Parameter"]["Value"])

    def put(self, name: str, value: str, description: str) -> None:
        """Write the parameter in the tier it has (new ones Standard).

        An Advanced parameter cannot go back to Standard (SSM PutParameter, Tier: "you
        can't revert an advanced parameter to a standard parameter"): when SSM refuses
        the Standard write for that reason, it is written again as Advanced. No
        DescribeParameters (which IAM grants only on every parameter) is needed."""
        params = {"Name": name, "Value": value, "Type": "String", "Overwrite": True,
                  "Description": description[:1024]}
        try:
            self._call("put_parameter", f"writing parameter {name}", Tier="Standard", **params)
        except AwsError as exc:
            if exc.code != "ValidationException" or "advanced" not in str(exc).lower():
                raise
            self._call("put_parameter", f"writing parameter {name}", Tier="Advanced", **params)

    def delete(self, name: str) -> bool:
        """Delete a parameter; False when it was already gone."""
        try:
            self._call("delete_parameter", f"deleting parameter {name}", Name=name)
        except AwsError as exc:
            if exc.code == "ParameterNotFound":
                return False
            raise
        return True

    def under(self, path: str) -> dict[str, str]:
        """Every parameter below ``path`` (recursively): name -> value."""
        found: dict[str, str] = {}
        params: dict[str, Any] = {"Path": path, "Recursive": True, "MaxResults": 10}
        while True:
            page = self._call("get_parameters_by_path", f"listing parameters under {path}",
                              **params)
            for item in page.get("Parameters", []):
                found[str(item["Name"])] = str(item["Value"])
            token = page.get("NextToken")
            if not token:
                return found
            params["NextToken"] = token


def ssm_account(fleet: Fleet, account_id: str, region: str | None = None,
                role_arn: str | None = None) -> SsmAccount:
    """Parameter Store of ``account_id`` in ``region`` (None: the handoff's default, see
    :func:`handoff_region`) with the account's access, or through ``role_arn`` (another
    role of that account, e.g. a read-only one) when given."""
    access = fleet.access(account_id)
    factory = fleet.factory
    if role_arn is not None and role_arn != access.role_arn:
        access = replace(access, role_arn=role_arn)
        factory = SessionFactory(endpoint_url=fleet.factory.endpoint_url,
                                 base_credentials=fleet.factory.base_credentials,
                                 purpose="read-parent")
    name = handoff_region(region, access.partition)
    client = factory.session(access).client("ssm", region_name=name,
                                            endpoint_url=factory.endpoint_url,
                                            config=RETRY_CONFIG)
    return SsmAccount(account_id, name, client, TokenBucket(fleet.rate_limit), fleet.counter)
